//! A scripted broker on the other end of a [`Link`], for native tests of the connection core:
//! broker bytes in, the link's packets out and decoded, time as a value. Answers CONNECT and
//! SUBSCRIBE by itself unless told otherwise.
#![allow(dead_code)]

use feedboard::budget::budgets::{BudgetSettings, PlanChoice};
use feedboard::history::{FetchId, HttpRequest, HttpResponse};
use feedboard::link::{ConnectionSettings, Link, LinkEvent, LinkStatus, Transmit};
use feedboard::service::ServiceKind;
use feedboard::time::Instant;
use mqttrs::{Packet, Pid, QosPid, SubscribeReturnCodes};

/// A packet the link sent, copied out of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Connect,
    Subscribe {
        pid: u16,
        filters: Vec<String>,
    },
    Unsubscribe {
        pid: u16,
        filters: Vec<String>,
    },
    Publish {
        topic: String,
        payload: String,
        qos: u8,
        dup: bool,
        pid: Option<u16>,
    },
    Puback(u16),
    Pubrec(u16),
    Pubrel(u16),
    Pubcomp(u16),
    Pingreq,
    Disconnect,
}

/// The link, its fake broker and a clock.
pub struct Wire {
    pub link: Link,
    pub now_ms: u64,
    /// Every packet the link sent, in order.
    pub sent: Vec<Sent>,
    /// Every event the link reported, in order.
    pub events: Vec<LinkEvent>,
    /// Sockets the link asked to open.
    pub opens: Vec<u64>,
    /// Whether a socket the link opens is accepted (CONNACK 0) at once.
    pub accept: bool,
    /// Whether SUBSCRIBEs are granted at once.
    pub grant: bool,
    /// Whether the socket is open (the link asked for it and it was accepted).
    pub open: bool,
    /// HTTP fetches the link asked for (time asked, id, request), left for the test to answer.
    pub fetches: Vec<(u64, FetchId, HttpRequest)>,
}

pub fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

pub fn settings(service: ServiceKind, user: &str, plan: &str) -> ConnectionSettings {
    ConnectionSettings {
        service,
        url: "ws://broker.test/mqtt".into(),
        client_id: format!("test-{user}"),
        username: user.into(),
        password: "secret-key".into(),
        budget: BudgetSettings {
            plan: PlanChoice::Named(plan.into()),
            margin: 0.1,
        },
        clean_session: true,
        history_api: String::new(),
        read_keys: Vec::new(),
    }
}

pub fn adafruit(plan: &str) -> ConnectionSettings {
    settings(ServiceKind::AdafruitIo, "maker", plan)
}

pub fn plain_broker() -> ConnectionSettings {
    settings(ServiceKind::Generic, "", "")
}

fn encode(packet: &Packet<'_>) -> Vec<u8> {
    let mut buffer = vec![0u8; 70_000];
    let len = mqttrs::encode_slice(packet, &mut buffer).expect("test packet encodes");
    buffer.truncate(len);
    buffer
}

fn pid(id: u16) -> Pid {
    Pid::try_from(id).expect("test ids are non-zero")
}

fn read(bytes: &[u8]) -> Sent {
    let packet = mqttrs::decode_slice(bytes)
        .expect("the link sends valid packets")
        .expect("the link sends whole packets");
    match packet {
        Packet::Connect(_) => Sent::Connect,
        Packet::Subscribe(s) => Sent::Subscribe {
            pid: s.pid.get(),
            filters: s.topics.into_iter().map(|t| t.topic_path).collect(),
        },
        Packet::Unsubscribe(u) => Sent::Unsubscribe {
            pid: u.pid.get(),
            filters: u.topics,
        },
        Packet::Publish(p) => {
            let (qos, pid) = match p.qospid {
                QosPid::AtMostOnce => (0, None),
                QosPid::AtLeastOnce(id) => (1, Some(id.get())),
                QosPid::ExactlyOnce(id) => (2, Some(id.get())),
            };
            Sent::Publish {
                topic: p.topic_name.to_owned(),
                payload: String::from_utf8_lossy(p.payload).into_owned(),
                qos,
                dup: p.dup,
                pid,
            }
        }
        Packet::Puback(id) => Sent::Puback(id.get()),
        Packet::Pubrec(id) => Sent::Pubrec(id.get()),
        Packet::Pubrel(id) => Sent::Pubrel(id.get()),
        Packet::Pubcomp(id) => Sent::Pubcomp(id.get()),
        Packet::Pingreq => Sent::Pingreq,
        Packet::Disconnect => Sent::Disconnect,
        other => panic!("a client does not send {other:?}"),
    }
}

impl Wire {
    /// A link for `settings` at time 0, not connected.
    pub fn new(settings: ConnectionSettings) -> Self {
        Self::with_link(Link::new(settings, 7, None))
    }

    pub fn with_link(link: Link) -> Self {
        Self {
            link,
            now_ms: 0,
            sent: Vec::new(),
            events: Vec::new(),
            opens: Vec::new(),
            accept: true,
            grant: true,
            open: false,
            fetches: Vec::new(),
        }
    }

    /// A link for `settings`, connected at time 0 with its subscriptions granted.
    pub fn connected(settings: ConnectionSettings) -> Self {
        let mut wire = Self::new(settings);
        wire.connect();
        assert_eq!(wire.link.status(), &LinkStatus::Connected);
        wire
    }

    pub fn now(&self) -> Instant {
        at(self.now_ms)
    }

    pub fn connect(&mut self) {
        let now = self.now();
        self.link.connect(now);
        self.pump();
    }

    /// Moves the clock to `ms`, calling the link at every deadline it asks for on the way.
    pub fn run_until(&mut self, ms: u64) {
        while let Some(due) = self.link.poll_timeout() {
            if due.as_millis() > ms {
                break;
            }
            self.now_ms = self.now_ms.max(due.as_millis());
            let now = self.now();
            self.link.handle_timeout(now);
            self.pump();
        }
        self.now_ms = self.now_ms.max(ms);
    }

    /// Moves the clock to `ms` without calling the link (nothing was due, or the test acts).
    pub fn jump_to(&mut self, ms: u64) {
        self.now_ms = ms;
    }

    /// Bytes from the broker.
    pub fn receive(&mut self, bytes: &[u8]) {
        let now = self.now();
        self.link.handle_bytes(now, bytes);
        self.pump();
    }

    /// A QoS 0 message from the broker.
    pub fn deliver(&mut self, topic: &str, payload: &str) {
        self.receive(&encode(&Packet::Publish(mqttrs::Publish {
            dup: false,
            qospid: QosPid::AtMostOnce,
            retain: false,
            topic_name: topic,
            payload: payload.as_bytes(),
        })));
    }

    pub fn puback(&mut self, id: u16) {
        self.receive(&encode(&Packet::Puback(pid(id))));
    }

    pub fn suback(&mut self, id: u16, codes: Vec<SubscribeReturnCodes>) {
        self.receive(&encode(&Packet::Suback(mqttrs::Suback {
            pid: pid(id),
            return_codes: codes,
        })));
    }

    /// Answers fetch `id` with `status` and `body` (and a `Link` header).
    pub fn answer(&mut self, id: FetchId, status: u16, body: &str, link: Option<&str>) {
        let response = HttpResponse {
            status,
            body: body.to_owned(),
            link: link.map(str::to_owned),
            retry_after: None,
        };
        self.answer_with(id, &response);
    }

    /// Answers fetch `id` with `response`.
    pub fn answer_with(&mut self, id: FetchId, response: &HttpResponse) {
        let now = self.now();
        self.link.handle_fetch_response(now, id, response);
        self.pump();
    }

    /// The broker goes away.
    pub fn drop_connection(&mut self) {
        self.open = false;
        let now = self.now();
        self.link
            .handle_transport_closed(now, "the broker went away".into());
        self.pump();
    }

    /// Hands the link's output to the fake broker until nothing more happens.
    pub fn pump(&mut self) {
        loop {
            let mut replies: Vec<Vec<u8>> = Vec::new();
            let mut open_now = false;
            while let Some(transmit) = self.link.poll_transmit() {
                match transmit {
                    Transmit::Open => {
                        self.opens.push(self.now_ms);
                        open_now = self.accept;
                    }
                    Transmit::Close => self.open = false,
                    Transmit::Fetch { id, request } => {
                        self.fetches.push((self.now_ms, id, request));
                    }
                    Transmit::Bytes(bytes) => {
                        let packet = read(&bytes);
                        match &packet {
                            Sent::Connect => replies.push(vec![0x20, 0x02, 0x00, 0x00]),
                            Sent::Subscribe { pid: id, filters } if self.grant => {
                                replies.push(encode(&Packet::Suback(mqttrs::Suback {
                                    pid: pid(*id),
                                    return_codes: filters
                                        .iter()
                                        .map(|_| {
                                            SubscribeReturnCodes::Success(mqttrs::QoS::AtMostOnce)
                                        })
                                        .collect(),
                                })))
                            }
                            _ => {}
                        }
                        self.sent.push(packet);
                    }
                }
            }
            self.events
                .extend(std::iter::from_fn(|| self.link.poll_event()));
            let now = self.now();
            if open_now {
                self.open = true;
                self.link.handle_transport_open(now);
                continue;
            }
            if replies.is_empty() {
                return;
            }
            for reply in replies {
                self.link.handle_bytes(now, &reply);
            }
        }
    }

    /// Whether the link asked for a socket that was not accepted and is still opening.
    pub fn open_pending(&self) -> bool {
        !self.open && matches!(self.link.status(), LinkStatus::Connecting)
    }

    /// The publishes sent, as (topic, payload).
    pub fn published(&self) -> Vec<(String, String)> {
        self.sent
            .iter()
            .filter_map(|s| match s {
                Sent::Publish { topic, payload, .. } => Some((topic.clone(), payload.clone())),
                _ => None,
            })
            .collect()
    }

    /// The payloads published to topics starting with `prefix`.
    pub fn payloads_to(&self, prefix: &str) -> Vec<String> {
        self.published()
            .into_iter()
            .filter(|(topic, _)| topic.starts_with(prefix))
            .map(|(_, payload)| payload)
            .collect()
    }

    /// The filters of every SUBSCRIBE sent since packet number `from`.
    pub fn subscribed_since(&self, from: usize) -> Vec<String> {
        self.sent[from..]
            .iter()
            .filter_map(|s| match s {
                Sent::Subscribe { filters, .. } => Some(filters.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The last saved outbox the link asked to keep, as payloads.
    pub fn last_persisted(&self) -> Option<Vec<String>> {
        self.events.iter().rev().find_map(|e| match e {
            LinkEvent::PersistOutbox(saved) => Some(
                saved
                    .iter()
                    .map(|p| String::from_utf8_lossy(&p.payload).into_owned())
                    .collect(),
            ),
            _ => None,
        })
    }

    /// The events reported since event number `from`.
    pub fn events_since(&self, from: usize) -> &[LinkEvent] {
        &self.events[from..]
    }
}

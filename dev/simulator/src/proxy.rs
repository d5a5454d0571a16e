//! One client's connection: WebSocket from the client, TCP to the broker, and the service
//! rules in between. Client packets are framed and checked with Feedboard's own framing; the
//! broker's bytes pass through untouched.

use crate::adafruit::AdafruitService;
use crate::http_api::{peek_head, preflight, respond, Answer};
use crate::rules::{Client, PublishOutcome, ServicePublish};
use crate::service_client::ServiceClient;
use crate::thingspeak::ThingSpeakService;
use feedboard::mqtt::encode::encode;
use feedboard::mqtt::framing::{decode_frame, Frame, FrameReader};
use feedboard::mqtt::QoS;
use feedboard::time::Instant;
use mqttrs::{Packet, QosPid, SubscribeTopic};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::http::HeaderValue;
use tungstenite::{Message, WebSocket};

/// Which service a listener imitates.
#[derive(Clone)]
pub enum Service {
    /// Adafruit IO.
    Adafruit(Arc<Mutex<AdafruitService>>),
    /// ThingSpeak.
    ThingSpeak(Arc<Mutex<ThingSpeakService>>),
}

/// Shared by every connection of a listener.
#[derive(Clone)]
pub struct Context {
    /// The broker behind the simulator.
    pub broker: SocketAddr,
    /// The rules.
    pub service: Service,
    /// Publishing as the service.
    pub publisher: ServiceClient,
    /// The simulator's monotonic clock origin.
    pub started: std::time::Instant,
}

impl Context {
    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX))
    }
}

/// Accepts WebSocket clients forever.
pub fn serve(listener: TcpListener, context: Context) {
    for stream in listener.incoming().flatten() {
        let context = context.clone();
        thread::spawn(move || {
            if let Err(error) = handle(stream, &context) {
                eprintln!("simulator: connection ended: {error}");
            }
        });
    }
}

/// Answers the `mqtt` subprotocol the browser asks for; without it the browser drops the socket.
// The signature is tungstenite's handshake `Callback`; its error type is not ours to shrink.
#[allow(clippy::result_large_err)]
fn select_mqtt_subprotocol(
    request: &Request,
    mut response: Response,
) -> Result<Response, ErrorResponse> {
    let asks_mqtt = request
        .headers()
        .get_all("Sec-WebSocket-Protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|p| p.trim() == "mqtt"));
    if asks_mqtt {
        response
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    }
    Ok(response)
}

fn handle(stream: TcpStream, context: &Context) -> Result<(), String> {
    // The same port serves the service's HTTP API: a request that is not a WebSocket handshake
    // is answered as one.
    if let Some(head) = peek_head(&stream).filter(|head| !head.is_upgrade()) {
        let answer = match head.method.as_str() {
            "OPTIONS" => preflight(),
            "GET" => match &context.service {
                Service::Adafruit(io) => lock(io).answer_http(&head, context.now()),
                Service::ThingSpeak(ts) => lock(ts).answer_http(&head, epoch_millis()),
            },
            _ => Answer::error(405, "only GET is served here"),
        };
        return respond(stream, &answer).map_err(|e| e.to_string());
    }
    let mut socket =
        tungstenite::accept_hdr(stream, select_mqtt_subprotocol).map_err(|e| e.to_string())?;
    socket
        .get_mut()
        .set_read_timeout(Some(Duration::from_millis(10)))
        .map_err(|e| e.to_string())?;
    let mut upstream = TcpStream::connect(context.broker).map_err(|e| format!("broker: {e}"))?;
    upstream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (to_client, for_client) = mpsc::channel::<Vec<u8>>();
    let reader = upstream.try_clone().map_err(|e| e.to_string())?;
    let broker_side = to_client.clone();
    thread::spawn(move || pump_broker(reader, broker_side));

    let mut connection = Connection {
        context: context.clone(),
        client: None,
        reader: FrameReader::new(2 * 1024 * 1024),
        to_client,
    };
    let result = run(&mut socket, &mut upstream, &mut connection, &for_client);
    let _ = upstream.shutdown(std::net::Shutdown::Both);
    let _ = socket.close(None);
    result
}

fn run(
    socket: &mut WebSocket<TcpStream>,
    upstream: &mut TcpStream,
    connection: &mut Connection,
    for_client: &Receiver<Vec<u8>>,
) -> Result<(), String> {
    loop {
        match socket.read() {
            Ok(Message::Binary(bytes)) => {
                if connection.handle_client_bytes(&bytes, upstream)? == Flow::Close {
                    flush(socket, for_client)?;
                    return Ok(());
                }
            }
            Ok(Message::Close(_)) => return Ok(()),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(error) => return Err(error.to_string()),
        }
        flush(socket, for_client)?;
    }
}

fn flush(socket: &mut WebSocket<TcpStream>, for_client: &Receiver<Vec<u8>>) -> Result<(), String> {
    loop {
        match for_client.try_recv() {
            Ok(bytes) if bytes.is_empty() => return Err("the broker closed the connection".into()),
            Ok(bytes) => socket
                .send(Message::binary(bytes))
                .map_err(|e| e.to_string())?,
            Err(mpsc::TryRecvError::Empty) => return Ok(()),
            Err(mpsc::TryRecvError::Disconnected) => {
                return Err("the broker closed the connection".into())
            }
        }
    }
}

/// An empty message on the client channel: the broker closed the connection.
const BROKER_CLOSED: Vec<u8> = Vec::new();

fn pump_broker(mut reader: TcpStream, to_client: Sender<Vec<u8>>) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) | Err(_) => {
                let _ = to_client.send(BROKER_CLOSED);
                return;
            }
            Ok(n) => {
                if to_client.send(buffer[..n].to_vec()).is_err() {
                    return;
                }
            }
        }
    }
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

struct Connection {
    context: Context,
    client: Option<Client>,
    reader: FrameReader,
    to_client: Sender<Vec<u8>>,
}

impl Connection {
    fn handle_client_bytes(
        &mut self,
        bytes: &[u8],
        upstream: &mut TcpStream,
    ) -> Result<Flow, String> {
        self.reader.push(bytes);
        while let Some(frame) = self.reader.next_frame().map_err(|e| e.to_string())? {
            let frame = frame.to_vec();
            if self.packet(&frame, upstream)? == Flow::Close {
                return Ok(Flow::Close);
            }
        }
        Ok(Flow::Continue)
    }

    fn packet(&mut self, frame: &[u8], upstream: &mut TcpStream) -> Result<Flow, String> {
        let packet = match decode_frame(frame).map_err(|e| e.to_string())? {
            Frame::Packet(packet) => packet,
            Frame::Connack { .. } => return Err("a client sent CONNACK".into()),
        };
        let now = self.context.now();
        match packet {
            Packet::Connect(connect) => {
                let client = Client {
                    client_id: connect.client_id.to_owned(),
                    username: connect.username.unwrap_or_default().to_owned(),
                };
                let verdict = match &self.context.service {
                    Service::Adafruit(io) => {
                        lock(io).on_connect(now, &client, connect.password.unwrap_or_default())
                    }
                    Service::ThingSpeak(_) => Ok(()),
                };
                if let Err(code) = verdict {
                    self.reply(vec![0x20, 0x02, 0x00, code]);
                    return Ok(Flow::Close);
                }
                self.client = Some(client);
                upstream.write_all(frame).map_err(|e| e.to_string())?;
            }
            Packet::Publish(publish) => {
                let client = self.client.clone().ok_or("PUBLISH before CONNECT")?;
                let (qos, packet_id) = match publish.qospid {
                    QosPid::AtMostOnce => (QoS::AtMostOnce, None),
                    QosPid::AtLeastOnce(pid) => (QoS::AtLeastOnce, Some(pid)),
                    QosPid::ExactlyOnce(pid) => (QoS::ExactlyOnce, Some(pid)),
                };
                let (outcome, acks_qos1) = match &self.context.service {
                    Service::Adafruit(io) => (
                        lock(io).on_publish(now, &client, publish.topic_name, publish.payload, qos),
                        true,
                    ),
                    Service::ThingSpeak(ts) => (
                        lock(ts).on_publish(
                            now,
                            epoch_millis(),
                            publish.topic_name,
                            publish.payload,
                            qos,
                        ),
                        false,
                    ),
                };
                if outcome.forward {
                    upstream.write_all(frame).map_err(|e| e.to_string())?;
                }
                // Adafruit IO acknowledges a QoS 1 publish it received, accepted or not; its
                // verdict arrives on the throttle and errors topics.
                if let (QoS::AtLeastOnce, Some(pid), true) = (qos, packet_id, acks_qos1) {
                    self.reply_packet(&Packet::Puback(pid));
                }
                self.carry_out(outcome);
            }
            Packet::Subscribe(subscribe) => {
                let client = self.client.clone().ok_or("SUBSCRIBE before CONNECT")?;
                let filters: Vec<(String, QoS)> = subscribe
                    .topics
                    .iter()
                    .map(|t| (t.topic_path.clone(), t.qos.into()))
                    .collect();
                let filters = match &self.context.service {
                    Service::Adafruit(io) => {
                        let outcome = lock(io).on_subscribe(now, &client, &filters);
                        for publish in outcome.publishes {
                            self.context.publisher.publish(publish);
                        }
                        outcome.filters
                    }
                    Service::ThingSpeak(_) => filters,
                };
                let rewritten = Packet::Subscribe(mqttrs::Subscribe {
                    pid: subscribe.pid,
                    topics: filters
                        .into_iter()
                        .map(|(topic_path, qos)| SubscribeTopic {
                            topic_path,
                            qos: qos.into(),
                        })
                        .collect(),
                });
                let bytes = encode(&rewritten).map_err(|e| e.to_string())?;
                upstream.write_all(&bytes).map_err(|e| e.to_string())?;
            }
            _ => upstream.write_all(frame).map_err(|e| e.to_string())?,
        }
        Ok(Flow::Continue)
    }

    fn carry_out(&self, outcome: PublishOutcome) {
        for ServicePublish { topic, payload, .. } in outcome.replies {
            self.reply_packet(&Packet::Publish(mqttrs::Publish {
                dup: false,
                qospid: QosPid::AtMostOnce,
                retain: false,
                topic_name: &topic,
                payload: payload.as_bytes(),
            }));
        }
        for publish in outcome.publishes {
            self.context.publisher.publish(publish);
        }
    }

    fn reply_packet(&self, packet: &Packet<'_>) {
        if let Ok(bytes) = encode(packet) {
            self.reply(bytes);
        }
    }

    fn reply(&self, bytes: Vec<u8>) {
        let _ = self.to_client.send(bytes);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in another connection's thread must not take the simulator down.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Wall-clock milliseconds since the Unix epoch.
pub fn epoch_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

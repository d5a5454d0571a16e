//! The simulator's own MQTT connection to the broker, through which the "service" publishes
//! (republished updates, throttle and error notices, time ticks). It is Feedboard's sans-IO
//! session driven over a plain TCP socket.

use crate::rules::ServicePublish;
use feedboard::mqtt::{Event, QoS, Session, SessionConfig};
use feedboard::time::Instant;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

/// A handle for publishing as the service.
#[derive(Clone)]
pub struct ServiceClient {
    outgoing: Sender<ServicePublish>,
}

impl ServiceClient {
    /// Connects to the broker and starts the connection's thread.
    pub fn start(broker: SocketAddr, client_id: &str) -> std::io::Result<Self> {
        let stream = TcpStream::connect(broker)?;
        // Short, so queued publishes leave within a few milliseconds.
        stream.set_read_timeout(Some(Duration::from_millis(3)))?;
        stream.set_nodelay(true)?;
        let (outgoing, incoming) = mpsc::channel();
        let config = SessionConfig {
            client_id: client_id.to_owned(),
            keep_alive: Duration::from_secs(30),
            ..SessionConfig::default()
        };
        thread::spawn(move || run(stream, Session::new(config), incoming));
        Ok(Self { outgoing })
    }

    /// Publishes as the service (QoS 0).
    pub fn publish(&self, publish: ServicePublish) {
        // The thread only stops when the broker is gone, and then the process exits.
        let _ = self.outgoing.send(publish);
    }
}

fn run(mut stream: TcpStream, mut session: Session, incoming: Receiver<ServicePublish>) {
    let start = std::time::Instant::now();
    let now =
        || Instant::from_millis(u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX));
    let mut waiting: Vec<ServicePublish> = Vec::new();
    let mut connected = false;
    let mut buffer = vec![0u8; 64 * 1024];
    session.handle_transport_open(now());
    loop {
        while let Some(bytes) = session.poll_transmit() {
            if let Err(error) = stream.write_all(&bytes) {
                fail(&format!("lost the broker: {error}"));
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) => fail("the broker closed the service connection"),
            Ok(n) => session.handle_bytes(now(), &buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(error) => fail(&format!("lost the broker: {error}")),
        }
        while let Some(event) = session.poll_event() {
            match event {
                Event::Connected { .. } => connected = true,
                Event::Disconnected(reason) => fail(&format!("service connection ended: {reason}")),
                _ => {}
            }
        }
        waiting.extend(incoming.try_iter());
        if connected {
            for publish in waiting.drain(..) {
                let sent = session.publish(
                    now(),
                    &publish.topic,
                    publish.payload.as_bytes(),
                    QoS::AtMostOnce,
                    publish.retain,
                );
                if let Err(error) = sent {
                    eprintln!("simulator: could not publish on {}: {error}", publish.topic);
                }
            }
        }
        session.handle_timeout(now());
    }
}

fn fail(message: &str) -> ! {
    eprintln!("simulator: {message}");
    std::process::exit(1);
}

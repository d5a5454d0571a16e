//! Runs a mosquitto that tests can stop and start again over HTTP, to watch a client ride out a
//! real broker outage. Loopback only; a development tool.
//!
//! ```text
//! broker-control --config FILE --broker-port PORT --listen 127.0.0.1:PORT
//! ```
//! `POST /stop` ends mosquitto gracefully (it saves its persistent sessions), `POST /start`
//! starts it again with the same config and answers once it accepts connections, `GET /status`
//! says `running` or `stopped`. Answers carry `Access-Control-Allow-Origin: *`, so a browser
//! test page can call them.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

struct Broker {
    config: String,
    port: u16,
    child: Option<Child>,
}

impl Broker {
    fn start(&mut self) -> Result<(), String> {
        if self.child.is_some() {
            return Ok(());
        }
        // mosquitto's own log goes where this process's goes (dev/test keeps it in
        // .dev-run/broker-control.log), so a broker that cannot start says why.
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.config)
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start mosquitto: {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                return Err(format!("mosquitto exited ({status}); its log is above"));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Err("mosquitto did not start listening within 10 s".to_owned())
    }

    fn stop(&mut self) -> Result<(), String> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        // SIGTERM, not Child::kill's SIGKILL: mosquitto saves its sessions on the way out.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err("mosquitto did not stop within 10 s; killed".to_owned())
    }
}

fn answer(stream: &mut TcpStream, status: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

fn serve(mut stream: TcpStream, broker: &mut Broker) {
    let mut request_line = String::new();
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(clone) => clone,
        Err(_) => return,
    });
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers; no request here has a body that matters.
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let outcome = match (parts.next(), parts.next()) {
        (Some("POST"), Some("/stop")) => broker.stop().map(|()| "stopped".to_owned()),
        (Some("POST"), Some("/start")) => broker.start().map(|()| "running".to_owned()),
        (Some("GET"), Some("/status")) => Ok(if broker.child.is_some() {
            "running"
        } else {
            "stopped"
        }
        .to_owned()),
        _ => {
            answer(
                &mut stream,
                "404 Not Found",
                "POST /stop, POST /start or GET /status",
            );
            return;
        }
    };
    match outcome {
        Ok(body) => answer(&mut stream, "200 OK", &body),
        Err(message) => answer(&mut stream, "500 Internal Server Error", &message),
    }
}

fn main() {
    let mut config = None;
    let mut port = None;
    let mut listen: Option<SocketAddr> = None;
    let mut args = std::env::args().skip(1);
    while let (Some(flag), Some(value)) = (args.next(), args.next()) {
        match flag.as_str() {
            "--config" => config = Some(value),
            "--broker-port" => port = value.parse().ok(),
            "--listen" => listen = value.parse().ok(),
            other => {
                eprintln!("broker-control: unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let (Some(config), Some(port), Some(listen)) = (config, port, listen) else {
        eprintln!("usage: broker-control --config FILE --broker-port PORT --listen 127.0.0.1:PORT");
        std::process::exit(2);
    };
    let mut broker = Broker {
        config,
        port,
        child: None,
    };
    if let Err(message) = broker.start() {
        eprintln!("broker-control: {message}");
        std::process::exit(1);
    }
    let listener = match TcpListener::bind(listen) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("broker-control: cannot listen on {listen}: {error}");
            let _ = broker.stop();
            std::process::exit(1);
        }
    };
    println!("broker-control: mosquitto on port {port}, control on http://{listen}");
    // Stop mosquitto with this process (dev/test ends it with SIGTERM).
    for stream in listener.incoming().flatten() {
        serve(stream, &mut broker);
    }
    let _ = broker.stop();
}

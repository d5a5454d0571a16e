//! Feedboard's service simulator: run beside a local mosquitto, it makes the broker behave
//! like Adafruit IO and ThingSpeak for everything a client can observe, so Feedboard can be
//! developed and tested without accounts or internet.
//!
//! ```text
//! feedboard-simulator --broker 127.0.0.1:1883 \
//!     [--adafruit 127.0.0.1:9101] [--adafruit-rate 30] [--adafruit-window 60] \
//!     [--adafruit-account USER:KEY]... \
//!     [--thingspeak 127.0.0.1:9102] [--thingspeak-window 15] [--demo on] \
//!     [--ticker TOPIC:RATE]... [--time on|off] [--history-hours H] \
//!     [--adafruit-history USER/KEY:HOURS]... [--adafruit-read-limit USER_PREFIX:N]... \
//!     [--thingspeak-history CHANNEL:HOURS]... [--thingspeak-private CHANNEL:READ_KEY]...
//! ```
//! `--demo on` also publishes demo sensors (see `demo.rs`); `--ticker` publishes a counter on
//! TOPIC at RATE messages a second, a steady stream from outside the page for tests; `--time off`
//! leaves Adafruit IO's time topics to another simulator on the same broker.
//! Clients connect to the listeners over WebSocket (any path, subprotocol `mqtt`); the same
//! ports serve the services' HTTP history APIs (`/api/v2/…` on Adafruit IO,
//! `/channels/{id}/feeds.json` on ThingSpeak) with CORS. `--history-hours` gives the demo
//! sensors that much history; `--adafruit-history` and `--thingspeak-history` give a feed or
//! channel a value a minute over the last HOURS; `--adafruit-read-limit` lets accounts whose name starts
//! with USER read N times a minute before `429`; `--thingspeak-private` makes a channel need its read key.

mod adafruit;
mod adafruit_history;
mod demo;
mod history;
mod http_api;
mod proxy;
mod rate_window;
mod rules;
mod service_client;
mod thingspeak;
mod thingspeak_history;

use adafruit::{AdafruitConfig, AdafruitService};
use feedboard::time::calendar;
use proxy::{epoch_millis, Context, Service};
use rules::ServicePublish;
use service_client::ServiceClient;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use thingspeak::ThingSpeakService;

struct Options {
    broker: SocketAddr,
    adafruit: Option<SocketAddr>,
    adafruit_rate: usize,
    adafruit_window: u64,
    adafruit_keys: Vec<(String, String)>,
    thingspeak: Option<SocketAddr>,
    thingspeak_window: u64,
    demo: bool,
    tickers: Vec<(String, u32)>,
    time: bool,
    history_hours: u64,
    adafruit_history: Vec<(String, String, u64)>,
    adafruit_read_limits: Vec<(String, usize)>,
    thingspeak_history: Vec<(u64, u64)>,
    thingspeak_private: Vec<(u64, String)>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        broker: "127.0.0.1:1883".parse().map_err(|_| "default address")?,
        adafruit: None,
        adafruit_rate: 30,
        adafruit_window: 60,
        adafruit_keys: Vec::new(),
        thingspeak: None,
        thingspeak_window: 15,
        demo: false,
        tickers: Vec::new(),
        time: true,
        history_hours: 0,
        adafruit_history: Vec::new(),
        adafruit_read_limits: Vec::new(),
        thingspeak_history: Vec::new(),
        thingspeak_private: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let address = || {
            value
                .parse::<SocketAddr>()
                .map_err(|_| format!("{flag}: not an address: {value}"))
        };
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--broker" => options.broker = address()?,
            "--adafruit" => options.adafruit = Some(address()?),
            "--adafruit-rate" => options.adafruit_rate = usize::try_from(number()?).unwrap_or(30),
            "--adafruit-window" => options.adafruit_window = number()?.max(1),
            "--adafruit-account" => {
                let (user, key) = value
                    .split_once(':')
                    .ok_or(format!("{flag}: expected USER:KEY, got {value}"))?;
                options
                    .adafruit_keys
                    .push((user.to_owned(), key.to_owned()));
            }
            "--thingspeak" => options.thingspeak = Some(address()?),
            "--thingspeak-window" => options.thingspeak_window = number()?,
            "--demo" => options.demo = value == "on",
            "--time" => options.time = value != "off",
            "--ticker" => {
                let (topic, rate) = value
                    .rsplit_once(':')
                    .and_then(|(topic, rate)| Some((topic, rate.parse::<u32>().ok()?)))
                    .ok_or(format!("{flag}: expected TOPIC:RATE, got {value}"))?;
                options.tickers.push((topic.to_owned(), rate.max(1)));
            }
            "--history-hours" => options.history_hours = number()?,
            "--adafruit-history" => {
                let (feed, hours) = split_pair(&flag, &value)?;
                let (user, key) = feed
                    .split_once('/')
                    .ok_or(format!("{flag}: expected USER/KEY:HOURS, got {value}"))?;
                let hours = hours
                    .parse()
                    .map_err(|_| format!("{flag}: not hours: {value}"))?;
                options
                    .adafruit_history
                    .push((user.to_owned(), key.to_owned(), hours));
            }
            "--adafruit-read-limit" => {
                let (user, n) = split_pair(&flag, &value)?;
                let n = n
                    .parse()
                    .map_err(|_| format!("{flag}: not a number: {value}"))?;
                options.adafruit_read_limits.push((user.to_owned(), n));
            }
            "--thingspeak-history" => {
                let (channel, hours) = split_pair(&flag, &value)?;
                let parse = |t: &str| t.parse::<u64>().map_err(|_| format!("{flag}: {value}"));
                options
                    .thingspeak_history
                    .push((parse(channel)?, parse(hours)?));
            }
            "--thingspeak-private" => {
                let (channel, key) = split_pair(&flag, &value)?;
                let channel = channel
                    .parse()
                    .map_err(|_| format!("{flag}: not a channel: {value}"))?;
                options.thingspeak_private.push((channel, key.to_owned()));
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

/// `A:B` split at its last colon.
fn split_pair<'a>(flag: &str, value: &'a str) -> Result<(&'a str, &'a str), String> {
    value.rsplit_once(':').ok_or(format!(
        "{flag}: expected two parts separated by ':', got {value}"
    ))
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("feedboard-simulator: {message}");
            std::process::exit(2);
        }
    };
    let publisher = match ServiceClient::start(
        options.broker,
        // Unique, so a second simulator on the same broker does not knock this one off.
        &format!("feedboard-simulator-{}", std::process::id()),
    ) {
        Ok(publisher) => publisher,
        Err(error) => {
            eprintln!(
                "feedboard-simulator: cannot reach the broker at {}: {error}",
                options.broker
            );
            std::process::exit(1);
        }
    };
    let started = std::time::Instant::now();
    let mut listeners = Vec::new();
    let mut demo = demo::Demo {
        publisher: publisher.clone(),
        adafruit: None,
        thingspeak: None,
        started,
    };
    if let Some(address) = options.adafruit {
        let service = Arc::new(Mutex::new(AdafruitService::new(AdafruitConfig {
            data_points_per_minute: options.adafruit_rate,
            data_window: Duration::from_secs(options.adafruit_window),
            keys: options.adafruit_keys.clone(),
            wall_clock: epoch_millis,
        })));
        {
            let mut io = lock(&service);
            io.history.read_limits = options.adafruit_read_limits.clone();
            for (user, key, hours) in &options.adafruit_history {
                history::seed_feed(&mut io, user, key, *hours, epoch_millis());
            }
            if options.demo {
                history::seed_demo_garden(&mut io, options.history_hours, epoch_millis());
            }
        }
        demo.adafruit = Some(service.clone());
        listeners.push((address, "Adafruit IO", Service::Adafruit(service)));
        if options.time {
            let ticker = publisher.clone();
            thread::spawn(move || publish_time(&ticker));
        }
    }
    if let Some(address) = options.thingspeak {
        let window = Duration::from_secs(options.thingspeak_window);
        let service = Arc::new(Mutex::new(ThingSpeakService::new(window)));
        {
            let mut ts = lock(&service);
            ts.history.private = options.thingspeak_private.clone();
            for (channel, hours) in &options.thingspeak_history {
                history::seed_channel(&mut ts, *channel, *hours, epoch_millis());
            }
            if options.demo {
                history::seed_demo_channel(&mut ts, options.history_hours, epoch_millis());
            }
        }
        demo.thingspeak = Some(service.clone());
        listeners.push((address, "ThingSpeak", Service::ThingSpeak(service)));
    }
    if options.demo {
        println!(
            "feedboard-simulator: demo sensors on demo/#, Adafruit IO user {} and ThingSpeak channel {}",
            demo::DEMO_USER,
            demo::DEMO_CHANNEL
        );
        thread::spawn(move || demo.run());
    }
    for (topic, rate) in options.tickers.clone() {
        let ticker = publisher.clone();
        thread::spawn(move || publish_counter(&ticker, &topic, rate));
    }
    if listeners.is_empty() {
        eprintln!("feedboard-simulator: give --adafruit ADDRESS and/or --thingspeak ADDRESS");
        std::process::exit(2);
    }
    let mut threads = Vec::new();
    for (address, name, service) in listeners {
        let listener = match TcpListener::bind(address) {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("feedboard-simulator: cannot listen on {address}: {error}");
                std::process::exit(1);
            }
        };
        println!("feedboard-simulator: {name} on ws://{address}/mqtt");
        let context = Context {
            broker: options.broker,
            service,
            publisher: publisher.clone(),
            started,
        };
        threads.push(thread::spawn(move || proxy::serve(listener, context)));
    }
    for thread in threads {
        let _ = thread.join();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A counter on `topic`, `rate` messages a second, paced every 5 ms.
fn publish_counter(publisher: &ServiceClient, topic: &str, rate: u32) {
    let started = std::time::Instant::now();
    let mut sent: u64 = 0;
    loop {
        let due = started.elapsed().as_secs_f64() * f64::from(rate);
        while (sent as f64) < due {
            sent += 1;
            publisher.publish(ServicePublish::new(topic, sent.to_string()));
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Adafruit IO's time topics: every second, and `time/hours` when the hour changes.
fn publish_time(publisher: &ServiceClient) {
    let mut last_hour = None;
    loop {
        let now = epoch_millis();
        publisher.publish(ServicePublish::new(
            "time/seconds",
            (now / 1000).to_string(),
        ));
        publisher.publish(ServicePublish::new("time/millis", now.to_string()));
        publisher.publish(ServicePublish::new(
            "time/ISO-8601",
            calendar::iso8601_millis(i64::try_from(now).unwrap_or(i64::MAX)),
        ));
        let hour = calendar::utc_hour(i64::try_from(now).unwrap_or(i64::MAX));
        if last_hour.is_some_and(|last| last != hour) {
            publisher.publish(ServicePublish::new("time/hours", hour.to_string()));
        }
        last_hour = Some(hour);
        thread::sleep(Duration::from_millis(1000 - now % 1000));
    }
}

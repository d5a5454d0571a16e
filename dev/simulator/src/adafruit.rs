//! Adafruit IO's observable behaviour: data-rate counting per account with throttle messages,
//! bans that escalate, error messages for invalid topics, `/get`, and republishing every
//! update on all topic forms and to its group. Message texts follow docs/SERVICES.md.

use crate::adafruit_history::AdafruitHistory;
use crate::http_api::{Answer, Head};
use crate::rate_window::RateWindow;
use crate::rules::{Client, PublishOutcome, ServicePublish, SubscribeOutcome, REJECTED_FILTER};
use feedboard::mqtt::QoS;
use feedboard::service::adafruit_payload::{
    decode_feed, decode_feed_csv, decode_group_csv, decode_group_json, encode_feed_csv,
    encode_feed_json, encode_group_csv, encode_group_json,
};
use feedboard::service::adafruit_topic::{AdafruitTopic, Format};
use feedboard::service::feed_key::validate_feed_key;
use feedboard::service::value::{Datum, Location, Value};
use feedboard::time::Instant;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const SUBSCRIBE_LIMIT: usize = 100;
const FAILED_LIMIT: usize = 10;
const CONNECT_LIMIT: usize = 20;
/// Rejected publishes after a throttle warning before the account is banned ("sending on after
/// a throttle warning"; the exact number is not documented).
const PUBLISHES_AFTER_WARNING_BEFORE_BAN: u32 = 3;
const BAN_STEP: Duration = Duration::from_secs(30);
const BAN_MAX: Duration = Duration::from_secs(3600);
const HOUR: Duration = Duration::from_secs(3600);
/// Largest value on a feed with history on.
const MAX_VALUE_BYTES: usize = 1024;

/// Simulator settings.
#[derive(Debug, Clone)]
pub struct AdafruitConfig {
    /// Data points per window per account (30 free, 60 IO+).
    pub data_points_per_minute: usize,
    /// The data-rate window: a minute, as the service counts; tests that must see a throttle
    /// end within their time run a separate simulator with a shorter one.
    pub data_window: Duration,
    /// Accounts whose key is checked (user, key). Any other user name is let in with any key,
    /// so tests and demos need no set-up.
    pub keys: Vec<(String, String)>,
    /// The wall clock (ms since the Unix epoch) stored values are stamped with.
    pub wall_clock: fn() -> u64,
}

/// Which kind of refused action to count.
#[derive(Debug, Clone, Copy)]
enum Refused {
    Subscribe,
    Publish,
}

#[derive(Debug)]
struct Account {
    data_points: RateWindow,
    subscribes: RateWindow,
    failed_subscribes: RateWindow,
    failed_publishes: RateWindow,
    connects: RateWindow,
    rejected_since_warning: Option<u32>,
    banned_until: Option<Instant>,
    bans: VecDeque<Instant>,
}

impl Account {
    fn new(data_window: Duration) -> Self {
        Self {
            data_points: RateWindow::new(data_window),
            subscribes: RateWindow::new(MINUTE),
            failed_subscribes: RateWindow::new(MINUTE),
            failed_publishes: RateWindow::new(MINUTE),
            connects: RateWindow::new(MINUTE),
            rejected_since_warning: None,
            banned_until: None,
            bans: VecDeque::new(),
        }
    }

    fn is_banned(&self, now: Instant) -> bool {
        self.banned_until.is_some_and(|until| now < until)
    }

    /// Counts a refused SUBSCRIBE or PUBLISH; past the limit the account is banned, and the
    /// ban length is returned.
    fn record_failure(&mut self, now: Instant, action: Refused) -> Option<Duration> {
        let window = match action {
            Refused::Subscribe => &mut self.failed_subscribes,
            Refused::Publish => &mut self.failed_publishes,
        };
        window.record(now);
        (window.count(now) > FAILED_LIMIT).then(|| self.ban(now))
    }

    /// Bans the account; returns the ban length.
    fn ban(&mut self, now: Instant) -> Duration {
        while self
            .bans
            .front()
            .is_some_and(|t| now.saturating_since(*t) >= HOUR)
        {
            self.bans.pop_front();
        }
        self.bans.push_back(now);
        let count = u32::try_from(self.bans.len()).unwrap_or(u32::MAX);
        let length = (BAN_STEP * count).min(BAN_MAX);
        self.banned_until = Some(now + length);
        self.rejected_since_warning = None;
        length
    }
}

/// The last value stored for a feed.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    datum: Datum,
}

/// Adafruit IO, as far as a client can observe it.
#[derive(Debug)]
pub struct AdafruitService {
    config: AdafruitConfig,
    accounts: HashMap<String, Account>,
    last_values: BTreeMap<(String, String), Stored>,
    /// Every stored value, for the HTTP API.
    pub history: AdafruitHistory,
}

impl AdafruitService {
    /// A service with no accounts yet (every user name is accepted).
    pub fn new(config: AdafruitConfig) -> Self {
        Self {
            config,
            accounts: HashMap::new(),
            last_values: BTreeMap::new(),
            history: AdafruitHistory::default(),
        }
    }

    /// Answers an HTTP GET (the API lives under `/api/v2/`).
    pub fn answer_http(&mut self, head: &Head, now: Instant) -> Answer {
        let Some(rest) = head.path.strip_prefix("/api/v2/") else {
            return Answer::error(404, "not found - that is not an API path");
        };
        let wall_ms = (self.config.wall_clock)();
        self.history
            .answer(head, rest, now, wall_ms, &self.config.keys)
    }

    /// Stores a value as if published at `ms`, for seeding history (the last value too).
    pub fn store_at(&mut self, owner: &str, key: &str, ms: u64, datum: Datum) {
        self.history.record(owner, key, ms, datum.clone());
        self.last_values
            .insert((owner.to_owned(), key.to_owned()), Stored { datum });
    }

    fn account(&mut self, user: &str) -> &mut Account {
        self.accounts
            .entry(user.to_owned())
            .or_insert_with(|| Account::new(self.config.data_window))
    }

    /// A connection attempt. `Err(code)` refuses it with that CONNACK code.
    pub fn on_connect(&mut self, now: Instant, client: &Client, key: &[u8]) -> Result<(), u8> {
        let wrong_key = self
            .config
            .keys
            .iter()
            .any(|(user, expected)| *user == client.username && expected.as_bytes() != key);
        let account = self.account(&client.username);
        if account.is_banned(now) {
            return Err(7);
        }
        account.connects.record(now);
        if account.connects.count(now) > CONNECT_LIMIT {
            account.ban(now);
            return Err(6);
        }
        if wrong_key {
            return Err(4);
        }
        Ok(())
    }

    /// A client's PUBLISH.
    pub fn on_publish(
        &mut self,
        now: Instant,
        client: &Client,
        topic: &str,
        payload: &[u8],
        qos: QoS,
    ) -> PublishOutcome {
        let user = client.username.clone();
        let mut outcome = PublishOutcome::default();
        if self.account(&user).is_banned(now) {
            outcome.publishes.push(error(
                &user,
                client,
                "PUBLISH",
                topic,
                "rejected, user is temporarily blocked",
            ));
            return outcome;
        }
        if qos == QoS::ExactlyOnce {
            self.fail_publish(
                now,
                client,
                topic,
                "rejected, QoS 2 is not supported",
                &mut outcome,
            );
            return outcome;
        }
        let text = String::from_utf8_lossy(payload);
        match AdafruitTopic::parse(topic) {
            Some(AdafruitTopic::FeedGet {
                owner,
                key,
                format,
                short,
            }) if owner == user => {
                if let Some(stored) = self.last_values.get(&(owner.clone(), key.clone())) {
                    let feed = AdafruitTopic::Feed {
                        owner,
                        key,
                        format,
                        short,
                    };
                    outcome.replies.push(ServicePublish::new(
                        feed.to_string(),
                        encode(format, &stored.datum),
                    ));
                }
                outcome.acknowledge = true;
            }
            Some(AdafruitTopic::GroupGet {
                owner,
                group,
                format,
                short,
            }) if owner == user => {
                let entries = self.group_values(&owner, &group);
                if !entries.is_empty() {
                    let topic = AdafruitTopic::Group {
                        owner,
                        group,
                        format,
                        short,
                    };
                    outcome.replies.push(ServicePublish::new(
                        topic.to_string(),
                        encode_group(format, &entries),
                    ));
                }
                outcome.acknowledge = true;
            }
            Some(AdafruitTopic::Feed {
                owner, key, format, ..
            }) if owner == user => {
                if validate_feed_key(&key).is_err() {
                    self.fail_publish(
                        now,
                        client,
                        topic,
                        "rejected, not a valid resource topic",
                        &mut outcome,
                    );
                    return outcome;
                }
                if payload.len() > MAX_VALUE_BYTES {
                    self.fail_publish(
                        now,
                        client,
                        topic,
                        "rejected, value is larger than 1KB",
                        &mut outcome,
                    );
                    return outcome;
                }
                let datum = match format {
                    Format::Csv => decode_feed_csv(&text),
                    _ => decode_feed(&text),
                };
                if self.take_data_points(now, &user, 1, &mut outcome) {
                    self.store_and_fan_out(&owner, &[(key, datum)], &mut outcome);
                    outcome.acknowledge = true;
                }
            }
            Some(AdafruitTopic::Group {
                owner,
                group,
                format,
                ..
            }) if owner == user => {
                let entries = match format {
                    Format::Csv => decode_group_csv(&text),
                    _ => decode_group_json(&text),
                };
                if entries.is_empty() {
                    self.fail_publish(
                        now,
                        client,
                        topic,
                        "rejected, group data could not be read",
                        &mut outcome,
                    );
                    return outcome;
                }
                let cost = entries.len();
                if self.take_data_points(now, &user, cost, &mut outcome) {
                    let feeds: Vec<(String, Datum)> = entries
                        .into_iter()
                        .map(|entry| (format!("{group}.{}", entry.key), entry.datum))
                        .collect();
                    self.store_and_fan_out(&owner, &feeds, &mut outcome);
                    outcome.acknowledge = true;
                }
            }
            _ => self.fail_publish(
                now,
                client,
                topic,
                "rejected, only shared feeds may be published to",
                &mut outcome,
            ),
        }
        outcome
    }

    /// A client's SUBSCRIBE.
    pub fn on_subscribe(
        &mut self,
        now: Instant,
        client: &Client,
        filters: &[(String, QoS)],
    ) -> SubscribeOutcome {
        let user = client.username.clone();
        let mut outcome = SubscribeOutcome::default();
        for (filter, qos) in filters {
            let account = self.account(&user);
            if account.is_banned(now) {
                outcome.publishes.push(error(
                    &user,
                    client,
                    "SUBSCRIBE",
                    filter,
                    "rejected, user is temporarily blocked",
                ));
                outcome.filters.push((REJECTED_FILTER.to_owned(), *qos));
                continue;
            }
            account.subscribes.record(now);
            let count = account.subscribes.count(now);
            if count > SUBSCRIBE_LIMIT {
                outcome.publishes.push(error(
                    &user,
                    client,
                    "SUBSCRIBE",
                    filter,
                    "made too many requests, wait before reconnecting",
                ));
                let length = account.ban(now);
                outcome.publishes.push(ban_message(&user, length));
                outcome.filters.push((REJECTED_FILTER.to_owned(), *qos));
                continue;
            }
            let remaining = SUBSCRIBE_LIMIT - count;
            if remaining <= 5 {
                outcome.publishes.push(ServicePublish::new(
                    format!("{user}/throttle"),
                    format!(
                        "{} SUBSCRIBE {filter} only {remaining} attempts remaining in the next 60 seconds, please slow your request rate",
                        client.client_id
                    ),
                ));
            }
            match check_filter(&user, filter) {
                Ok(()) => outcome.filters.push((filter.clone(), *qos)),
                Err(reason) => {
                    outcome
                        .publishes
                        .push(error(&user, client, "SUBSCRIBE", filter, reason));
                    if let Some(length) =
                        self.account(&user).record_failure(now, Refused::Subscribe)
                    {
                        outcome.publishes.push(ban_message(&user, length));
                    }
                    outcome.filters.push((REJECTED_FILTER.to_owned(), *qos));
                }
            }
        }
        outcome
    }

    /// Whether `user` is banned now, and until when.
    #[cfg(test)]
    pub fn banned_until(&self, user: &str, now: Instant) -> Option<Instant> {
        self.accounts
            .get(user)
            .and_then(|a| a.banned_until)
            .filter(|until| now < *until)
    }

    fn fail_publish(
        &mut self,
        now: Instant,
        client: &Client,
        topic: &str,
        reason: &str,
        outcome: &mut PublishOutcome,
    ) {
        let user = client.username.clone();
        outcome
            .publishes
            .push(error(&user, client, "PUBLISH", topic, reason));
        if let Some(length) = self.account(&user).record_failure(now, Refused::Publish) {
            outcome.publishes.push(ban_message(&user, length));
        }
    }

    /// Takes `cost` data points from the account's minute; on refusal adds the throttle
    /// message (and a ban after repeated refusals). Returns whether the data was accepted.
    fn take_data_points(
        &mut self,
        now: Instant,
        user: &str,
        cost: usize,
        outcome: &mut PublishOutcome,
    ) -> bool {
        let limit = self.config.data_points_per_minute;
        let account = self.account(user);
        if account.data_points.count(now) + cost <= limit {
            for _ in 0..cost {
                account.data_points.record(now);
            }
            account.rejected_since_warning = None;
            return true;
        }
        let released = account
            .data_points
            .frees_at(now)
            .map(|at| at.saturating_since(now).as_secs().max(1))
            .unwrap_or(1);
        let rejected = account.rejected_since_warning.map_or(0, |n| n + 1);
        account.rejected_since_warning = Some(rejected);
        if rejected >= PUBLISHES_AFTER_WARNING_BEFORE_BAN {
            let length = account.ban(now);
            outcome.publishes.push(ban_message(user, length));
        } else {
            outcome.publishes.push(ServicePublish::new(
                format!("{user}/throttle"),
                format!(
                    "{user} data rate limit reached, {released} seconds until throttle released"
                ),
            ));
        }
        false
    }

    fn store_and_fan_out(
        &mut self,
        owner: &str,
        feeds: &[(String, Datum)],
        outcome: &mut PublishOutcome,
    ) {
        let mut groups: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
        let mut location: Option<Location> = None;
        let wall_ms = (self.config.wall_clock)();
        for (key, datum) in feeds {
            self.history.record(owner, key, wall_ms, datum.clone());
            self.last_values.insert(
                (owner.to_owned(), key.clone()),
                Stored {
                    datum: datum.clone(),
                },
            );
            for short in [false, true] {
                for format in [Format::Plain, Format::Json, Format::Csv] {
                    let topic = AdafruitTopic::Feed {
                        owner: owner.to_owned(),
                        key: key.clone(),
                        format,
                        short,
                    };
                    outcome.publishes.push(ServicePublish::new(
                        topic.to_string(),
                        encode(format, datum),
                    ));
                }
            }
            if let Some((group, feed)) = key.split_once('.') {
                groups
                    .entry(group.to_owned())
                    .or_default()
                    .push((feed.to_owned(), datum.value.clone()));
                location = location.or(datum.location);
            }
        }
        for (group, entries) in groups {
            for short in [false, true] {
                for format in [Format::Plain, Format::Json, Format::Csv] {
                    let topic = AdafruitTopic::Group {
                        owner: owner.to_owned(),
                        group: group.clone(),
                        format,
                        short,
                    };
                    let payload = match format {
                        Format::Csv => encode_group_csv(&entries, location),
                        _ => encode_group_json(&entries, location),
                    };
                    outcome
                        .publishes
                        .push(ServicePublish::new(topic.to_string(), payload));
                }
            }
        }
    }

    fn group_values(&self, owner: &str, group: &str) -> Vec<(String, Value)> {
        let prefix = format!("{group}.");
        self.last_values
            .iter()
            .filter(|((o, key), _)| o == owner && key.starts_with(&prefix))
            .map(|((_, key), stored)| (key[prefix.len()..].to_owned(), stored.datum.value.clone()))
            .collect()
    }
}

fn encode(format: Format, datum: &Datum) -> String {
    match format {
        Format::Plain => datum.value.to_string(),
        Format::Json => encode_feed_json(datum),
        Format::Csv => encode_feed_csv(datum),
    }
}

fn encode_group(format: Format, entries: &[(String, Value)]) -> String {
    match format {
        Format::Csv => encode_group_csv(entries, None),
        _ => encode_group_json(entries, None),
    }
}

fn error(user: &str, client: &Client, action: &str, topic: &str, reason: &str) -> ServicePublish {
    ServicePublish::new(
        format!("{user}/errors"),
        format!("{} {action} {topic} {reason}", client.client_id),
    )
}

fn ban_message(user: &str, length: Duration) -> ServicePublish {
    ServicePublish::new(
        format!("{user}/errors"),
        format!(
            "enforcement limit reached, your account is banned for {} seconds",
            length.as_secs()
        ),
    )
}

/// Whether `filter` names something `user` may subscribe to.
fn check_filter(user: &str, filter: &str) -> Result<(), &'static str> {
    const NOT_VALID: &str = "rejected, not a valid resource topic";
    const NOT_AUTHORIZED: &str = "rejected, resource not available or not authorized";
    if filter.contains(['+', '#']) {
        let levels: Vec<&str> = filter.split('/').collect();
        return match levels.as_slice() {
            [owner, kind, ..]
                if matches!(
                    *kind,
                    "feeds" | "f" | "groups" | "g" | "integration" | "integrations"
                ) =>
            {
                if *owner == user {
                    Ok(())
                } else {
                    Err(NOT_AUTHORIZED)
                }
            }
            _ => Err(NOT_VALID),
        };
    }
    match AdafruitTopic::parse(filter) {
        Some(AdafruitTopic::Time(_)) => Ok(()),
        Some(
            AdafruitTopic::Feed { owner, .. }
            | AdafruitTopic::Group { owner, .. }
            | AdafruitTopic::Errors { owner }
            | AdafruitTopic::Throttle { owner }
            | AdafruitTopic::Integration { owner, .. },
        ) => {
            if owner == user {
                Ok(())
            } else {
                Err(NOT_AUTHORIZED)
            }
        }
        _ => Err(NOT_VALID),
    }
}

#[cfg(test)]
#[path = "adafruit_tests.rs"]
mod tests;

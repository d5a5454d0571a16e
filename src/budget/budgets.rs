//! The budgets of one connection: one [`RateBudget`] per limited action class, built from the
//! service's descriptor, the user's plan and a safety margin, and fed by what the service says
//! (throttles, bans, refusals). Every outgoing action asks here first.

use super::action::{ActionClass, Request};
use super::notice::{Notice, NoticeAction, NoticeKind};
use super::rate_budget::{Level, RateBudget, Shortfall};
use crate::service::descriptor::{LimitScope, RateLimit, ServiceDescriptor};
use crate::time::Instant;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The default safety margin below the service's limits.
pub const DEFAULT_MARGIN: f64 = 0.1;

/// How long to hold back after "wait before reconnecting" or a request flood, which name no
/// time: the service's window.
const UNTIMED_PAUSE: Duration = Duration::from_secs(60);

/// Added to the seconds a throttle or ban names: the service writes whole seconds, which can be
/// up to a second short of the time really left.
const WHOLE_SECOND_SLACK: Duration = Duration::from_secs(1);

/// How long a "temporarily blocked" without a known ban holds everything (the shortest ban).
const BLOCKED_PAUSE: Duration = Duration::from_secs(30);

/// The data rate the user's plan allows.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanChoice {
    /// One of the service's plans, by id (an unknown id means the default plan).
    Named(String),
    /// A rate of the user's own (Adafruit IO Boost, say), in the service's scope.
    Custom(RateLimit),
}

/// What the budgets are built from besides the service.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetSettings {
    /// The plan.
    pub plan: PlanChoice,
    /// Fraction kept free below each limit (0.1 keeps 10 % spare).
    pub margin: f64,
}

impl Default for BudgetSettings {
    fn default() -> Self {
        Self {
            plan: PlanChoice::Named(String::new()),
            margin: DEFAULT_MARGIN,
        }
    }
}

/// Why an action waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The class's budget is spent until tokens return.
    Budget(ActionClass),
    /// The service paused the class (a throttle, "wait before reconnecting").
    Paused(ActionClass),
    /// The account is banned.
    Banned,
    /// The service refused so many of these lately that one more could bring a ban.
    TooManyRefusals(ActionClass),
}

impl fmt::Display for Hold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Budget(class) => write!(f, "{class}: the budget is spent"),
            Self::Paused(class) => write!(f, "{class}: paused by the service"),
            Self::Banned => f.write_str("the account is banned"),
            Self::TooManyRefusals(class) => {
                write!(f, "{class}: one more refusal could bring a ban")
            }
        }
    }
}

/// Why an action cannot happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Publishing to this topic stopped after the service refused it.
    Blocked {
        /// The topic.
        topic: String,
        /// What the service said.
        reason: String,
    },
    /// The action costs more than the whole budget.
    TooCostly {
        /// The class.
        class: ActionClass,
        /// What it costs.
        cost: u32,
        /// What the budget holds.
        capacity: u32,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blocked { topic, reason } => write!(
                f,
                "publishing to {topic} stopped because the service refused it ({reason}); edit the card's feed to try again"
            ),
            Self::TooCostly {
                class,
                cost,
                capacity,
            } => write!(
                f,
                "this costs {cost} ({class}) but the budget holds only {capacity}: send less at once"
            ),
        }
    }
}

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead (and commit it).
    Go,
    /// Not before `until`.
    Wait {
        /// When it may go.
        until: Instant,
        /// Why it waits.
        hold: Hold,
    },
    /// Not at all.
    Refuse(Refusal),
}

/// What a notice means beyond the budgets, for the connection to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeEffect {
    /// The service refused this subscription: do not renew it.
    RefusedSubscription(String),
    /// The service refused publishes to this topic: they stop until the user edits it.
    BlockedTopic(String),
}

/// One class's meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    /// The class.
    pub class: ActionClass,
    /// Its level (a ban pauses every class).
    pub level: Level,
    /// How long a spent token stays out.
    pub period: Duration,
}

/// The budgets of one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Budgets {
    classes: BTreeMap<ActionClass, RateBudget>,
    /// For services that count each channel: the budget a new channel starts with.
    per_channel: Option<RateBudget>,
    banned_until: Option<Instant>,
    blocked_topics: BTreeMap<String, String>,
}

/// A limit less the margin: fewer actions where the count allows, else a longer period.
fn budget_for(limit: RateLimit, margin: f64) -> RateBudget {
    let margin = margin.clamp(0.0, 0.9);
    let reduced = (f64::from(limit.count) * (1.0 - margin)).floor() as u32;
    if reduced >= 1 && reduced < limit.count {
        RateBudget::new(reduced, limit.period)
    } else {
        RateBudget::new(limit.count.max(1), limit.period.mul_f64(1.0 + margin))
    }
}

impl Budgets {
    /// The budgets for `service` with `settings`.
    pub fn new(service: &ServiceDescriptor, settings: &BudgetSettings) -> Self {
        let plan_limit = match &settings.plan {
            PlanChoice::Named(id) => service.plan(id).and_then(|plan| plan.publish_limit),
            PlanChoice::Custom(limit) => Some(*limit),
        };
        let mut classes = BTreeMap::new();
        let mut per_channel = None;
        match plan_limit {
            Some(limit) if limit.scope == LimitScope::PerChannel => {
                per_channel = Some(budget_for(limit, settings.margin));
            }
            Some(limit) => {
                classes.insert(ActionClass::Data, budget_for(limit, settings.margin));
            }
            None => {}
        }
        let actions = service.action_limits;
        let limited = [
            (ActionClass::Subscribe, actions.subscribe),
            (ActionClass::FailedSubscribe, actions.failed_subscribe),
            (ActionClass::FailedPublish, actions.failed_publish),
            (ActionClass::Connect, actions.connect_attempts),
        ];
        for (class, limit) in limited {
            if let Some(limit) = limit {
                let mut budget = budget_for(limit, settings.margin);
                if class == ActionClass::Connect {
                    budget = budget.with_min_spacing(actions.min_reconnect_delay);
                }
                classes.insert(class, budget);
            }
        }
        if let Some(history) = service.history {
            classes.insert(
                ActionClass::HistoryRead,
                budget_for(history.read_limit, settings.margin),
            );
        }
        Self {
            classes,
            per_channel,
            banned_until: None,
            blocked_topics: BTreeMap::new(),
        }
    }

    /// The budget of `class`, if it is limited (a channel's is made on first use).
    fn budget(&self, class: ActionClass) -> Option<&RateBudget> {
        match class {
            ActionClass::ChannelUpdate(_) => self.classes.get(&class).or(self.per_channel.as_ref()),
            _ => self.classes.get(&class),
        }
    }

    fn budget_mut(&mut self, class: ActionClass) -> Option<&mut RateBudget> {
        if let (ActionClass::ChannelUpdate(_), Some(template)) = (class, &self.per_channel) {
            let template = template.clone();
            return Some(self.classes.entry(class).or_insert(template));
        }
        self.classes.get_mut(&class)
    }

    /// The classes a request spends, with their cost.
    pub fn costs(request: &Request) -> Vec<(ActionClass, u32)> {
        match request {
            Request::Publish {
                data_points,
                channel,
                ..
            } => {
                let mut costs = vec![(ActionClass::Data, *data_points)];
                if let Some(channel) = channel {
                    costs.push((ActionClass::ChannelUpdate(*channel), 1));
                }
                costs
            }
            Request::Subscribe { filters } => vec![(ActionClass::Subscribe, *filters)],
            // A connection renews every subscription: it must afford them too.
            Request::Connect { renewals, .. } => vec![
                (ActionClass::Connect, 1),
                (ActionClass::Subscribe, *renewals),
            ],
            Request::HistoryRead => vec![(ActionClass::HistoryRead, 1)],
        }
    }

    /// Whether `request` may go at `now`.
    pub fn check(&self, now: Instant, request: &Request) -> Decision {
        if let Request::Publish { topic, .. } = request {
            if let Some(reason) = self.blocked_topics.get(topic) {
                return Decision::Refuse(Refusal::Blocked {
                    topic: topic.clone(),
                    reason: reason.clone(),
                });
            }
        }
        let mut wait: Option<(Instant, Hold)> = None;
        let mut hold_until = |until: Instant, hold: Hold| {
            if until > now && wait.is_none_or(|(later, _)| until > later) {
                wait = Some((until, hold));
            }
        };
        if let Some(until) = self.banned_until {
            hold_until(until, Hold::Banned);
        }
        // One more refusal could bring a ban: stop before the service's count is reached.
        let refusals = match request {
            Request::Publish { .. } => Some(ActionClass::FailedPublish),
            Request::Subscribe { .. } => Some(ActionClass::FailedSubscribe),
            Request::Connect { .. } | Request::HistoryRead => None,
        };
        if let Some(class) = refusals {
            if let Some(budget) = self.budget(class) {
                if let Err(Shortfall::Until(until)) = budget.check(now, 1) {
                    hold_until(until, Hold::TooManyRefusals(class));
                }
            }
        }
        // An attempt the user asked for is counted but not held to the reconnect spacing.
        let spaced = !matches!(
            request,
            Request::Connect {
                automatic: false,
                ..
            }
        );
        for (class, cost) in Self::costs(request) {
            let Some(budget) = self.budget(class) else {
                continue;
            };
            match budget.check_spaced(now, cost, spaced) {
                Ok(()) => {}
                Err(Shortfall::TooCostly { cost, capacity }) => {
                    return Decision::Refuse(Refusal::TooCostly {
                        class,
                        cost,
                        capacity,
                    })
                }
                Err(Shortfall::Until(until)) => {
                    let hold = if budget.paused_until(now).is_some() {
                        Hold::Paused(class)
                    } else {
                        Hold::Budget(class)
                    };
                    hold_until(until, hold);
                }
            }
        }
        match wait {
            // A ban is the news, whatever else also holds the action until later.
            Some((until, _)) if self.banned_until(now).is_some() => Decision::Wait {
                until,
                hold: Hold::Banned,
            },
            Some((until, hold)) => Decision::Wait { until, hold },
            None => Decision::Go,
        }
    }

    /// Records that `request` was made at `now`.
    pub fn commit(&mut self, now: Instant, request: &Request) {
        for (class, cost) in Self::costs(request) {
            self.record(now, class, cost);
        }
    }

    /// Checks `request` and, if it may go, records it. Returns the decision.
    pub fn try_commit(&mut self, now: Instant, request: &Request) -> Decision {
        let decision = self.check(now, request);
        if decision == Decision::Go {
            self.commit(now, request);
        }
        decision
    }

    /// Records `cost` spent on `class` at `now` by this tab.
    pub fn record(&mut self, now: Instant, class: ActionClass, cost: u32) {
        if let Some(budget) = self.budget_mut(class) {
            budget.spend(now, cost);
        }
    }

    /// Records `cost` spent on `class` at `at` by another tab of the account.
    pub fn record_elsewhere(&mut self, at: Instant, class: ActionClass, cost: u32) {
        if let Some(budget) = self.budget_mut(class) {
            budget.spend_elsewhere(at, cost);
        }
    }

    /// Makes the budget of `channel` now (it is made on first use otherwise), so its meter shows
    /// before anything was sent; nothing where channels are not counted.
    pub fn track_channel(&mut self, channel: u64) {
        let _ = self.budget_mut(ActionClass::ChannelUpdate(channel));
    }

    /// Pauses `class` until `until` (also for pauses another tab reports).
    pub fn pause(&mut self, class: ActionClass, until: Instant) {
        if let Some(budget) = self.budget_mut(class) {
            budget.pause_until(until);
        }
    }

    /// Holds everything until `until`.
    pub fn ban_until(&mut self, until: Instant) {
        self.banned_until = Some(self.banned_until.map_or(until, |b| b.max(until)));
    }

    /// The ban in force at `now`, if any.
    pub fn banned_until(&self, now: Instant) -> Option<Instant> {
        self.banned_until.filter(|until| now < *until)
    }

    /// Lets publishing to `topic` go again (the user edited the card).
    pub fn unblock(&mut self, topic: &str) {
        self.blocked_topics.remove(topic);
    }

    /// Topics publishing stopped on, with the service's reason.
    pub fn blocked_topics(&self) -> &BTreeMap<String, String> {
        &self.blocked_topics
    }

    /// Acts on a notice from the service received at `now`.
    pub fn apply_notice(&mut self, now: Instant, notice: &Notice) -> Vec<NoticeEffect> {
        let seconds = |s: u64| Duration::from_secs(s) + WHOLE_SECOND_SLACK;
        let mut effects = Vec::new();
        let action_class = match notice.action {
            Some(NoticeAction::Subscribe) => ActionClass::Subscribe,
            Some(NoticeAction::Publish) | None => ActionClass::Data,
        };
        match &notice.kind {
            NoticeKind::Throttled { seconds: s } => {
                self.pause(ActionClass::Data, now + seconds(*s));
            }
            NoticeKind::AttemptsRemaining { remaining, .. } => {
                // Keep one of the remaining attempts spare.
                let remaining = remaining.saturating_sub(1);
                if let Some(budget) = self.budget_mut(action_class) {
                    budget.align_remaining(now, remaining);
                }
            }
            NoticeKind::Banned { seconds: s } => self.ban_until(now + seconds(*s)),
            NoticeKind::TooManyRequests | NoticeKind::Flood => {
                self.pause(ActionClass::Connect, now + UNTIMED_PAUSE);
                self.pause(ActionClass::Subscribe, now + UNTIMED_PAUSE);
            }
            NoticeKind::TemporarilyBlocked => {
                if self.banned_until(now).is_none() {
                    self.ban_until(now + BLOCKED_PAUSE);
                }
            }
            NoticeKind::InvalidTopic
            | NoticeKind::NotAuthorized
            | NoticeKind::OnlySharedFeeds
            | NoticeKind::Rejected { .. } => match notice.action {
                Some(NoticeAction::Subscribe) => {
                    self.record(now, ActionClass::FailedSubscribe, 1);
                    if let Some(topic) = &notice.topic {
                        effects.push(NoticeEffect::RefusedSubscription(topic.clone()));
                    }
                }
                Some(NoticeAction::Publish) | None => {
                    self.record(now, ActionClass::FailedPublish, 1);
                    if let Some(topic) = &notice.topic {
                        self.blocked_topics.insert(topic.clone(), notice.reason());
                        effects.push(NoticeEffect::BlockedTopic(topic.clone()));
                    }
                }
            },
            NoticeKind::Unknown => {}
        }
        effects
    }

    /// Every limited class's meter at `now` (a ban shows on each).
    pub fn meters(&self, now: Instant) -> Vec<Meter> {
        let banned = self.banned_until(now);
        self.classes
            .iter()
            .map(|(class, budget)| {
                let mut level = budget.level(now);
                if let Some(until) = banned {
                    level.available = 0;
                    level.paused_until = Some(level.paused_until.map_or(until, |p| p.max(until)));
                }
                Meter {
                    class: *class,
                    level,
                    period: budget.period(),
                }
            })
            .collect()
    }

    /// Whether nothing is limited (a plain broker).
    pub fn is_unlimited(&self) -> bool {
        self.classes.is_empty() && self.per_channel.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::descriptor::{ADAFRUIT_IO, GENERIC, THINGSPEAK};

    fn at(seconds: u64) -> Instant {
        Instant::from_millis(seconds * 1000)
    }

    fn publish(topic: &str, data_points: u32) -> Request {
        Request::Publish {
            topic: topic.into(),
            data_points,
            channel: None,
        }
    }

    fn adafruit(plan: &str) -> Budgets {
        Budgets::new(
            &ADAFRUIT_IO,
            &BudgetSettings {
                plan: PlanChoice::Named(plan.into()),
                margin: DEFAULT_MARGIN,
            },
        )
    }

    #[test]
    fn the_free_plan_allows_27_data_points_a_minute_with_the_default_margin() {
        let mut budgets = adafruit("free");
        let sent = (0..100)
            .filter(|_| budgets.try_commit(at(0), &publish("u/feeds/a", 1)) == Decision::Go)
            .count();
        assert_eq!(sent, 27);
        assert_eq!(
            budgets.check(at(1), &publish("u/feeds/a", 1)),
            Decision::Wait {
                until: at(60),
                hold: Hold::Budget(ActionClass::Data)
            }
        );
        let plus = adafruit("plus");
        assert_eq!(
            plus.meters(at(0))
                .iter()
                .find(|m| m.class == ActionClass::Data)
                .map(|m| m.level.capacity),
            Some(54)
        );
    }

    #[test]
    fn a_group_publish_costs_one_point_per_feed_and_a_too_big_one_is_refused() {
        let mut budgets = adafruit("free");
        assert_eq!(
            budgets.try_commit(at(0), &publish("u/groups/g", 20)),
            Decision::Go
        );
        assert!(matches!(
            budgets.check(at(0), &publish("u/groups/g", 20)),
            Decision::Wait { .. }
        ));
        assert_eq!(
            budgets.check(at(0), &publish("u/groups/big", 40)),
            Decision::Refuse(Refusal::TooCostly {
                class: ActionClass::Data,
                cost: 40,
                capacity: 27
            })
        );
    }

    #[test]
    fn a_custom_plan_and_no_margin_use_the_given_rate() {
        let budgets = Budgets::new(
            &ADAFRUIT_IO,
            &BudgetSettings {
                plan: PlanChoice::Custom(RateLimit::per_minute(300)),
                margin: 0.0,
            },
        );
        let data = budgets.meters(at(0));
        assert_eq!(
            data.iter()
                .find(|m| m.class == ActionClass::Data)
                .map(|m| m.level.capacity),
            Some(300)
        );
    }

    #[test]
    fn a_throttle_pauses_data_until_it_is_released_and_nothing_else() {
        let mut budgets = adafruit("plus");
        let notice = Notice::parse("u data rate limit reached, 21 seconds until throttle released");
        assert!(budgets.apply_notice(at(10), &notice).is_empty());
        // 21 whole seconds may be up to 22: the pause ends a second later.
        assert_eq!(
            budgets.check(at(10), &publish("u/feeds/a", 1)),
            Decision::Wait {
                until: at(32),
                hold: Hold::Paused(ActionClass::Data)
            }
        );
        assert_eq!(
            budgets.check(at(32), &publish("u/feeds/a", 1)),
            Decision::Go
        );
        assert_eq!(
            budgets.check(at(10), &Request::Subscribe { filters: 1 }),
            Decision::Go
        );
    }

    #[test]
    fn a_ban_holds_every_action_and_shows_on_every_meter() {
        let mut budgets = adafruit("free");
        let notice =
            Notice::parse("enforcement limit reached, your account is banned for 30 seconds");
        budgets.apply_notice(at(5), &notice);
        for request in [
            publish("u/feeds/a", 1),
            Request::Subscribe { filters: 1 },
            Request::Connect {
                renewals: 0,
                automatic: true,
            },
        ] {
            assert_eq!(
                budgets.check(at(6), &request),
                Decision::Wait {
                    until: at(36),
                    hold: Hold::Banned
                },
                "{request:?}"
            );
        }
        assert!(budgets
            .meters(at(6))
            .iter()
            .all(|m| m.level.available == 0 && m.level.paused_until == Some(at(36))));
        assert_eq!(
            budgets.check(
                at(36),
                &Request::Connect {
                    renewals: 0,
                    automatic: true,
                }
            ),
            Decision::Go
        );
    }

    #[test]
    fn a_refused_topic_stops_its_publishes_until_unblocked_and_counts_the_refusal() {
        let mut budgets = adafruit("free");
        let notice =
            Notice::parse("io-1 PUBLISH u/feeds/bad_key rejected, not a valid resource topic");
        assert_eq!(
            budgets.apply_notice(at(0), &notice),
            vec![NoticeEffect::BlockedTopic("u/feeds/bad_key".into())]
        );
        assert!(matches!(
            budgets.check(at(1), &publish("u/feeds/bad_key", 1)),
            Decision::Refuse(Refusal::Blocked { .. })
        ));
        assert_eq!(
            budgets.check(at(1), &publish("u/feeds/good", 1)),
            Decision::Go
        );
        budgets.unblock("u/feeds/bad_key");
        assert_eq!(
            budgets.check(at(1), &publish("u/feeds/bad_key", 1)),
            Decision::Go
        );
        let refused = budgets
            .meters(at(1))
            .into_iter()
            .find(|m| m.class == ActionClass::FailedPublish)
            .expect("a refused-publish meter");
        assert_eq!((refused.level.available, refused.level.capacity), (8, 9));
    }

    #[test]
    fn publishing_stops_before_the_refusals_that_would_bring_a_ban() {
        let mut budgets = adafruit("free");
        for i in 0..9 {
            let text = format!("io-1 PUBLISH u/feeds/x{i} rejected, not a valid resource topic");
            budgets.apply_notice(at(i), &Notice::parse(&text));
        }
        assert_eq!(
            budgets.check(at(10), &publish("u/feeds/fine", 1)),
            Decision::Wait {
                until: at(60),
                hold: Hold::TooManyRefusals(ActionClass::FailedPublish)
            }
        );
        let refused_subscription = Notice::parse(
            "io-1 SUBSCRIBE other/feeds/x rejected, resource not available or not authorized",
        );
        assert_eq!(
            budgets.apply_notice(at(10), &refused_subscription),
            vec![NoticeEffect::RefusedSubscription("other/feeds/x".into())]
        );
    }

    #[test]
    fn the_service_s_warnings_lower_the_budget_and_untimed_complaints_pause_for_a_minute() {
        let mut budgets = adafruit("free");
        let warning = Notice::parse("io-1 SUBSCRIBE time/seconds only 3 attempts remaining in the next 60 seconds, please slow your request rate");
        budgets.apply_notice(at(0), &warning);
        let subscribe = Request::Subscribe { filters: 1 };
        assert_eq!(budgets.try_commit(at(0), &subscribe), Decision::Go);
        assert_eq!(budgets.try_commit(at(0), &subscribe), Decision::Go);
        assert!(matches!(
            budgets.check(at(0), &subscribe),
            Decision::Wait { .. }
        ));
        let flood = Notice::parse("io-1 SUBSCRIBE time/seconds request flood, disconnecting");
        budgets.apply_notice(at(5), &flood);
        assert_eq!(
            budgets.check(
                at(5),
                &Request::Connect {
                    renewals: 0,
                    automatic: true,
                }
            ),
            Decision::Wait {
                until: at(65),
                hold: Hold::Paused(ActionClass::Connect)
            }
        );
    }

    #[test]
    fn reconnects_keep_ten_seconds_apart_and_eighteen_a_minute() {
        let mut budgets = adafruit("free");
        assert_eq!(
            budgets.try_commit(
                at(0),
                &Request::Connect {
                    renewals: 0,
                    automatic: true,
                }
            ),
            Decision::Go
        );
        assert_eq!(
            budgets.check(
                at(3),
                &Request::Connect {
                    renewals: 0,
                    automatic: true,
                }
            ),
            Decision::Wait {
                until: at(10),
                hold: Hold::Budget(ActionClass::Connect)
            }
        );
        let mut attempts = 1;
        for second in 1..600 {
            if budgets.try_commit(
                at(second),
                &Request::Connect {
                    renewals: 0,
                    automatic: true,
                },
            ) == Decision::Go
            {
                attempts += 1;
            }
        }
        assert_eq!(attempts, 60, "one every ten seconds");
    }

    #[test]
    fn a_reconnect_waits_until_the_subscription_budget_can_renew_every_filter() {
        let mut budgets = adafruit("free");
        for _ in 0..80 {
            budgets.commit(at(0), &Request::Subscribe { filters: 1 });
        }
        assert_eq!(
            budgets.check(
                at(20),
                &Request::Connect {
                    renewals: 30,
                    automatic: true,
                }
            ),
            Decision::Wait {
                until: at(60),
                hold: Hold::Budget(ActionClass::Subscribe)
            }
        );
        assert_eq!(
            budgets.check(
                at(20),
                &Request::Connect {
                    renewals: 10,
                    automatic: true,
                }
            ),
            Decision::Go
        );
    }

    #[test]
    fn thingspeak_counts_each_channel_on_its_own_with_a_longer_window_for_the_margin() {
        let mut budgets = Budgets::new(&THINGSPEAK, &BudgetSettings::default());
        let update = |channel| Request::Publish {
            topic: format!("channels/{channel}/publish"),
            data_points: 1,
            channel: Some(channel),
        };
        assert_eq!(budgets.try_commit(at(0), &update(1)), Decision::Go);
        assert_eq!(budgets.try_commit(at(0), &update(2)), Decision::Go);
        assert_eq!(
            budgets.check(at(15), &update(1)),
            Decision::Wait {
                until: Instant::from_millis(16_500),
                hold: Hold::Budget(ActionClass::ChannelUpdate(1))
            }
        );
        assert_eq!(
            budgets.check(Instant::from_millis(16_500), &update(1)),
            Decision::Go
        );
    }

    #[test]
    fn a_plain_broker_limits_nothing() {
        let mut budgets = Budgets::new(&GENERIC, &BudgetSettings::default());
        assert!(budgets.is_unlimited());
        for _ in 0..10_000 {
            assert_eq!(budgets.try_commit(at(0), &publish("a/b", 1)), Decision::Go);
        }
        assert_eq!(
            budgets.try_commit(
                at(0),
                &Request::Connect {
                    renewals: 0,
                    automatic: true,
                }
            ),
            Decision::Go
        );
    }
}

use super::*;

fn at(secs: u64) -> Instant {
    Instant::from_millis(secs * 1000)
}

fn client() -> Client {
    Client {
        client_id: "io-test-1".into(),
        username: "test_username".into(),
    }
}

fn service() -> AdafruitService {
    AdafruitService::new(AdafruitConfig {
        data_points_per_minute: 30,
        data_window: Duration::from_secs(60),
        keys: vec![("locked".into(), "right-key".into())],
        wall_clock: || 1_796_040_000_000,
    })
}

fn texts_on(outcome: &PublishOutcome, topic: &str) -> Vec<String> {
    outcome
        .publishes
        .iter()
        .filter(|p| p.topic == topic)
        .map(|p| p.payload.clone())
        .collect()
}

#[test]
fn an_accepted_publish_is_republished_on_every_topic_form() {
    let mut io = service();
    let outcome = io.on_publish(
        at(0),
        &client(),
        "test_username/feeds/temp",
        b"22.587",
        QoS::AtLeastOnce,
    );
    assert!(outcome.acknowledge && !outcome.forward);
    let topics: Vec<&str> = outcome.publishes.iter().map(|p| p.topic.as_str()).collect();
    assert_eq!(
        topics,
        vec![
            "test_username/feeds/temp",
            "test_username/feeds/temp/json",
            "test_username/feeds/temp/csv",
            "test_username/f/temp",
            "test_username/f/temp/json",
            "test_username/f/temp/csv",
        ]
    );
    assert_eq!(
        texts_on(&outcome, "test_username/f/temp/json"),
        vec![r#"{"value":22.587}"#.to_string()]
    );
}

#[test]
fn get_answers_the_asking_client_with_the_last_value() {
    let mut io = service();
    io.on_publish(
        at(0),
        &client(),
        "test_username/f/counter/csv",
        b"7,52.1,4.3,2",
        QoS::AtMostOnce,
    );
    let outcome = io.on_publish(
        at(1),
        &client(),
        "test_username/f/counter/get",
        b"\0",
        QoS::AtMostOnce,
    );
    assert!(
        outcome.publishes.is_empty(),
        "nothing for other subscribers"
    );
    assert_eq!(
        outcome.replies,
        vec![ServicePublish::new("test_username/f/counter", "7")]
    );
    let csv = io.on_publish(
        at(1),
        &client(),
        "test_username/feeds/counter/csv/get",
        b"",
        QoS::AtMostOnce,
    );
    assert_eq!(csv.replies[0].payload, "7,52.1,4.3,2");
    let unknown = io.on_publish(
        at(1),
        &client(),
        "test_username/f/never/get",
        b"",
        QoS::AtMostOnce,
    );
    assert!(unknown.replies.is_empty());
}

#[test]
fn publishing_over_the_plan_throttles_then_bans_with_the_real_texts() {
    let mut io = service();
    for n in 0..30 {
        let outcome = io.on_publish(
            at(n),
            &client(),
            "test_username/f/temp",
            b"1",
            QoS::AtMostOnce,
        );
        assert!(outcome.acknowledge, "publish {n} accepted");
    }
    let throttled = io.on_publish(
        at(39),
        &client(),
        "test_username/f/temp",
        b"1",
        QoS::AtMostOnce,
    );
    assert!(!throttled.acknowledge);
    assert_eq!(
        texts_on(&throttled, "test_username/throttle"),
        vec![
            "test_username data rate limit reached, 21 seconds until throttle released".to_string()
        ]
    );
    // Sending on after the warning ends in a ban.
    let mut last = PublishOutcome::default();
    for n in 0..PUBLISHES_AFTER_WARNING_BEFORE_BAN {
        last = io.on_publish(
            at(40 + u64::from(n)),
            &client(),
            "test_username/f/temp",
            b"1",
            QoS::AtMostOnce,
        );
    }
    assert_eq!(
        texts_on(&last, "test_username/errors"),
        vec!["enforcement limit reached, your account is banned for 30 seconds".to_string()]
    );
    assert_eq!(io.on_connect(at(50), &client(), b""), Err(7));
    let blocked = io.on_publish(
        at(50),
        &client(),
        "test_username/feeds/example.counter-3",
        b"1",
        QoS::AtMostOnce,
    );
    assert_eq!(
        texts_on(&blocked, "test_username/errors"),
        vec!["io-test-1 PUBLISH test_username/feeds/example.counter-3 rejected, user is temporarily blocked".to_string()]
    );
    // The ban ends; a second ban within the hour lasts twice as long.
    assert_eq!(io.on_connect(at(72), &client(), b""), Ok(()));
    assert!(
        io.on_publish(
            at(200),
            &client(),
            "test_username/f/temp",
            b"1",
            QoS::AtMostOnce
        )
        .acknowledge
    );
    for n in 0..40 {
        io.on_publish(
            at(201 + n),
            &client(),
            "test_username/f/temp",
            b"1",
            QoS::AtMostOnce,
        );
    }
    let until = io
        .banned_until("test_username", at(240))
        .expect("banned again");
    assert!(until.saturating_since(at(240)) > Duration::from_secs(30));
}

#[test]
fn a_group_publish_costs_one_point_per_feed_and_fans_out() {
    let mut io = service();
    let payload = br#"{"feeds":{"temp":"21.5","humidity":"40"},"location":{"lat":1,"lon":2}}"#;
    let outcome = io.on_publish(
        at(0),
        &client(),
        "test_username/groups/garden",
        payload,
        QoS::AtMostOnce,
    );
    assert!(outcome.acknowledge);
    assert_eq!(
        texts_on(&outcome, "test_username/feeds/garden.temp"),
        vec!["21.5".to_string()]
    );
    assert_eq!(
        texts_on(&outcome, "test_username/f/garden.humidity"),
        vec!["40".to_string()]
    );
    let group = texts_on(&outcome, "test_username/groups/garden");
    assert_eq!(group.len(), 1);
    assert!(
        group[0].contains(r#""temp":"21.5""#) && group[0].contains(r#""humidity":"40""#),
        "{}",
        group[0]
    );
    // 28 points left: a 29-feed group would exceed the plan.
    let big: String = (0..29).map(|i| format!("k{i},{i}\n")).collect();
    let refused = io.on_publish(
        at(1),
        &client(),
        "test_username/groups/big/csv",
        big.as_bytes(),
        QoS::AtMostOnce,
    );
    assert!(!refused.acknowledge);
    assert_eq!(texts_on(&refused, "test_username/throttle").len(), 1);
    // A feed published alone also updates its group.
    let single = io.on_publish(
        at(2),
        &client(),
        "test_username/feeds/garden.temp",
        b"22",
        QoS::AtMostOnce,
    );
    assert_eq!(
        texts_on(&single, "test_username/g/garden/csv"),
        vec!["temp,22".to_string()]
    );
}

#[test]
fn invalid_and_foreign_topics_get_the_documented_errors() {
    let mut io = service();
    let publish = io.on_publish(at(0), &client(), ",,21,9,,,33,, OK", b"1", QoS::AtMostOnce);
    assert_eq!(
        texts_on(&publish, "test_username/errors"),
        vec![
            "io-test-1 PUBLISH ,,21,9,,,33,, OK rejected, only shared feeds may be published to"
                .to_string()
        ]
    );
    let filters = vec![
        (
            "LWT/$SYS/obe/pixel/adafruit.server/sessions-005".to_string(),
            QoS::AtMostOnce,
        ),
        (
            "other_username/feeds/something.fake-11".to_string(),
            QoS::AtMostOnce,
        ),
        ("test_username/f/#".to_string(), QoS::AtMostOnce),
        ("time/seconds".to_string(), QoS::AtMostOnce),
    ];
    let outcome = io.on_subscribe(at(0), &client(), &filters);
    let passed: Vec<&str> = outcome.filters.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        passed,
        vec![
            REJECTED_FILTER,
            REJECTED_FILTER,
            "test_username/f/#",
            "time/seconds"
        ]
    );
    let errors: Vec<&str> = outcome
        .publishes
        .iter()
        .map(|p| p.payload.as_str())
        .collect();
    assert_eq!(
        errors,
        vec![
            "io-test-1 SUBSCRIBE LWT/$SYS/obe/pixel/adafruit.server/sessions-005 rejected, not a valid resource topic",
            "io-test-1 SUBSCRIBE other_username/feeds/something.fake-11 rejected, resource not available or not authorized",
        ]
    );
}

#[test]
fn too_many_failed_subscribes_ban_the_account() {
    let mut io = service();
    let bad = vec![("nonsense".to_string(), QoS::AtMostOnce)];
    for n in 0..10 {
        let outcome = io.on_subscribe(at(n), &client(), &bad);
        assert_eq!(outcome.publishes.len(), 1);
    }
    let eleventh = io.on_subscribe(at(10), &client(), &bad);
    assert!(eleventh
        .publishes
        .iter()
        .any(|p| p.payload.contains("banned for 30 seconds")));
}

#[test]
fn subscribing_near_the_limit_warns_with_attempts_remaining() {
    let mut io = service();
    let filter = vec![("time/seconds".to_string(), QoS::AtMostOnce)];
    for n in 0..94 {
        assert!(
            io.on_subscribe(at(0), &client(), &filter)
                .publishes
                .is_empty(),
            "subscribe {n}"
        );
    }
    let warned = io.on_subscribe(at(0), &client(), &filter);
    assert_eq!(
        warned.publishes[0].payload,
        "io-test-1 SUBSCRIBE time/seconds only 5 attempts remaining in the next 60 seconds, please slow your request rate"
    );
    for _ in 0..5 {
        io.on_subscribe(at(0), &client(), &filter);
    }
    let flooded = io.on_subscribe(at(0), &client(), &filter);
    assert_eq!(
        flooded.publishes[0].payload,
        "io-test-1 SUBSCRIBE time/seconds made too many requests, wait before reconnecting"
    );
}

#[test]
fn more_than_twenty_connection_attempts_a_minute_are_refused() {
    let mut io = service();
    for n in 0..20 {
        assert_eq!(io.on_connect(at(n), &client(), b""), Ok(()));
    }
    assert_eq!(io.on_connect(at(21), &client(), b""), Err(6));
    assert_eq!(io.on_connect(at(22), &client(), b""), Err(7));
}

#[test]
fn a_known_account_with_the_wrong_key_is_refused_with_code_4() {
    let mut io = service();

    let user = Client {
        client_id: "io-test-2".into(),
        username: "locked".into(),
    };
    assert_eq!(io.on_connect(at(0), &user, b"wrong-key"), Err(4));
    assert_eq!(io.on_connect(at(1), &user, b"right-key"), Ok(()));
    // Unknown users get in with any key.
    assert_eq!(io.on_connect(at(2), &client(), b"anything"), Ok(()));
}

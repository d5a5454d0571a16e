//! Topic names and topic filters: validation and `+`/`#` matching (MQTT 3.1.1, section 4.7).

/// The longest topic MQTT can carry (a two-byte length prefix).
pub const MAX_TOPIC_LEN: usize = 65_535;

/// Checks a topic name for PUBLISH: non-empty, no wildcards, no NUL, at most 65 535 bytes.
pub fn validate_topic_name(topic: &str) -> Result<(), String> {
    check_common(topic)?;
    if topic.contains(['+', '#']) {
        return Err(format!(
            "\"{topic}\" contains a wildcard (+ or #); wildcards are only for subscribing"
        ));
    }
    Ok(())
}

/// Checks a topic filter for SUBSCRIBE: `+` must fill a whole level, `#` must be the whole last
/// level.
pub fn validate_filter(filter: &str) -> Result<(), String> {
    check_common(filter)?;
    let levels: Vec<&str> = filter.split('/').collect();
    let last = levels.len() - 1;
    for (index, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || index != last) {
            return Err(format!(
                "\"{filter}\": # must stand alone as the last level (like sensors/#)"
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(format!(
                "\"{filter}\": + must fill a whole level (like sensors/+/temperature)"
            ));
        }
    }
    Ok(())
}

fn check_common(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("the topic is empty".to_owned());
    }
    if text.len() > MAX_TOPIC_LEN {
        return Err(format!(
            "the topic is {} bytes long; MQTT allows at most {MAX_TOPIC_LEN}",
            text.len()
        ));
    }
    if text.contains('\0') {
        return Err("the topic contains a NUL character".to_owned());
    }
    Ok(())
}

/// Whether `topic` matches `filter`. Wildcards at the first level do not match topics starting
/// with `$` (such as `$SYS/...`), as the specification requires.
pub fn filter_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut topic_levels = topic.split('/');
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_level_wildcard_matches_parent_and_all_descendants() {
        assert!(filter_matches("sport/#", "sport"));
        assert!(filter_matches("sport/#", "sport/tennis/player1"));
        assert!(filter_matches("#", "a/b/c"));
        assert!(!filter_matches("sport/#", "sports"));
    }

    #[test]
    fn single_level_wildcard_matches_exactly_one_level() {
        assert!(filter_matches("sport/+/player1", "sport/tennis/player1"));
        assert!(!filter_matches("sport/+", "sport/tennis/player1"));
        assert!(filter_matches("sport/+", "sport/"));
        assert!(filter_matches("+/+", "/finance"));
        assert!(!filter_matches("+", "/finance"));
    }

    #[test]
    fn wildcards_at_the_first_level_skip_dollar_topics() {
        assert!(!filter_matches("#", "$SYS/broker/uptime"));
        assert!(!filter_matches("+/broker/uptime", "$SYS/broker/uptime"));
        assert!(filter_matches("$SYS/#", "$SYS/broker/uptime"));
    }

    #[test]
    fn filters_with_misplaced_wildcards_are_rejected_with_a_reason() {
        assert!(validate_filter("sport/tennis#").is_err());
        assert!(validate_filter("sport/#/ranking").is_err());
        assert!(validate_filter("sport+").is_err());
        assert!(validate_filter("").is_err());
        assert!(validate_filter("a\0b").is_err());
        assert!(validate_filter("sport/+/ranking/#").is_ok());
        assert!(validate_filter("+").is_ok());
    }

    #[test]
    fn topic_names_reject_wildcards_and_oversize() {
        assert!(validate_topic_name("user/feeds/temp").is_ok());
        assert!(validate_topic_name("user/feeds/+").is_err());
        assert!(validate_topic_name(&"a".repeat(MAX_TOPIC_LEN + 1)).is_err());
        assert!(validate_topic_name(&"a".repeat(MAX_TOPIC_LEN)).is_ok());
    }
}

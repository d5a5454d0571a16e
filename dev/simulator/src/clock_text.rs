//! Wall-clock time as the services write it, without a date library.

/// `2019-07-03T14:47:16.038Z` for milliseconds since the Unix epoch.
pub fn iso8601_millis(epoch_ms: u64) -> String {
    let (date, seconds_of_day, millis) = split(epoch_ms);
    format!(
        "{date}T{:02}:{:02}:{:02}.{millis:03}Z",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60
    )
}

/// `2026-01-01T00:00:05Z`, as ThingSpeak's `created_at`.
pub fn iso8601_seconds(epoch_ms: u64) -> String {
    let (date, seconds_of_day, _) = split(epoch_ms);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60
    )
}

/// The UTC hour, 0–23.
pub fn utc_hour(epoch_ms: u64) -> u64 {
    epoch_ms / 1000 % 86_400 / 3600
}

fn split(epoch_ms: u64) -> (String, u64, u64) {
    let seconds = epoch_ms / 1000;
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let (year, month, day) = civil_from_days(days);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        seconds % 86_400,
        epoch_ms % 1000,
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_times_format_exactly() {
        // time/ISO-8601 example from the Adafruit IO documentation.
        assert_eq!(
            iso8601_millis(1_562_165_236_038),
            "2019-07-03T14:47:16.038Z"
        );
        assert_eq!(iso8601_seconds(1_767_225_605_000), "2026-01-01T00:00:05Z");
        assert_eq!(iso8601_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_seconds(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(utc_hour(1_562_165_236_038), 14);
    }
}

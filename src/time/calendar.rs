//! Wall-clock time as people and services write it (ISO 8601, local clock labels), without a
//! date library. Times are milliseconds since the Unix epoch; time zones are an offset passed
//! in, so this stays plain Rust that tests run natively.

use std::fmt;

/// A calendar date and time of day (proleptic Gregorian, no time zone of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilTime {
    /// Year, e.g. 2026.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
    /// Millisecond, 0–999.
    pub millis: u32,
}

const MS_PER_DAY: i64 = 86_400_000;

impl CivilTime {
    /// The calendar time `epoch_ms` milliseconds after 1970-01-01T00:00:00 (shift by a time
    /// zone's offset first for local time).
    pub fn from_epoch_millis(epoch_ms: i64) -> Self {
        let days = epoch_ms.div_euclid(MS_PER_DAY);
        let ms_of_day = epoch_ms.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        // ms_of_day < 86 400 000, so every part fits in u32.
        let part = |value: i64| u32::try_from(value).unwrap_or(0);
        Self {
            year,
            month,
            day,
            hour: part(ms_of_day / 3_600_000),
            minute: part(ms_of_day / 60_000 % 60),
            second: part(ms_of_day / 1000 % 60),
            millis: part(ms_of_day % 1000),
        }
    }

    /// Milliseconds since the Unix epoch of this calendar time.
    pub fn to_epoch_millis(self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        days * MS_PER_DAY
            + i64::from(self.hour) * 3_600_000
            + i64::from(self.minute) * 60_000
            + i64::from(self.second) * 1000
            + i64::from(self.millis)
    }

    /// The date as `2026-11-23`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for CivilTime {
    /// `2026-11-23 18:04:05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.date(),
            self.hour,
            self.minute,
            self.second
        )
    }
}

/// `2019-07-03T14:47:16.038Z` for milliseconds since the Unix epoch.
pub fn iso8601_millis(epoch_ms: i64) -> String {
    let t = CivilTime::from_epoch_millis(epoch_ms);
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        t.date(),
        t.hour,
        t.minute,
        t.second,
        t.millis
    )
}

/// `2026-01-01T00:00:05Z`, as ThingSpeak writes `created_at`.
pub fn iso8601_seconds(epoch_ms: i64) -> String {
    let t = CivilTime::from_epoch_millis(epoch_ms);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        t.date(),
        t.hour,
        t.minute,
        t.second
    )
}

/// The UTC hour, 0–23.
pub fn utc_hour(epoch_ms: i64) -> u32 {
    CivilTime::from_epoch_millis(epoch_ms).hour
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (a space may stand for `T`; no zone means UTC)
/// into milliseconds since the Unix epoch. `None` for anything else.
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = (text.get(..10)?, text.get(10..)?);
    let mut date_parts = date.split('-');
    let year: i64 = digits(date_parts.next()?, 4)?;
    let month: u32 = digits(date_parts.next()?, 2)?;
    let day: u32 = digits(date_parts.next()?, 2)?;
    let rest = rest.strip_prefix(['T', ' '])?;
    let (clock, zone_offset_ms) = split_zone(rest)?;
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut clock_parts = hms.split(':');
    let hour: u32 = digits(clock_parts.next()?, 2)?;
    let minute: u32 = digits(clock_parts.next()?, 2)?;
    let second: u32 = digits(clock_parts.next()?, 2)?;
    if clock_parts.next().is_some() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Milliseconds from the first three fraction digits, padded: ".5" is 500 ms.
    let millis = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    let local = CivilTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        millis,
    };
    Some(local.to_epoch_millis() - zone_offset_ms)
}

/// Splits `HH:MM:SS…` from its zone designator; returns the zone's offset east of UTC in ms.
fn split_zone(clock: &str) -> Option<(&str, i64)> {
    if let Some(clock) = clock.strip_suffix('Z') {
        return Some((clock, 0));
    }
    // A sign after the seconds starts an offset (`+01:00`, `-0530`).
    match clock.get(8..).and_then(|tail| tail.find(['+', '-'])) {
        Some(position) => {
            let (clock, zone) = clock.split_at(8 + position);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let zone = zone.get(1..)?.replace(':', "");
            let hours: i64 = digits(zone.get(..2)?, 2)?;
            let minutes: i64 = digits(zone.get(2..)?, 2)?;
            Some((clock, sign * (hours * 60 + minutes) * 60_000))
        }
        None => Some((clock, 0)),
    }
}

fn digits<T: std::str::FromStr>(text: &str, count: usize) -> Option<T> {
    (text.len() == count && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both are small and positive by construction.
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Hinnant's civil-to-days, the inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

    #[test]
    fn formatting_and_parsing_round_trip_across_leap_days_and_before_1970() {
        for ms in [
            0,
            1_562_165_236_038,
            951_782_400_000,
            951_868_799_999,
            -86_400_001,
            4_102_444_800_000,
        ] {
            assert_eq!(parse_iso8601(&iso8601_millis(ms)), Some(ms), "{ms}");
            let civil = CivilTime::from_epoch_millis(ms);
            assert_eq!(civil.to_epoch_millis(), ms);
        }
    }

    #[test]
    fn zones_fractions_and_spaces_are_read() {
        let utc = parse_iso8601("2026-01-01T00:00:05Z");
        assert_eq!(utc, Some(1_767_225_605_000));
        assert_eq!(parse_iso8601("2026-01-01 00:00:05"), utc);
        assert_eq!(parse_iso8601("2026-01-01T01:00:05+01:00"), utc);
        assert_eq!(parse_iso8601("2025-12-31T18:30:05-0530"), utc);
        assert_eq!(
            parse_iso8601("2026-01-01T00:00:05.5Z"),
            Some(1_767_225_605_500)
        );
        assert_eq!(
            parse_iso8601("2026-01-01T00:00:05.123456Z"),
            Some(1_767_225_605_123)
        );
    }

    #[test]
    fn malformed_or_impossible_times_are_refused() {
        for text in [
            "",
            "2026",
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00Z",
            "2026-01-01T00:00:00.x1Z",
            "26-01-01T00:00:00Z",
            "2026-01-01X00:00:00Z",
            "２026-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_iso8601(text), None, "{text:?}");
        }
    }
}

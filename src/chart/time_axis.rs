//! The x axis: ticks at round local times (every 10 s, 5 min, 3 h, …) and labels in the
//! reader's own clock. The time zone comes in as a value, so tests run in any zone.

use crate::time::calendar::CivilTime;

/// How far the local clock is ahead of UTC at a given moment (DST changes it).
pub trait LocalZone {
    /// Minutes to add to UTC to get local time at `epoch_ms`.
    fn offset_minutes(&self, epoch_ms: f64) -> i32;
}

/// A zone with one offset all year (UTC is `FixedOffset(0)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedOffset(pub i32);

impl LocalZone for FixedOffset {
    fn offset_minutes(&self, _epoch_ms: f64) -> i32 {
        self.0
    }
}

const SECOND: f64 = 1000.0;
const MINUTE: f64 = 60.0 * SECOND;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;

/// Tick spacings people read easily, shortest first.
const STEPS: [f64; 22] = [
    SECOND,
    2.0 * SECOND,
    5.0 * SECOND,
    10.0 * SECOND,
    15.0 * SECOND,
    30.0 * SECOND,
    MINUTE,
    2.0 * MINUTE,
    5.0 * MINUTE,
    10.0 * MINUTE,
    15.0 * MINUTE,
    30.0 * MINUTE,
    HOUR,
    2.0 * HOUR,
    3.0 * HOUR,
    6.0 * HOUR,
    12.0 * HOUR,
    DAY,
    2.0 * DAY,
    7.0 * DAY,
    14.0 * DAY,
    28.0 * DAY,
];

/// Ticks for a time range.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeTicks {
    /// Tick times, ms since the Unix epoch, ascending.
    pub ticks: Vec<f64>,
    /// The spacing chosen.
    pub step_ms: f64,
}

/// Ticks at round local times between `from_ms` and `to_ms`, at most `max_ticks` of them.
pub fn time_ticks(from_ms: f64, to_ms: f64, max_ticks: usize, zone: &dyn LocalZone) -> TimeTicks {
    let span = (to_ms - from_ms).max(0.0);
    let wanted = max_ticks.max(2) as f64;
    let step_ms = STEPS
        .iter()
        .copied()
        .find(|step| span / step <= wanted)
        .unwrap_or_else(|| (span / wanted / DAY).ceil() * DAY);
    if !(from_ms.is_finite() && to_ms.is_finite()) || span == 0.0 {
        return TimeTicks {
            ticks: Vec::new(),
            step_ms,
        };
    }
    // Round in local time, so "every 3 h" falls on 00:00, 03:00, … of the reader's clock.
    let offset = f64::from(zone.offset_minutes(from_ms)) * MINUTE;
    let first = ((from_ms + offset) / step_ms).ceil() * step_ms - offset;
    let count = ((to_ms - first) / step_ms).floor().max(-1.0) as i64 + 1;
    let ticks = (0..count.clamp(0, 1000))
        .map(|i| first + step_ms * i as f64)
        .collect();
    TimeTicks { ticks, step_ms }
}

/// A tick label: `18:04:05` for second steps, `18:04` for minute and hour steps, and the date
/// (`23 Nov`) at local midnight or for day steps.
pub fn tick_label(epoch_ms: f64, step_ms: f64, zone: &dyn LocalZone) -> String {
    let local = local_time(epoch_ms, zone);
    let at_midnight = local.hour == 0 && local.minute == 0 && local.second == 0;
    if step_ms >= DAY || (at_midnight && step_ms >= MINUTE) {
        format!("{} {}", local.day, month_name(local.month))
    } else if step_ms >= MINUTE {
        format!("{:02}:{:02}", local.hour, local.minute)
    } else {
        format!("{:02}:{:02}:{:02}", local.hour, local.minute, local.second)
    }
}

/// A full local time for read-outs: `18:04:05`, with the date when it is not `today_ms`'s.
pub fn readout_time(epoch_ms: f64, today_ms: f64, zone: &dyn LocalZone) -> String {
    let local = local_time(epoch_ms, zone);
    let today = local_time(today_ms, zone);
    let clock = format!("{:02}:{:02}:{:02}", local.hour, local.minute, local.second);
    if (local.year, local.month, local.day) == (today.year, today.month, today.day) {
        clock
    } else {
        format!("{} {} {clock}", local.day, month_name(local.month))
    }
}

/// `epoch_ms` on the local calendar.
pub fn local_time(epoch_ms: f64, zone: &dyn LocalZone) -> CivilTime {
    let offset_ms = i64::from(zone.offset_minutes(epoch_ms)) * 60_000;
    let ms = if epoch_ms.is_finite() {
        epoch_ms as i64
    } else {
        0
    };
    CivilTime::from_epoch_millis(ms.saturating_add(offset_ms))
}

fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| NAMES.get(m))
        .copied()
        .unwrap_or("?")
}

/// A typical interval in words, rounded as people say it: "1 s", "10 s", "5 min", "2 h".
pub fn interval_text(ms: f64) -> String {
    let seconds = (ms / 1000.0).max(0.0);
    if seconds < 59.5 {
        format!("{:.0} s", seconds.max(1.0))
    } else if seconds < 3570.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        let hours = seconds / 3600.0;
        if (hours - hours.round()).abs() < 0.05 {
            format!("{hours:.0} h")
        } else {
            format!("{hours:.1} h")
        }
    }
}

/// "3 s ago", "5 min ago", "2 h ago", "4 d ago"; "just now" under a second.
pub fn age_text(age_ms: f64) -> String {
    let seconds = (age_ms / 1000.0).floor().max(0.0);
    if seconds < 1.0 {
        "just now".to_owned()
    } else if seconds < 60.0 {
        format!("{seconds:.0} s ago")
    } else if seconds < 3600.0 {
        format!("{:.0} min ago", (seconds / 60.0).floor())
    } else if seconds < 86_400.0 {
        format!("{:.0} h ago", (seconds / 3600.0).floor())
    } else {
        format!("{:.0} d ago", (seconds / 86_400.0).floor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23T18:04:05Z
    const T: f64 = 1_795_457_045_000.0;

    #[test]
    fn intervals_read_as_people_say_them() {
        let texts: Vec<String> = [
            300.0,
            9_987.0,
            59_700.0,
            300_000.0,
            3_600_000.0,
            5_400_000.0,
        ]
        .into_iter()
        .map(interval_text)
        .collect();
        assert_eq!(texts, ["1 s", "10 s", "1 min", "5 min", "1 h", "1.5 h"]);
    }

    #[test]
    fn five_minutes_tick_every_minute_on_the_minute() {
        let ticks = time_ticks(T - 5.0 * MINUTE, T, 6, &FixedOffset(0));
        assert_eq!(ticks.step_ms, MINUTE);
        assert_eq!(ticks.ticks.len(), 5);
        let labels: Vec<String> = ticks
            .ticks
            .iter()
            .map(|&t| tick_label(t, ticks.step_ms, &FixedOffset(0)))
            .collect();
        assert_eq!(labels, vec!["18:00", "18:01", "18:02", "18:03", "18:04"]);
    }

    #[test]
    fn hour_steps_fall_on_round_local_hours_in_a_half_hour_zone() {
        // India: UTC+5:30; 18:04Z is 23:34 local.
        let zone = FixedOffset(330);
        let ticks = time_ticks(T - 24.0 * HOUR, T, 8, &zone);
        assert_eq!(ticks.step_ms, 3.0 * HOUR);
        for &tick in &ticks.ticks {
            let local = local_time(tick, &zone);
            assert_eq!((local.minute, local.hour % 3), (0, 0), "{local}");
        }
        let labels: Vec<String> = ticks
            .ticks
            .iter()
            .map(|&t| tick_label(t, ticks.step_ms, &zone))
            .collect();
        assert!(labels.contains(&"23 Nov".to_owned()), "{labels:?}");
        assert!(labels.contains(&"21:00".to_owned()), "{labels:?}");
    }

    #[test]
    fn short_spans_label_seconds_and_empty_spans_have_no_ticks() {
        let ticks = time_ticks(T, T + 20.0 * SECOND, 5, &FixedOffset(60));
        assert_eq!(ticks.step_ms, 5.0 * SECOND);
        assert_eq!(tick_label(T, ticks.step_ms, &FixedOffset(60)), "19:04:05");
        assert!(time_ticks(T, T, 5, &FixedOffset(0)).ticks.is_empty());
        assert!(time_ticks(f64::NAN, T, 5, &FixedOffset(0)).ticks.is_empty());
        let years = time_ticks(0.0, 3.0e12, 5, &FixedOffset(0));
        assert!(years.ticks.len() <= 6 && !years.ticks.is_empty());
    }

    #[test]
    fn readouts_add_the_date_only_for_other_days_and_ages_read_naturally() {
        let zone = FixedOffset(0);
        assert_eq!(readout_time(T, T, &zone), "18:04:05");
        assert_eq!(readout_time(T - DAY, T, &zone), "22 Nov 18:04:05");
        assert_eq!(age_text(400.0), "just now");
        assert_eq!(age_text(3_200.0), "3 s ago");
        assert_eq!(age_text(5.0 * MINUTE + 1.0), "5 min ago");
        assert_eq!(age_text(2.5 * HOUR), "2 h ago");
        assert_eq!(age_text(4.0 * DAY), "4 d ago");
    }
}

//! Time-zone offsets that scorec computes itself, for DuckDB.
//!
//! The embedded DuckDB is built without ICU, so `AT TIME ZONE` is not
//! available there. scorec reads the zone's transitions from jiff's bundled
//! tz database and writes the offset as a balanced `CASE` over the
//! transition instants: a handful of comparisons per row. Over a known range
//! (`scorec sql --start/--end`, the tests, the benchmarks) only the
//! transitions near the range are written; views get the transitions of
//! [`HORIZON`] through two macros (`00_time_zone.sql`).

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The years whose transitions the DuckDB time-zone macros cover.
pub const HORIZON: (i16, i16) = (1990, 2060);

/// The zone a scorecard's buckets are in, and how much of its history the
/// generated SQL must cover.
#[derive(Clone, Debug)]
pub struct Zone {
    /// IANA name.
    pub name: String,
    /// Instants between which conversions must be right; `None` is the
    /// whole [`HORIZON`].
    pub span: Option<(Timestamp, Timestamp)>,
    /// Schema of the DuckDB time-zone macros, used when `span` is `None`.
    pub macro_schema: String,
}

/// Offsets of a zone: the offset before the first transition, then each
/// transition instant with the offset from it on.
#[derive(Clone, Debug, PartialEq)]
pub struct Offsets {
    /// Offset in seconds before the first transition.
    pub initial: i32,
    /// Transitions, in time order.
    pub transitions: Vec<(Timestamp, i32)>,
}

/// The offsets of `zone` between two instants. An unknown zone (the
/// checker rejects those) is treated as UTC.
pub fn offsets(zone: &str, from: Timestamp, to: Timestamp) -> Offsets {
    let Ok(tz) = TimeZone::get(zone) else {
        return Offsets {
            initial: 0,
            transitions: Vec::new(),
        };
    };
    let initial = tz.to_offset(from).seconds();
    let transitions = tz
        .following(from)
        .take_while(|t| t.timestamp() < to)
        .map(|t| (t.timestamp(), t.offset().seconds()))
        .collect();
    Offsets {
        initial,
        transitions,
    }
}

/// Whether every UTC hour lies in one wall-clock hour of `zone` between
/// two instants (the whole [`HORIZON`] for `None`): every offset is whole
/// hours and every transition falls on a UTC hour. Then the bucket of a
/// UTC hour's start is the bucket of every instant in it, and counts can
/// be summed by UTC hour first (`streams.rs`).
pub fn whole_hours(zone: &str, span: Option<(Timestamp, Timestamp)>) -> bool {
    let (from, to) = span.unwrap_or_else(horizon);
    let o = offsets(zone, from, to);
    o.initial % 3600 == 0
        && o.transitions
            .iter()
            .all(|(at, offset)| offset % 3600 == 0 && at.as_second() % 3600 == 0)
}

/// The instant bounds of the horizon.
pub fn horizon() -> (Timestamp, Timestamp) {
    let at = |year: i16| {
        jiff::civil::date(year, 1, 1)
            .at(0, 0, 0, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    };
    (at(HORIZON.0), at(HORIZON.1))
}

impl Offsets {
    /// Thresholds and offsets for converting UTC instants to wall-clock
    /// time: each threshold is the UTC instant of a transition.
    pub fn utc_steps(&self) -> Vec<(Timestamp, i32)> {
        self.transitions.clone()
    }

    /// Thresholds for converting wall-clock times to UTC, expressed as
    /// wall-clock times (held in a `Timestamp` as if UTC). A wall-clock
    /// time in a gap or an overlap takes the offset before the transition,
    /// like jiff's `compatible` disambiguation: a gap moves later, an
    /// overlap resolves to the earlier instant.
    pub fn local_steps(&self) -> Vec<(Timestamp, i32)> {
        let mut before = self.initial;
        let mut out = Vec::with_capacity(self.transitions.len());
        for &(at, offset) in &self.transitions {
            let shift = i64::from(before.max(offset));
            let threshold = at
                .checked_add(jiff::SignedDuration::from_secs(shift))
                .unwrap_or(at);
            out.push((threshold, offset));
            before = offset;
        }
        out
    }
}

/// A balanced `CASE` over `steps` giving the offset in seconds of `value`:
/// `initial` below the first threshold, each step's offset from its
/// threshold on. `literal` renders a threshold.
pub fn offset_case(
    value: &str,
    initial: i32,
    steps: &[(Timestamp, i32)],
    literal: &dyn Fn(&str) -> String,
) -> String {
    if steps.is_empty() {
        return initial.to_string();
    }
    if steps.iter().all(|s| s.1 == initial) {
        return initial.to_string();
    }
    let mid = steps.len() / 2;
    let (at, _) = steps[mid];
    let lower = offset_case(value, initial, &steps[..mid], literal);
    let upper = offset_case(value, steps[mid].1, &steps[mid + 1..], literal);
    format!(
        "CASE WHEN {value} < {} THEN {lower} ELSE {upper} END",
        literal(&timestamp_text(at))
    )
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` of an instant in UTC.
pub fn timestamp_text(at: Timestamp) -> String {
    let dt = at.to_zoned_datetime(TimeZone::UTC).datetime();
    civil_text(dt)
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` of a civil date-time.
pub fn civil_text(dt: jiff::civil::DateTime) -> String {
    let micros = dt.subsec_nanosecond() / 1000;
    let base = dt.strftime("%Y-%m-%d %H:%M:%S").to_string();
    if micros == 0 {
        base
    } else {
        format!("{base}.{micros:06}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn berlin_2026_has_two_transitions() {
        let o = offsets(
            "Europe/Berlin",
            ts("2026-01-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
        );
        assert_eq!(o.initial, 3600);
        assert_eq!(
            o.transitions,
            vec![
                (ts("2026-03-29T01:00:00Z"), 7200),
                (ts("2026-10-25T01:00:00Z"), 3600)
            ]
        );
        // Wall clock: 02:00 does not exist on 29 March (it is 03:00 CEST);
        // 02:00-03:00 on 25 October happens twice and takes CEST first.
        assert_eq!(
            o.local_steps(),
            vec![
                (ts("2026-03-29T03:00:00Z"), 7200),
                (ts("2026-10-25T03:00:00Z"), 3600)
            ]
        );
    }

    #[test]
    fn whole_hour_zones() {
        assert!(whole_hours("Europe/Berlin", None));
        assert!(whole_hours("America/New_York", None));
        assert!(whole_hours("UTC", None));
        // +05:30, and +09:30 / +10:30 with DST.
        assert!(!whole_hours("Asia/Kolkata", None));
        assert!(!whole_hours("Australia/Adelaide", None));
        // Nepal moved from +05:30 to +05:45 in 1986, before the horizon;
        // both are off the hour.
        assert!(!whole_hours("Asia/Kathmandu", None));
        // Lord Howe shifts by half an hour in summer.
        let y2026 = (ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"));
        assert!(!whole_hours("Australia/Lord_Howe", Some(y2026)));
    }

    #[test]
    fn case_is_balanced_and_constant_without_transitions() {
        let lit = |t: &str| format!("'{t}'");
        assert_eq!(offset_case("x", 0, &[], &lit), "0");
        let o = offsets(
            "Europe/Berlin",
            ts("2026-01-01T00:00:00Z"),
            ts("2027-01-01T00:00:00Z"),
        );
        assert_eq!(
            offset_case("x", o.initial, &o.utc_steps(), &lit),
            "CASE WHEN x < '2026-10-25 01:00:00' THEN CASE WHEN x < '2026-03-29 01:00:00' THEN 3600 ELSE 7200 END ELSE 3600 END"
        );
    }
}

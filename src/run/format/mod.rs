//! The output formats of `scorec run`. Each renders a [`Report`]; the
//! schemas are documented in docs/run.md.
//!
//! | format | file |
//! |---|---|
//! | `text` | `text.rs`: the terminal view, 100 columns |
//! | `json` | here: the report as it is, `schema_version` 1 |
//! | `csv` | `csv.rs`: one row per metric row, with its statuses |
//! | `markdown` | `markdown.rs`: for pull requests and wikis |
//! | `html` | `html/`: one self-contained page with charts |
//! | `openmetrics` | here: the gauges the Prometheus rules read |

pub mod csv;
pub mod html;
pub mod markdown;
pub mod text;

use super::report::{Report, SideReport};
use super::{Level, Status};
use crate::alerts::gauges::{self, GaugeRow};

/// The report as pretty JSON, with a final newline.
pub fn json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

/// The OpenMetrics exposition of the newest judged bucket of each gauge
/// series, as the Prometheus rules of `scorec alerts` read it.
pub fn openmetrics(rows: &[GaugeRow]) -> String {
    gauges::exposition(rows)
}

/// A value as people read it: rates as percentages, durations in minutes,
/// counts as whole numbers with thousands separators.
pub fn value(side: &SideReport, v: Option<f64>) -> String {
    let Some(v) = v else {
        return "–".to_string();
    };
    if side.fraction {
        return format!("{}%", decimals(v * 100.0, 2));
    }
    match side.kind.as_str() {
        "count" => thousands(v.round() as i64),
        "duration" => format!("{} min", decimals(v, 1)),
        _ => match side.unit.as_deref() {
            Some(u) if u.starts_with("currency:") => {
                format!("{} {}", decimals(v, 2), &u["currency:".len()..])
            }
            Some(u) if u != "minutes" => format!("{} {u}", decimals(v, 2)),
            _ => decimals(v, 2),
        },
    }
}

/// A status row's value as people read it: in its metric's terms (the
/// first pair side showing that metric), or as an integrity value.
pub fn status_value(report: &Report, status: &Status) -> String {
    let Some(v) = status.value else {
        return "–".to_string();
    };
    if let Some(metric) = &status.metric {
        let side = report
            .journeys
            .iter()
            .flat_map(|j| &j.pairs)
            .flat_map(|p| &p.sides)
            .find(|s| &s.metric == metric);
        return side.map_or_else(|| decimals(v, 4), |side| value(side, Some(v)));
    }
    match status.rule.as_str() {
        "freshness" => format!("{} min", thousands(v.round() as i64)),
        "volume" => format!("{} rows", thousands(v.round() as i64)),
        "duplicates" => format!("{}%", decimals(v * 100.0, 2)),
        _ => decimals(v, 4),
    }
}

/// What a status row judges, in one line: `journey / pair · side metric`,
/// `source name · rule`, or the rule. `code` wraps names (Markdown's
/// backticks).
pub fn check_name(status: &Status, code: &str) -> String {
    match (&status.pair, &status.metric, &status.source) {
        (Some(pair), Some(metric), _) => format!(
            "{} / {pair} · {} {code}{metric}{code}",
            status.journey.as_deref().unwrap_or(""),
            status.side.as_deref().unwrap_or("")
        ),
        (_, _, Some(source)) => format!("source {code}{source}{code} · {}", status.rule),
        _ => status.rule.clone(),
    }
}

/// A number with up to `places` decimals, trailing zeros kept.
pub fn decimals(v: f64, places: usize) -> String {
    format!("{v:.places$}")
}

/// A whole number with `,` between thousands.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The status as a fixed-width text marker.
pub fn marker(level: Level) -> &'static str {
    match level {
        Level::Ok => "OK",
        Level::Warn => "WARN",
        Level::Critical => "CRIT",
        Level::Insufficient => "LOW-N",
        Level::Incomplete => "PARTIAL",
    }
}

/// What the markers mean.
pub const LEGEND: &str =
    "LOW-N: sample below min_sample, not judged · PARTIAL: bucket not complete yet";

/// A sparkline of values: eight levels between the smallest and largest,
/// a space for a missing value.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let present: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            Some(v) if v.is_finite() => {
                if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
                    BARS[3]
                } else {
                    let i = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                    BARS[i.min(7)]
                }
            }
            _ => ' ',
        })
        .collect()
}

/// The bound shown beside a value: the one that fired, else the warn
/// bound, else the critical bound.
pub fn shown_bound(side: &SideReport) -> String {
    let fired = side.latest.as_ref().and_then(|l| l.bound.clone());
    fired
        .or_else(|| side.warn.clone())
        .or_else(|| side.critical.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
        assert_eq!(decimals(0.5, 2), "0.50");
    }

    #[test]
    fn sparklines_span_the_range_and_keep_gaps() {
        assert_eq!(sparkline(&[Some(0.0), Some(1.0), None, Some(0.5)]), "▁█ ▅");
        assert_eq!(sparkline(&[Some(2.0), Some(2.0)]), "▄▄");
        assert_eq!(sparkline(&[]), "");
    }
}

//! The terminal view: signal integrity first (a broken signal is said
//! before any rate), then per journey each pair with its two sides on
//! consecutive lines, the worst cohorts under them, and the alerts with the
//! owner who must act. Lines fit 100 columns.

use std::fmt::Write as _;

use super::{LEGEND, check_name, marker, shown_bound, sparkline, status_value, thousands, value};
use crate::paint::{BOLD, DIM, GREEN, Paint, RED, YELLOW};
use crate::run::Level;
use crate::run::report::{Report, SideReport};

/// The widest line the view writes.
pub const WIDTH: usize = 100;

/// How many buckets a sparkline shows (the newest).
const SPARK: usize = 12;

fn style(level: Level) -> &'static str {
    match level {
        Level::Ok => GREEN,
        Level::Warn => YELLOW,
        Level::Critical => RED,
        Level::Insufficient | Level::Incomplete => DIM,
    }
}

/// `text` cut to `width` characters (with `…`), then padded.
fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count > width {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{text}{}", " ".repeat(width - count))
    }
}

/// `text` cut to `width` characters, right-aligned.
fn fit_right(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count > width {
        fit(text, width)
    } else {
        format!("{}{text}", " ".repeat(width - count))
    }
}

/// Wraps `text` into lines of at most `width` characters after `indent`.
fn wrap(text: &str, indent: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count() + word.chars().count() + 1;
        if !line.is_empty() && indent.len() + len > width {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

/// The first lines, known before any query runs: the scorecard, its
/// buckets, and where each source's data comes from. The CLI prints them
/// at once, before the scans.
pub fn header(report: &Report, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let title = report.scorecard.heading();
    let _ = writeln!(out, "{}", p.paint(BOLD, fit(title, WIDTH).trim_end()));
    let _ = writeln!(
        out,
        "{}",
        fit(
            &format!(
                "{} · {} buckets in {} · cohort {}",
                report.scorecard.name,
                report.scorecard.grain,
                report.scorecard.timezone,
                report.cohort
            ),
            WIDTH
        )
        .trim_end()
    );
    for d in &report.data {
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                DIM,
                fit(
                    &format!("  {} ← {} ({})", d.source, d.path, d.format),
                    WIDTH
                )
                .trim_end()
            )
        );
    }
    out
}

/// The report as text; ANSI colours when `color`.
pub fn text(report: &Report, color: bool) -> String {
    let mut out = header(report, color);
    out.push_str(&body(report, color));
    out
}

/// Everything after [`header`]: the range, integrity, journeys, alerts.
pub fn body(report: &Report, color: bool) -> String {
    let p = Paint { on: color };
    let mark = |level: Level| p.paint(style(level), &format!("{:<7}", marker(level)));
    let mut out = String::new();
    let range = match (report.buckets.first(), report.buckets.last()) {
        (Some(a), Some(b)) => format!("{} → {} ({} buckets)", day(a), day(b), report.buckets.len()),
        _ => "no buckets".to_string(),
    };
    let _ = writeln!(out, "\n{}\n", fit(&range, WIDTH).trim_end());
    let _ = writeln!(out, "{}", p.paint(BOLD, "Signal integrity"));
    if report.integrity.is_empty() {
        let _ = writeln!(out, "  no integrity checks declared");
    }
    for row in &report.integrity {
        let v = status_value(report, row);
        let _ = writeln!(
            out,
            "  {} {} {} {} {} {}",
            mark(row.status),
            fit(row.source.as_deref().unwrap_or(""), 22),
            fit(&row.rule, 11),
            fit_right(&v, 12),
            fit(row.bound.as_deref().unwrap_or(""), 22),
            day(&row.bucket)
        );
    }

    for journey in &report.journeys {
        let owners = format!(
            "security: {} · product: {}",
            journey.security_owner.as_deref().unwrap_or("–"),
            journey.product_owner.as_deref().unwrap_or("–")
        );
        let _ = writeln!(
            out,
            "\n{} {}",
            p.paint(BOLD, &format!("{} ({} tier)", journey.name, journey.tier)),
            p.paint(
                DIM,
                fit(&owners, WIDTH.saturating_sub(journey.name.len() + 10)).trim_end()
            )
        );
        if journey.pairs.is_empty() {
            let _ = writeln!(out, "  no pairs");
        }
        for pair in &journey.pairs {
            let _ = writeln!(out, "  {}", p.paint(BOLD, &pair.name));
            for side in &pair.sides {
                side_line(&mut out, side, &mark, &p);
            }
            if let (Some(t), Some(rule)) = (&pair.tradeoff, &pair.tradeoff_rule) {
                let _ = writeln!(
                    out,
                    "    {} {} {}",
                    fit("trade-off", 10),
                    mark(t.status),
                    fit(rule, 70).trim_end()
                );
            }
        }
    }

    let alerts = &report.alerts;
    let _ = writeln!(
        out,
        "\n{}",
        p.paint(
            BOLD,
            &format!(
                "Alerts: {} critical, {} warn",
                report.summary.critical_alerts, report.summary.warn_alerts
            )
        )
    );
    if alerts.is_empty() {
        let _ = writeln!(out, "  none: no check breaches in its newest judged bucket");
    }
    for a in alerts {
        let what = check_name(a, "");
        let _ = writeln!(out, "  {} {}", mark(a.status), fit(&what, 90).trim_end());
        let detail = format!(
            "{} · {} · {} · {}{}",
            day(&a.bucket),
            a.cohort,
            status_value(report, a),
            a.bound.as_deref().unwrap_or(""),
            if a.rule == "tradeoff" {
                " (trade-off)"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "          {}", fit(&detail, 90).trim_end());
        let owner = format!(
            "→ {} must act: {}",
            a.acting_owner.as_deref().unwrap_or("nobody named"),
            a.action.as_deref().unwrap_or("no action declared")
        );
        for line in wrap(&owner, "          ", WIDTH) {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(out, "\n{}", p.paint(DIM, LEGEND));
    out
}

fn side_line(out: &mut String, side: &SideReport, mark: &dyn Fn(Level) -> String, p: &Paint) {
    let latest = side.latest.as_ref();
    let level = latest.map_or(Level::Insufficient, |l| l.status);
    let sample = latest
        .and_then(|l| l.sample)
        .map_or_else(|| "n=–".to_string(), |n| format!("n={}", thousands(n)));
    // Incomplete buckets are not drawn: a partial day reads as a drop.
    let values: Vec<Option<f64>> = side
        .series
        .iter()
        .filter(|s| s.status != Level::Incomplete)
        .map(|s| s.value)
        .collect();
    let tail = &values[values.len().saturating_sub(SPARK)..];
    let _ = writeln!(
        out,
        "    {} {} {} {} {} {} {}",
        fit(&side.side, 10),
        fit(&side.metric, 24),
        fit_right(&value(side, latest.and_then(|l| l.value)), 10),
        fit(&shown_bound(side), 19),
        mark(level),
        fit_right(&sample, 8),
        sparkline(tail)
    );
    if !side.worst_cohorts.is_empty() {
        let worst: Vec<String> = side
            .worst_cohorts
            .iter()
            .map(|c| format!("{} {} {}", c.cohort, value(side, c.value), marker(c.status)))
            .collect();
        let text = format!("worst cohorts: {}", worst.join(" · "));
        for line in wrap(&text, "               ", WIDTH) {
            let _ = writeln!(out, "{}", p.paint(DIM, &line));
        }
    }
}

/// A bucket's date (and hour, when not midnight).
fn day(bucket: &str) -> String {
    match bucket.strip_suffix(" 00:00:00") {
        Some(d) => d.to_string(),
        None => bucket.get(..16).unwrap_or(bucket).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_and_pads() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit_right("ab", 4), "  ab");
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let lines = wrap("one two three four five six", "  ", 12);
        assert!(lines.iter().all(|l| l.chars().count() <= 12), "{lines:?}");
        assert_eq!(lines.join(" ").split_whitespace().count(), 6);
    }
}

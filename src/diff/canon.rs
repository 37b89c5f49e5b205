//! Canonical text of model items: what a definition says with every span
//! left out, for comparing and for showing old and new values.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::{MetricKind, Sequence, Unit};
use crate::syntax::print_expr;

/// Removes every `span` (and `declared_at`) field, with its whole nested
/// value, from pretty debug output: two items that say the same thing in
/// different files or syntaxes print the same.
pub fn strip_spans(debug: &str) -> String {
    let mut out = String::new();
    let mut depth = 0i32;
    for line in debug.lines() {
        let trimmed = line.trim_start();
        if depth > 0 {
            depth += opens(trimmed) - closes(trimmed);
            continue;
        }
        if trimmed.starts_with("span: ") || trimmed.starts_with("declared_at: ") {
            depth = opens(trimmed) - closes(trimmed);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn opens(line: &str) -> i32 {
    i32::from(line.ends_with(['{', '(', '[']))
}

fn closes(line: &str) -> i32 {
    i32::from(line.starts_with(['}', ')', ']']))
}

/// The span-free text of an item: equal exactly when the items say the
/// same thing.
pub(super) fn fingerprint<T: std::fmt::Debug>(item: &T) -> String {
    strip_spans(&format!("{item:#?}"))
}

/// How alike two fingerprints are, from 0 to 1: the share of lines they
/// have in common (Dice's coefficient over the multiset of lines).
pub(super) fn similarity(a: &str, b: &str) -> f64 {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    let mut total = 0usize;
    for line in a.lines() {
        *counts.entry(line).or_default() += 1;
        total += 1;
    }
    let mut common = 0usize;
    for line in b.lines() {
        total += 1;
        if let Some(n) = counts.get_mut(line)
            && *n > 0
        {
            *n -= 1;
            common += 1;
        }
    }
    if total == 0 {
        1.0
    } else {
        (2 * common) as f64 / total as f64
    }
}

/// A metric's formula as scorecard text: `rate(a[x > 1] / b)`.
pub(super) fn kind(k: &MetricKind) -> String {
    let body = match k {
        MetricKind::Count(u) => unit(u),
        MetricKind::Sum { value, unit: u } => format!("[{value}] of {}", unit(u)),
        MetricKind::Rate {
            numerator,
            denominator,
        } => format!("{} / {}", unit(numerator), unit(denominator)),
        MetricKind::Conversion(s) => sequence(s),
        MetricKind::Duration {
            percentile,
            approximate,
            sequence: s,
        } => {
            let approx = if *approximate { "approx " } else { "" };
            format!("{approx}p{percentile} of {}", sequence(s))
        }
        MetricKind::Derived(a) => print_expr::arith(a),
    };
    format!("{}({body})", k.keyword())
}

/// The rows one side of a count, sum or rate counts, as scorecard text.
pub(super) fn unit(u: &Unit) -> String {
    let mut text = String::new();
    if let Some(k) = &u.distinct {
        let _ = write!(text, "distinct {k} of ");
    }
    text.push_str(&u.event);
    if let Some(f) = &u.filter {
        let _ = write!(text, "[{f}]");
    }
    if let Some(f) = &u.frequency {
        let _ = write!(
            text,
            " having count per {} {} {}",
            f.key,
            f.op.as_str(),
            f.count
        );
    }
    if let Some(f) = &u.followed_by {
        let _ = write!(text, " followed by {}", f.event);
        if let Some(d) = f.within {
            let _ = write!(text, " within {d}");
        }
        let _ = write!(text, " by {}", f.key);
    }
    text
}

/// `a -> b within 7d by user_id`.
pub(super) fn sequence(s: &Sequence) -> String {
    let mut text = format!("{} -> {}", s.from, s.to);
    if let Some(d) = s.within {
        let _ = write!(text, " within {d}");
    }
    let _ = write!(text, " by {}", s.key);
    text
}

/// A list as text: `a, b`, or `none`.
pub(super) fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_counts_shared_lines() {
        assert_eq!(similarity("a\nb\n", "a\nb\n"), 1.0);
        assert_eq!(similarity("a\nb\n", "c\nd\n"), 0.0);
        assert_eq!(similarity("a\nb\nc\nd\n", "a\nb\nc\ne\n"), 0.75);
    }

    #[test]
    fn strip_spans_drops_nested_values() {
        let text = "X {\n    name: \"a\",\n    span: Span {\n        file: 0,\n    },\n    good: High,\n}\n";
        assert_eq!(
            strip_spans(text),
            "X {\n    name: \"a\",\n    good: High,\n}\n"
        );
    }
}

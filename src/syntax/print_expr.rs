//! Canonical text of the expression language (formulas, thresholds,
//! trade-offs, durations, keys, SQL fragments), shared by the DSL and YAML
//! printers.
//!
//! Every function prints text that the grammar parses back to the same
//! tree: quantities keep the number as written, arithmetic gets only the
//! parentheses the tree needs.

use std::fmt::Write as _;

use pest::Parser as _;

use super::ast::*;
use super::grammar::{Rule, ScorecParser};
use crate::span::Spanned;

/// A formula in call form: `rate(login_success / login_attempt)`,
/// `sum([amount_cents / 100.0] of order_placed)`, `derived(1000 * a / b)`.
pub fn formula(f: &Formula) -> String {
    let (key, body) = formula_key_and_body(f);
    format!("{key}({body})")
}

/// A formula in YAML form: the key (`rate`) and its argument
/// (`login_success / login_attempt`).
pub fn formula_key_and_body(f: &Formula) -> (&'static str, String) {
    let body = match f {
        Formula::Count(u) => unit(u),
        Formula::Sum { value, unit: u } => format!("{} of {}", sum_value(value), unit(u)),
        Formula::Rate {
            numerator,
            denominator,
        } => format!("{} / {}", unit(numerator), unit(denominator)),
        Formula::Conversion(s) => sequence(s),
        Formula::Duration {
            percentile,
            approximate,
            sequence: s,
        } => {
            let approx = if *approximate { "approx " } else { "" };
            format!("{approx}p{} of {}", percentile.node, sequence(s))
        }
        Formula::Derived(a) => arith(a),
    };
    (f.keyword(), body)
}

/// A threshold: `> 2% for 3 windows`, `< 0.1% or > 5%`, `drops 20% vs 28d`.
pub fn threshold(t: &Threshold) -> String {
    let mut text = bound(&t.bound);
    if let Some(n) = &t.windows {
        let word = if n.node == 1 { "window" } else { "windows" };
        let _ = write!(text, " for {} {word}", n.node);
    }
    text
}

/// A trade-off rule: `experience worsens 3pp while security improves vs 28d`.
pub fn tradeoff(t: &Tradeoff) -> String {
    let mut text = format!(
        "{} worsens {} while {} improves vs {}",
        side(t.degrading.node),
        quantity(&t.amount),
        side(t.improving.node),
        duration(t.baseline.node),
    );
    if let Some(severity) = &t.severity {
        let _ = write!(text, " severity {}", severity.node);
    }
    text
}

/// A number with its unit as written (`95%`, `2pp`, `0.5`); a duration in
/// its largest whole unit (`30m`).
pub fn quantity(q: &Quantity) -> String {
    match q.unit {
        QuantityUnit::Plain => q.number.clone(),
        QuantityUnit::Percent => format!("{}%", q.number),
        QuantityUnit::Points => format!("{}pp", q.number),
        QuantityUnit::Seconds => match q.number.parse() {
            Ok(seconds) => duration(Duration::from_seconds(seconds)),
            Err(_) => format!("{}s", q.number),
        },
    }
}

/// A duration in the unit it was written in (`90s`, `30m`, `24h`, `2w`).
pub fn duration(d: Duration) -> String {
    d.to_string()
}

/// A SQL fragment in brackets (`[risk_score > 0.8]`), or as a quoted DSL
/// string when brackets would not read back the same text (unbalanced
/// brackets or quotes).
pub fn sql_bracket(s: &SqlText) -> String {
    let bracketed = format!("[{}]", s.text);
    if whole_match(Rule::sql_bracket, &bracketed) {
        bracketed
    } else {
        string(&s.text)
    }
}

/// A relating key: `entity`, `session` or the column.
pub fn key(k: &Key) -> String {
    k.to_string()
}

/// A quoted DSL string, escaped so that it parses back to `text`.
pub(super) fn string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Whether `text` is exactly one match of `rule`.
pub(super) fn whole_match(rule: Rule, text: &str) -> bool {
    ScorecParser::parse(rule, text)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|pair| pair.as_span().end() == text.len())
}

fn unit(u: &Unit) -> String {
    let mut text = String::new();
    if let Some(k) = &u.distinct {
        let _ = write!(text, "distinct {} of ", key(&k.node));
    }
    text.push_str(&u.event.node);
    if let Some(filter) = &u.filter {
        text.push_str(&sql_bracket(filter));
    }
    if let Some(f) = &u.frequency {
        let _ = write!(
            text,
            " having count per {} {} {}",
            key(&f.key.node),
            f.op.as_str(),
            f.count.node
        );
    }
    if let Some(f) = &u.followed_by {
        let _ = write!(text, " followed by {}", f.event.node);
        window_and_key(&mut text, f.within.as_ref(), f.by.as_ref());
    }
    text
}

/// The summed value: a bare column when it is one, else a SQL fragment.
fn sum_value(value: &SqlText) -> String {
    if whole_match(Rule::ident, &value.text) {
        value.text.clone()
    } else {
        sql_bracket(value)
    }
}

fn sequence(s: &Sequence) -> String {
    let mut text = format!("{} -> {}", s.from.node, s.to.node);
    window_and_key(&mut text, s.within.as_ref(), s.by.as_ref());
    text
}

fn window_and_key(
    text: &mut String,
    within: Option<&Spanned<Duration>>,
    by: Option<&Spanned<Key>>,
) {
    if let Some(d) = within {
        let _ = write!(text, " within {}", duration(d.node));
    }
    if let Some(k) = by {
        let _ = write!(text, " by {}", key(&k.node));
    }
}

fn bound(b: &Bound) -> String {
    match b {
        Bound::Absolute { op, value } => format!("{} {}", op.as_str(), quantity(value)),
        Bound::Outside {
            low,
            high,
            low_inclusive,
            high_inclusive,
        } => format!(
            "{} {} or {} {}",
            if *low_inclusive { "<=" } else { "<" },
            quantity(low),
            if *high_inclusive { ">=" } else { ">" },
            quantity(high),
        ),
        Bound::Relative {
            direction,
            amount,
            baseline,
            baseline_min_sample,
        } => {
            let word = match direction {
                Direction::Drops => "drops",
                Direction::Rises => "rises",
            };
            let mut text = format!("{word} {} vs {}", quantity(amount), duration(baseline.node));
            if let Some(n) = baseline_min_sample {
                let _ = write!(text, " baseline_min_sample {}", n.node);
            }
            text
        }
    }
}

fn side(s: SideName) -> &'static str {
    match s {
        SideName::Security => "security",
        SideName::Experience => "experience",
    }
}

/// Arithmetic with the fewest parentheses that keep the tree: `+ -` bind
/// looser than `* /`, both associate left, and unary minus binds tightest.
pub fn arith(a: &Arith) -> String {
    match a {
        Arith::Number(n) => n.node.clone(),
        Arith::Metric(m) => m.node.clone(),
        Arith::Neg(inner) => match **inner {
            Arith::Binary(..) => format!("-({})", arith(inner)),
            _ => format!("-{}", arith(inner)),
        },
        Arith::Binary(left, op, right) => {
            let level = precedence(*op);
            let left = match **left {
                Arith::Binary(_, inner, _) if precedence(inner) < level => {
                    format!("({})", arith(left))
                }
                _ => arith(left),
            };
            let right = match **right {
                Arith::Binary(_, inner, _) if precedence(inner) <= level => {
                    format!("({})", arith(right))
                }
                _ => arith(right),
            };
            let op = match op {
                ArithOp::Add => "+",
                ArithOp::Sub => "-",
                ArithOp::Mul => "*",
                ArithOp::Div => "/",
            };
            format!("{left} {op} {right}")
        }
    }
}

fn precedence(op: ArithOp) -> u8 {
    match op {
        ArithOp::Add | ArithOp::Sub => 1,
        ArithOp::Mul | ArithOp::Div => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};
    use crate::syntax::expr::{self, Entry, Origin};

    fn origin(text: &str) -> Origin {
        Origin::direct(FileId(0), 0, text.len())
    }

    fn reprint(text: &str) -> String {
        let parsed = expr::parse_formula(Entry::Formula, text, &origin(text));
        formula(&parsed.unwrap_or_else(|d| panic!("{text}: {}", d.message)))
    }

    #[test]
    fn formulas_print_in_call_form() {
        for text in [
            "count(login_attempt)",
            "count(distinct entity of mfa_enrolled)",
            "count(distinct device_id of login_success[risk_score > 0.8])",
            "count(reset_request having count per entity > 3)",
            "count(reset_request having count per session >= 3 followed by reset_done within 1h by session)",
            "sum(amount of fraud_case)",
            "sum([amount_cents / 100.0] of order_placed)",
            "rate(login_success / login_attempt)",
            "rate(login_attempt[risk_score > 0.8 and note <> ']'] / login_attempt)",
            "rate(distinct session of a followed by b within 10m / distinct session of a)",
            "conversion(a -> b within 7d)",
            "conversion(a -> b by order_id)",
            "duration(p95 of a -> b within 12h by session)",
            "duration(approx p99.9 of a -> b)",
            "derived(1000 * a / b)",
        ] {
            assert_eq!(reprint(text), text);
        }
    }

    #[test]
    fn formulas_print_canonically() {
        for (text, canonical) in [
            ("count( a )", "count(a)"),
            ("sum([amount] of a)", "sum(amount of a)"),
            (
                "conversion(a->b within 168h)",
                "conversion(a -> b within 168h)",
            ),
            (
                "conversion(a -> b within 2w)",
                "conversion(a -> b within 2w)",
            ),
            (
                "duration(p050 of a -> b within 90s)",
                "duration(p50 of a -> b within 90s)",
            ),
            (
                "duration(p95 of a -> b within 24h)",
                "duration(p95 of a -> b within 24h)",
            ),
            (
                "count(a followed by b having count per entity > 1)",
                "count(a having count per entity > 1 followed by b)",
            ),
        ] {
            assert_eq!(reprint(text), canonical);
        }
    }

    #[test]
    fn derived_arithmetic_keeps_only_needed_parentheses() {
        for (text, canonical) in [
            ("derived(((a)))", "derived(a)"),
            ("derived(a + (b * c))", "derived(a + b * c)"),
            ("derived((a + b) * c)", "derived((a + b) * c)"),
            ("derived((a - b) - c)", "derived(a - b - c)"),
            ("derived(a - (b - c))", "derived(a - (b - c))"),
            ("derived(a / (b * c))", "derived(a / (b * c))"),
            ("derived((a * b) / c)", "derived(a * b / c)"),
            ("derived(-(a * b))", "derived(-(a * b))"),
            ("derived(-a * b)", "derived(-a * b)"),
            ("derived(- -a - -2.50)", "derived(--a - -2.50)"),
            ("derived(-(a))", "derived(-a)"),
        ] {
            assert_eq!(reprint(text), canonical, "{text}");
            assert_eq!(reprint(canonical), canonical, "{canonical}");
        }
    }

    #[test]
    fn yaml_form_splits_key_and_body() {
        let text = "sum([amount_cents / 100.0] of order_placed)";
        let parsed = expr::parse_formula(Entry::Formula, text, &origin(text)).expect("parses");
        assert_eq!(
            formula_key_and_body(&parsed),
            ("sum", "[amount_cents / 100.0] of order_placed".to_string())
        );
        let body = "login_success / login_attempt";
        let parsed = expr::parse_formula(Entry::Rate, body, &origin(body)).expect("parses");
        assert_eq!(formula_key_and_body(&parsed), ("rate", body.to_string()));
    }

    #[test]
    fn thresholds_print_as_written() {
        for (text, canonical) in [
            ("> 2%", "> 2%"),
            ("> 2% for 3 windows", "> 2% for 3 windows"),
            ("> 2% for 1 windows", "> 2% for 1 window"),
            ("< 0.1% or > 5%", "< 0.1% or > 5%"),
            (">= 5% or <= 0.1%", "<= 0.1% or >= 5%"),
            ("drops 20% vs 28d", "drops 20% vs 28d"),
            ("drops 20% vs 4w", "drops 20% vs 4w"),
            (
                "rises 2pp vs 1w baseline_min_sample 500 for 2 windows",
                "rises 2pp vs 1w baseline_min_sample 500 for 2 windows",
            ),
            ("> 30m", "> 30m"),
            ("> 7200s", "> 2h"),
            ("<= 0.950", "<= 0.950"),
        ] {
            let t = expr::parse_threshold(text, &origin(text)).expect("parses");
            assert_eq!(threshold(&t), canonical);
        }
    }

    #[test]
    fn tradeoffs_print_as_written() {
        for text in [
            "experience worsens 3pp while security improves vs 28d",
            "security worsens 10% while experience improves vs 14d severity critical",
        ] {
            let t = expr::parse_tradeoff(text, &origin(text)).expect("parses");
            assert_eq!(tradeoff(&t), text);
        }
    }

    #[test]
    fn sql_falls_back_to_a_string_when_brackets_would_not_read_back() {
        let sql = |text: &str| SqlText {
            text: text.to_string(),
            span: Span::default(),
            offsets: Vec::new(),
        };
        assert_eq!(sql_bracket(&sql("a = 'x]'")), "[a = 'x]']");
        assert_eq!(sql_bracket(&sql("a[1] > 2")), "[a[1] > 2]");
        assert_eq!(sql_bracket(&sql("a] or [b")), "\"a] or [b\"");
        assert_eq!(
            sql_bracket(&sql("it's \"x\\y\"")),
            "\"it's \\\"x\\\\y\\\"\""
        );
        assert_eq!(key(&Key::Column("order_id".into())), "order_id");
        assert_eq!(duration(Duration::days(14)), "14d");
    }
}

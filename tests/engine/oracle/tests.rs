//! Tests of the oracle itself: hand-written rows in `tests/fixtures/engine/`
//! with answers computed by hand (the arithmetic is in the comments).

use std::path::Path;

use jiff::civil::DateTime;
use sqlparser::ast::Expr;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use super::eval::{Value, decimal_text, eval, holds, parse_decimal};
use super::metric::percentile_cont;
use super::{Num, Range, Row, Tables, expected, try_expected};

fn dt(text: &str) -> DateTime {
    text.parse().unwrap()
}

/// Runs the oracle on a fixture folder over `[start, end)` (local days).
fn run(name: &str, start: &str, end: &str, as_of: Option<&str>) -> Vec<Row> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/engine")
        .join(name);
    let (loaded, checked) = crate::support::check(&dir);
    let Some(model) = &checked.model else {
        panic!("{}", crate::support::rendered(&loaded, &checked));
    };
    let tables = Tables::load(model, &dir).unwrap();
    let range = Range {
        start: dt(&format!("{start}T00:00")),
        end: dt(&format!("{end}T00:00")),
        as_of: as_of.map(|t| t.parse().unwrap()),
    };
    let rows = try_expected(model, &tables, &range).unwrap();
    assert_eq!(rows, expected(model, &tables, range));
    rows
}

/// The one row of a metric, local day and cohort; `dims` in cohort order
/// (none for the overall row).
fn row<'r>(rows: &'r [Row], metric: &str, day: &str, dims: &[(&str, Option<&str>)]) -> &'r Row {
    let grouping = if dims.is_empty() {
        "overall".to_string()
    } else {
        dims.iter().map(|(d, _)| *d).collect::<Vec<_>>().join(",")
    };
    let found: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r.metric == metric
                && r.bucket == dt(&format!("{day}T00:00"))
                && r.grouping == grouping
                && dims.iter().all(|(d, v)| r.dims[*d].as_deref() == *v)
        })
        .collect();
    assert_eq!(found.len(), 1, "{metric} {day} {dims:?}: {found:#?}");
    found[0]
}

fn has(rows: &[Row], metric: &str, day: &str, dims: &[(&str, Option<&str>)]) -> bool {
    rows.iter().any(|r| {
        r.metric == metric
            && r.bucket == dt(&format!("{day}T00:00"))
            && dims.iter().all(|(d, v)| r.dims[*d].as_deref() == *v)
            && r.grouping != "overall"
    })
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// Checks value, numerator (as a number), denominator and sample.
#[track_caller]
fn assert_row(r: &Row, value: Option<f64>, num: Option<f64>, den: Option<f64>, sample: i64) {
    let n = match &r.numerator {
        Some(Num::Float(f)) => Some(*f),
        Some(Num::Decimal(d)) => Some(d.parse().unwrap()),
        None => None,
    };
    assert!(
        close(r.value, value)
            && close(n, num)
            && close(r.denominator, den)
            && r.sample == Some(sample),
        "expected value {value:?} num {num:?} den {den:?} sample {sample}, got {r:#?}"
    );
}

const MOBILE_EU: &[(&str, Option<&str>)] =
    &[("device_type", Some("mobile")), ("region", Some("eu"))];
const DESKTOP_EU: &[(&str, Option<&str>)] =
    &[("device_type", Some("desktop")), ("region", Some("eu"))];
const DESKTOP_NULL: &[(&str, Option<&str>)] = &[("device_type", Some("desktop")), ("region", None)];
const TABLET_APAC: &[(&str, Option<&str>)] =
    &[("device_type", Some("tablet")), ("region", Some("apac"))];
const WATCH_LATAM: &[(&str, Option<&str>)] =
    &[("device_type", Some("watch")), ("region", Some("latam"))];

#[test]
fn counts_dedupe_and_null_cohorts() {
    let rows = run("counts", "2026-03-01", "2026-03-03", None);
    let d1 = "2026-03-01";
    // Day 1 attempts: e1, e2 (the copy ingested first: desktop), e3, e5 (its
    // copy before the look-back is ignored); e4's in-range copy is a
    // duplicate of a row just before the range.
    assert_row(
        row(&rows, "attempts", d1, &[]),
        Some(4.0),
        Some(4.0),
        None,
        4,
    );
    assert_eq!(row(&rows, "attempts", d1, &[]).denominator, None);
    assert_row(
        row(&rows, "attempts", d1, MOBILE_EU),
        Some(2.0),
        Some(2.0),
        None,
        2,
    );
    assert_row(
        row(&rows, "attempts", d1, DESKTOP_EU),
        Some(1.0),
        Some(1.0),
        None,
        1,
    );
    // A NULL region is its own cohort, in the full grouping and the rollup.
    assert_row(
        row(&rows, "attempts", d1, DESKTOP_NULL),
        Some(1.0),
        Some(1.0),
        None,
        1,
    );
    assert_row(
        row(&rows, "attempts", d1, &[("region", None)]),
        Some(1.0),
        Some(1.0),
        None,
        1,
    );
    assert_row(
        row(&rows, "attempts", d1, &[("device_type", Some("desktop"))]),
        Some(2.0),
        Some(2.0),
        None,
        2,
    );
    // Day 2: e6 and two rows without a dedupe key, both kept.
    assert_row(
        row(&rows, "attempts", "2026-03-02", &[]),
        Some(3.0),
        Some(3.0),
        None,
        3,
    );
    assert_row(row(&rows, "users", d1, &[]), Some(3.0), Some(3.0), None, 3);
    assert_row(
        row(&rows, "users", "2026-03-02", TABLET_APAC),
        Some(2.0),
        Some(2.0),
        None,
        2,
    );
    // Dense: 2 days x (overall + 4 cohorts + 3 devices + 3 regions); the
    // logout row (tv, na) is no event, so no cohort.
    assert_eq!(rows.iter().filter(|r| r.metric == "attempts").count(), 22);
    assert!(!has(&rows, "attempts", d1, &[("device_type", Some("tv"))]));
    assert_row(
        row(&rows, "attempts", "2026-03-02", MOBILE_EU),
        Some(0.0),
        Some(0.0),
        None,
        0,
    );
    let first = &rows[0];
    assert_eq!(
        (first.metric.as_str(), first.journey.as_str()),
        ("attempts", "login")
    );
    assert_eq!(
        (first.grouping.as_str(), first.bucket),
        ("overall", dt("2026-03-01T00:00"))
    );
    assert!(
        rows.iter()
            .all(|r| r.dims.keys().eq(["device_type", "region"]))
    );
}

#[test]
fn rates_zero_denominators_and_filters() {
    let rows = run("counts", "2026-03-01", "2026-03-03", None);
    let (d1, d2) = ("2026-03-01", "2026-03-02");
    assert_row(
        row(&rows, "success_rate", d1, &[]),
        Some(0.25),
        Some(1.0),
        Some(4.0),
        4,
    );
    assert_row(
        row(&rows, "success_rate", d1, MOBILE_EU),
        Some(0.5),
        Some(1.0),
        Some(2.0),
        2,
    );
    // 0/n is 0, 0/0 is NULL.
    assert_row(
        row(&rows, "success_rate", d1, DESKTOP_EU),
        Some(0.0),
        Some(0.0),
        Some(1.0),
        1,
    );
    assert_row(
        row(&rows, "success_rate", d2, MOBILE_EU),
        None,
        Some(0.0),
        Some(0.0),
        0,
    );
    // A NULL risk score never satisfies the filter but stays in the denominator.
    assert_row(
        row(&rows, "risky_rate", d1, DESKTOP_NULL),
        Some(0.0),
        Some(0.0),
        Some(1.0),
        1,
    );
    assert_row(
        row(&rows, "risky_rate", d1, &[]),
        Some(0.5),
        Some(2.0),
        Some(4.0),
        4,
    );
    assert_row(
        row(&rows, "risky_rate", d2, &[]),
        Some(2.0 / 3.0),
        Some(2.0),
        Some(3.0),
        3,
    );
    // Cross-source: tickets per attempt; a cohort only the tickets have.
    assert_row(
        row(&rows, "ticket_rate", d1, MOBILE_EU),
        Some(0.5),
        Some(1.0),
        Some(2.0),
        2,
    );
    assert_row(
        row(&rows, "ticket_rate", d2, WATCH_LATAM),
        None,
        Some(1.0),
        Some(0.0),
        0,
    );
    assert_row(
        row(&rows, "ticket_rate", d1, WATCH_LATAM),
        None,
        Some(0.0),
        Some(0.0),
        0,
    );
    assert_row(
        row(&rows, "ticket_rate", d2, &[]),
        Some(1.0 / 3.0),
        Some(1.0),
        Some(3.0),
        3,
    );
    assert!(!has(
        &rows,
        "ticket_rate",
        d1,
        &[("device_type", Some("web"))]
    ));
    // 2 x (overall + 5 cohorts + 4 devices + 4 regions).
    assert_eq!(
        rows.iter().filter(|r| r.metric == "ticket_rate").count(),
        28
    );
}

#[test]
fn incomplete_until_the_watermark() {
    // The newest auth row is 2026-03-02 09:00: day 1 ends before it.
    let rows = run("counts", "2026-03-01", "2026-03-03", None);
    assert!(!row(&rows, "attempts", "2026-03-01", &[]).incomplete);
    assert!(row(&rows, "attempts", "2026-03-02", &[]).incomplete);
    // An end exactly at --as-of is complete.
    let rows = run(
        "counts",
        "2026-03-01",
        "2026-03-03",
        Some("2026-03-03T00:00:00Z"),
    );
    assert!(rows.iter().all(|r| !r.incomplete));
    // The windows of sequences push completeness out: the newest row is
    // 2026-03-02 00:03, day 1 ends 00:00, + 10m or 1h is after it.
    let rows = run("sequences", "2026-03-01", "2026-03-02", None);
    assert!(!row(&rows, "abuse_rate", "2026-03-01", &[]).incomplete);
    for m in ["followed", "retried", "signup_conversion", "reset_p50"] {
        assert!(row(&rows, m, "2026-03-01", &[]).incomplete, "{m}");
    }
}

#[test]
fn frequency_counts_across_cohorts() {
    let rows = run("sequences", "2026-03-01", "2026-03-02", None);
    let d = "2026-03-01";
    // u1 asked 3 times (2 mobile, 1 desktop): > 2 only across cohorts. u2
    // asked twice; the three NULL-user requests never qualify.
    assert_row(
        row(&rows, "abuse_rate", d, &[]),
        Some(3.0 / 9.0),
        Some(3.0),
        Some(9.0),
        9,
    );
    let mobile = [("device_type", Some("mobile"))];
    let desktop = [("device_type", Some("desktop"))];
    assert_row(
        row(&rows, "abuse_rate", d, &mobile),
        Some(0.5),
        Some(2.0),
        Some(4.0),
        4,
    );
    assert_row(
        row(&rows, "abuse_rate", d, &desktop),
        Some(0.25),
        Some(1.0),
        Some(4.0),
        4,
    );
    assert_row(
        row(&rows, "abuse_rate", d, &[("device_type", Some("tablet"))]),
        Some(0.0),
        Some(0.0),
        Some(1.0),
        1,
    );
}

#[test]
fn followed_by_window_edges() {
    let rows = run("sequences", "2026-03-01", "2026-03-02", None);
    let d = "2026-03-01";
    // a1 (B exactly 10m later, other cohort), a4 (B at A's time), a5 (B
    // after the range end), a6 (shares a1's B), a7 (two B's, counts once).
    // a2's B is 1us too late; a3's B is before it.
    assert_row(
        row(&rows, "followed", d, &[]),
        Some(5.0),
        Some(5.0),
        None,
        5,
    );
    assert_row(
        row(&rows, "followed", d, &[("device_type", Some("mobile"))]),
        Some(4.0),
        Some(4.0),
        None,
        4,
    );
    assert_row(
        row(&rows, "followed", d, &[("device_type", Some("desktop"))]),
        Some(1.0),
        Some(1.0),
        None,
        1,
    );
    // An event never follows itself: only a1 is followed by another attempt (a6).
    assert_row(row(&rows, "retried", d, &[]), Some(1.0), Some(1.0), None, 1);
}

#[test]
fn conversion_counts_distinct_entities() {
    let rows = run("sequences", "2026-03-01", "2026-03-02", None);
    let d = "2026-03-01";
    // u1 reaches done 50m after c2 (desktop) but 80m after c1 (mobile); u2
    // never; u3's done is before its start; the NULL user is not counted.
    assert_row(
        row(
            &rows,
            "signup_conversion",
            d,
            &[("device_type", Some("mobile"))],
        ),
        Some(0.0),
        Some(0.0),
        Some(2.0),
        2,
    );
    assert_row(
        row(
            &rows,
            "signup_conversion",
            d,
            &[("device_type", Some("desktop"))],
        ),
        Some(0.5),
        Some(1.0),
        Some(2.0),
        2,
    );
    // Overall counts u1, u2, u3 once: 3, not 2 + 2.
    assert_row(
        row(&rows, "signup_conversion", d, &[]),
        Some(1.0 / 3.0),
        Some(1.0),
        Some(3.0),
        3,
    );
    assert_row(
        row(
            &rows,
            "signup_conversion",
            d,
            &[("device_type", Some("tablet"))],
        ),
        None,
        Some(0.0),
        Some(0.0),
        0,
    );
}

#[test]
fn duration_percentile_with_unmatched() {
    let rows = run("sequences", "2026-03-01", "2026-03-02", None);
    let d = "2026-03-01";
    // Matched: r1 30m, r2 20m, r3 10m (B in another cohort), r5 60m (edge);
    // r4 is 65m away, r6-r8 have no user, r9's B is before it.
    // p50 of [10, 20, 30, 60]: pos 1.5, 20 + 0.5 * 10 = 25.
    assert_row(
        row(&rows, "reset_p50", d, &[]),
        Some(25.0),
        Some(4.0),
        Some(9.0),
        4,
    );
    assert_row(
        row(&rows, "reset_p50", d, &[("device_type", Some("mobile"))]),
        Some(30.0),
        Some(3.0),
        Some(4.0),
        3,
    );
    assert_row(
        row(&rows, "reset_p50", d, &[("device_type", Some("desktop"))]),
        Some(10.0),
        Some(1.0),
        Some(4.0),
        1,
    );
    assert_row(
        row(&rows, "reset_p50", d, &[("device_type", Some("tablet"))]),
        None,
        Some(0.0),
        Some(1.0),
        0,
    );
    assert!(close(
        percentile_cont(&[1.0, 2.0, 3.0, 4.0], 0.95),
        Some(3.85)
    ));
    assert_eq!(percentile_cont(&[7.0], 0.95), Some(7.0));
    assert_eq!(percentile_cont(&[], 0.5), None);
}

#[test]
fn attribution_exact_sums_and_derived() {
    let rows = run(
        "attribution",
        "2026-03-10",
        "2026-03-12",
        Some("2026-03-12T00:00:00Z"),
    );
    let (d1, d2) = ("2026-03-10", "2026-03-11");
    let tablet_na = [("device_type", Some("tablet")), ("region", Some("na"))];
    let nulls = [("device_type", None), ("region", None)];
    let mobile_apac = [("device_type", Some("mobile")), ("region", Some("apac"))];
    let loss =
        |dims: &[(&str, Option<&str>)], day| row(&rows, "fraud_loss", day, dims).numerator.clone();
    // u1's cases take the 03-05 desktop sign-in (the 03-10 15:00 one is
    // after them); u2's sign-ins tie at 12:00 and the larger event_id (e4,
    // tablet) wins; u3's last sign-in is beyond 30d, u4 has none. f1's
    // second copy is a duplicate; f5's NULL loss is not summed.
    assert_eq!(loss(&[], d1), Some(Num::Decimal("157.35".into())));
    assert_eq!(loss(DESKTOP_EU, d1), Some(Num::Decimal("100.30".into())));
    assert_eq!(loss(&tablet_na, d1), Some(Num::Decimal("50.00".into())));
    assert_eq!(loss(&nulls, d1), Some(Num::Decimal("7.05".into())));
    assert_eq!(loss(&[], d2), Some(Num::Decimal("0.00".into())));
    assert_row(
        row(&rows, "fraud_loss", d1, &[]),
        Some(157.35),
        Some(157.35),
        None,
        4,
    );
    assert_row(
        row(&rows, "fraud_loss", d1, DESKTOP_EU),
        Some(100.3),
        Some(100.3),
        None,
        2,
    );
    assert_row(
        row(&rows, "fraud_loss", d2, &nulls),
        Some(0.0),
        Some(0.0),
        None,
        0,
    );
    assert!(!has(&rows, "fraud_loss", d1, &mobile_apac));
    assert_eq!(
        rows.iter().filter(|r| r.metric == "fraud_loss").count(),
        2 * 4
    );
    // Derived: per cohort from the inputs' values, the smallest sample; an
    // input without the cohort is empty (a count 0, a sum 0).
    let derived = |dims: &[(&str, Option<&str>)], day| row(&rows, "loss_per_order", day, dims);
    assert_eq!(derived(&[], d1).value, Some(157.35 / 3.0));
    assert_eq!(derived(&[], d1).sample, Some(3));
    assert_eq!(
        (
            derived(DESKTOP_EU, d1).value,
            derived(DESKTOP_EU, d1).sample
        ),
        (Some(100.3 / 2.0), Some(2))
    );
    assert_eq!(
        (
            derived(&tablet_na, d1).value,
            derived(&tablet_na, d1).sample
        ),
        (None, Some(0))
    );
    assert_eq!(
        (
            derived(&mobile_apac, d1).value,
            derived(&mobile_apac, d1).sample
        ),
        (Some(0.0), Some(0))
    );
    assert_eq!(
        (derived(&nulls, d1).value, derived(&nulls, d1).sample),
        (None, Some(0))
    );
    assert_eq!(
        (derived(&[], d2).value, derived(&[], d2).sample),
        (None, Some(0))
    );
    assert_eq!(
        (
            derived(&[], d1).numerator.clone(),
            derived(&[], d1).denominator
        ),
        (None, None)
    );
    let share = row(&rows, "loss_share", d1, &[]);
    assert!(close(share.value, Some(1.0 - 157.35 / 257.35)) && share.sample == Some(4));
    assert!(!has(&rows, "loss_share", d1, &mobile_apac));
    assert!(rows.iter().all(|r| !r.incomplete));
}

#[test]
fn day_buckets_across_dst_in_berlin() {
    let rows = run(
        "berlin",
        "2026-03-28",
        "2026-03-31",
        Some("2026-03-29T22:00:00Z"),
    );
    // 03-28: b (23:59 CET) and j's second copy (its first is before the
    // look-back, which starts at 2026-03-26 23:00 UTC); k's second copy is
    // a duplicate of one just inside it. 03-29 (23 hours): a (00:30 CET),
    // e (03:30 CEST), c (23:59 CEST). 03-30: d (00:00 CEST).
    let count = |day| row(&rows, "attempts", day, &[]).value;
    assert_eq!(count("2026-03-28"), Some(2.0));
    assert_eq!(count("2026-03-29"), Some(3.0));
    assert_eq!(count("2026-03-30"), Some(1.0));
    // --as-of is 03-30 00:00 local: 03-29 is complete, 03-30 is not.
    assert!(!row(&rows, "attempts", "2026-03-29", &[]).incomplete);
    assert!(row(&rows, "attempts", "2026-03-30", &[]).incomplete);
    let rows = run(
        "berlin",
        "2026-03-28",
        "2026-03-31",
        Some("2026-03-29T21:59:59Z"),
    );
    assert!(row(&rows, "attempts", "2026-03-29", &[]).incomplete);
}

fn expr(sql: &str) -> Expr {
    Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .unwrap()
        .parse_expr()
        .unwrap()
}

#[test]
fn evaluator_uses_three_valued_logic() {
    let row = |c: &str| -> Result<Value, String> {
        Ok(match c {
            "risk" => Value::Null,
            "name" => Value::Str("a".into()),
            "score" => Value::Float(0.9),
            _ => return Err(format!("no column {c}")),
        })
    };
    let h = |sql: &str| holds(Some(&expr(sql)), &row);
    assert_eq!(h("risk > 0.8"), Ok(false));
    assert_eq!(h("NOT (risk > 0.8)"), Ok(false));
    assert_eq!(eval(&expr("NOT (risk > 0.8)"), &row), Ok(Value::Null));
    assert_eq!(h("risk > 0.8 OR name = 'a'"), Ok(true));
    assert_eq!(
        eval(&expr("risk > 0.8 AND name = 'a'"), &row),
        Ok(Value::Null)
    );
    assert_eq!(h("risk > 0.8 AND name = 'b'"), Ok(false));
    assert_eq!(
        h("(risk IS NULL) AND score > 0.8 AND name <> 'b'"),
        Ok(true)
    );
    assert_eq!(h("risk IS NOT NULL"), Ok(false));
    assert!(h("name LIKE 'a%'").is_err());
    assert!(h("lower(name) = 'a'").is_err());
    assert!(h("missing = 1").is_err());
}

#[test]
fn csv_reader_and_decimals() {
    let text = "a,b,c\r\n1,,\"\"\n\"x,\"\"y\"\"\nz\",2,3";
    let parsed = super::csv::parse(text).unwrap();
    assert_eq!(
        parsed,
        vec![
            vec![Some("a".into()), Some("b".into()), Some("c".into())],
            vec![Some("1".into()), None, Some(String::new())],
            vec![
                Some("x,\"y\"\nz".into()),
                Some("2".into()),
                Some("3".into())
            ],
        ]
    );
    assert!(super::csv::parse("a\"b").is_err());
    assert!(super::csv::parse("\"open").is_err());
    assert_eq!(parse_decimal("-0.05", 2), Ok(-5));
    assert_eq!(parse_decimal("12.3", 2), Ok(1230));
    assert!(parse_decimal("1.234", 2).is_err());
    assert_eq!(decimal_text(-5, 2), "-0.05");
    assert_eq!(decimal_text(1230, 2), "12.30");
    assert_eq!(decimal_text(7, 0), "7");
    assert_eq!(
        super::csv::parse_timestamp("1970-01-01 00:00:01.000002"),
        Ok(1_000_002)
    );
}

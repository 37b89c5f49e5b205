//! Compares an engine's rows of the `scorecard` output shape with the
//! oracle's, value by value, and explains every difference.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{Num, Row};
use crate::support::engines::Rows;

/// One output row keyed for comparison.
type Key = (String, String, String, Vec<Option<String>>);

/// Relative tolerance for doubles (engines sum and divide in different
/// orders); exact values (counts, decimals) compare exactly.
const TOLERANCE: f64 = 1e-9;

fn text(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Null => None,
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.parse().ok(),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

fn boolean(v: &Json) -> Option<bool> {
    match v {
        Json::Bool(b) => Some(*b),
        Json::Number(n) => n.as_i64().map(|x| x != 0),
        Json::String(s) => match s.as_str() {
            "true" | "t" | "1" => Some(true),
            "false" | "f" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y || (x - y).abs() <= TOLERANCE * x.abs().max(y.abs()).max(1.0),
        _ => false,
    }
}

/// Normalises a bucket's text to `YYYY-MM-DD HH:MM:SS`.
fn bucket_text(v: &Json) -> String {
    let t = text(v).unwrap_or_default().replace('T', " ");
    let t = t.split('.').next().unwrap_or_default().to_string();
    if t.len() == 10 {
        format!("{t} 00:00:00")
    } else {
        t
    }
}

/// Checks that `actual` holds exactly the oracle's rows, with equal values.
pub(crate) fn compare(expected: &[Row], actual: &Rows, dims: &[String]) -> Result<(), String> {
    let col = |name: &str| {
        actual
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("no column `{name}` in {:?}", actual.columns))
    };
    let (metric, bucket, grouping) = (col("metric")?, col("bucket")?, col("grouping")?);
    let dim_cols = dims.iter().map(|d| col(d)).collect::<Result<Vec<_>, _>>()?;
    let (value, numerator, denominator, sample, incomplete) = (
        col("value")?,
        col("numerator")?,
        col("denominator")?,
        col("sample")?,
        col("incomplete")?,
    );
    let mut got: BTreeMap<Key, &Vec<Json>> = BTreeMap::new();
    for row in &actual.rows {
        let key = (
            text(&row[metric]).unwrap_or_default(),
            bucket_text(&row[bucket]),
            text(&row[grouping]).unwrap_or_default(),
            dim_cols.iter().map(|&i| text(&row[i])).collect(),
        );
        if got.insert(key.clone(), row).is_some() {
            return Err(format!("duplicate row {key:?}"));
        }
    }
    let mut problems = Vec::new();
    let mut seen = 0;
    for e in expected {
        let key = (
            e.metric.clone(),
            e.bucket.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            e.grouping.clone(),
            dims.iter()
                .map(|d| e.dims.get(d).cloned().flatten())
                .collect::<Vec<_>>(),
        );
        let Some(row) = got.get(&key) else {
            problems.push(format!("missing row {key:?}"));
            continue;
        };
        seen += 1;
        let expected_numerator = e.numerator.as_ref().map(|n| match n {
            Num::Float(f) => *f,
            Num::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        });
        let checks = [
            ("value", close(e.value, number(&row[value]))),
            (
                "numerator",
                close(expected_numerator, number(&row[numerator])),
            ),
            (
                "denominator",
                close(e.denominator, number(&row[denominator])),
            ),
            (
                "sample",
                close(e.sample.map(|s| s as f64), number(&row[sample])),
            ),
            (
                "incomplete",
                Some(e.incomplete) == boolean(&row[incomplete]),
            ),
        ];
        for (what, ok) in checks {
            if !ok {
                problems.push(format!(
                    "{key:?} {what}: expected value={:?} numerator={:?} denominator={:?} sample={:?} incomplete={}, got {:?}",
                    e.value, e.numerator, e.denominator, e.sample, e.incomplete, row
                ));
                break;
            }
        }
        // Decimal sums compare as exact text too.
        if let Some(Num::Decimal(want)) = &e.numerator
            && let Some(have) = text(&row[numerator])
            && !same_decimal(want, &have)
        {
            problems.push(format!(
                "{key:?} numerator: expected exactly {want}, got {have}"
            ));
        }
    }
    if seen < got.len() {
        let expected_keys: std::collections::BTreeSet<Key> = expected
            .iter()
            .map(|e| {
                (
                    e.metric.clone(),
                    e.bucket.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                    e.grouping.clone(),
                    dims.iter()
                        .map(|d| e.dims.get(d).cloned().flatten())
                        .collect(),
                )
            })
            .collect();
        for key in got.keys().filter(|k| !expected_keys.contains(*k)).take(10) {
            problems.push(format!("unexpected row {key:?}"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let total = problems.len();
    problems.truncate(25);
    Err(format!(
        "{total} differences ({} expected rows, {} rows returned):\n{}",
        expected.len(),
        actual.rows.len(),
        problems.join("\n")
    ))
}

/// Two decimal texts with the same value (`0.30` and `0.300000`).
fn same_decimal(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> String {
        let s = s.trim();
        if let Some((i, f)) = s.split_once('.') {
            let f = f.trim_end_matches('0');
            if f.is_empty() {
                i.to_string()
            } else {
                format!("{i}.{f}")
            }
        } else {
            s.to_string()
        }
    }
    norm(a) == norm(b)
}

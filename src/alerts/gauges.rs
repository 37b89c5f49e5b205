//! The gauges of the OpenMetrics exposition: a query over the `scorecard`
//! and `signal_integrity` views that gives every gauge of every bucket
//! (`gauges_sql`), and the exposition text of the newest judged bucket of
//! each series (`exposition`), which `scorec run --format openmetrics`
//! prints and the Prometheus rules read.
//!
//! | gauge | labels | value |
//! |---|---|---|
//! | `scorec_metric_value` | scorecard, journey, pair, side, metric, grouping, one per cohort dimension | the metric's value (fractions for rates, minutes for durations) |
//! | `scorec_metric_sample` | same | the sample min_sample is compared with |
//! | `scorec_metric_baseline` | same and window | the trailing baseline (pooled for rates) |
//! | `scorec_metric_baseline_sample` | same and window | the baseline's sample |
//! | `scorec_source_freshness_minutes` | scorecard, source | minutes from the source's newest row to the watermark |
//! | `scorec_source_rows` | scorecard, source | rows kept in the bucket |
//! | `scorec_source_rows_baseline`, `scorec_source_rows_baseline_sample` | scorecard, source, window | the average rows of the baseline's buckets, and their sum |
//! | `scorec_source_duplicate_ratio`, `scorec_source_received` | scorecard, source | the share of rows de-duplication removed, and the rows received |

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Options;
use super::cte::Writer;
use super::rules::Rule;
use crate::model::{Grain, Scorecard};
use crate::sql::{Dialect, RenderError};

/// The columns of the gauge query before the cohort dimensions.
pub const COLUMNS_BEFORE_DIMS: [&str; 10] = [
    "gauge",
    "scorecard",
    "journey",
    "pair",
    "side",
    "metric",
    "source",
    "window",
    "bucket",
    "grouping",
];

/// The columns after the cohort dimensions.
pub const COLUMNS_AFTER_DIMS: [&str; 2] = ["incomplete", "value"];

/// Every gauge's help text, in exposition order.
pub const GAUGES: [(&str, &str); 10] = [
    (
        "scorec_metric_value",
        "The metric's value in the newest judged bucket (fractions for rates, minutes for durations).",
    ),
    (
        "scorec_metric_sample",
        "The sample min_sample is compared with.",
    ),
    (
        "scorec_metric_baseline",
        "The trailing baseline before the bucket: pooled for rates, the average bucket otherwise.",
    ),
    (
        "scorec_metric_baseline_sample",
        "The sample of the trailing baseline.",
    ),
    (
        "scorec_source_freshness_minutes",
        "Minutes from the source's newest row to the newest row of all sources.",
    ),
    ("scorec_source_rows", "Rows kept after de-duplication."),
    (
        "scorec_source_rows_baseline",
        "Average rows kept per bucket over the trailing baseline.",
    ),
    (
        "scorec_source_rows_baseline_sample",
        "Rows kept over the trailing baseline.",
    ),
    (
        "scorec_source_duplicate_ratio",
        "The share of received rows that de-duplication removed.",
    ),
    ("scorec_source_received", "Rows received."),
];

/// The window label of a baseline of `n` buckets (`7d`, `168h`, `4w`, `1mo`).
pub fn window_label(n: u64, grain: Grain) -> String {
    let unit = match grain {
        Grain::Hour => "h",
        Grain::Day => "d",
        Grain::Week => "w",
        Grain::Month => "mo",
    };
    format!("{n}{unit}")
}

/// A plain `SELECT` of every gauge of every bucket, long format.
pub fn gauges_sql(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Result<String, RenderError> {
    crate::sql::check_identifiers(model, dialect, &options.schema)?;
    let mut w = Writer::new(model, dialect.sql(), &options.schema);
    w.judging = false;
    w.rows_and_checks();
    let checks = w.rules.checks.clone();
    for (i, check) in checks.iter().enumerate() {
        let windows = w.check_windows(i, check);
        let metric = |v: &str, s: &str| {
            vec![
                (v.to_string(), None, "value"),
                (s.to_string(), None, "sample"),
            ]
        };
        let mut gauges: Vec<(String, Option<u64>, &str)> = match check.rule {
            Rule::Threshold => metric("scorec_metric_value", "scorec_metric_sample"),
            Rule::Duplicates => metric("scorec_source_duplicate_ratio", "scorec_source_received"),
            Rule::Volume => vec![("scorec_source_rows".to_string(), None, "value")],
            Rule::Freshness => vec![("scorec_source_freshness_minutes".to_string(), None, "value")],
            Rule::Tradeoff => Vec::new(),
        };
        let stem = if check.rule == Rule::Threshold {
            "scorec_metric"
        } else {
            "scorec_source_rows"
        };
        for &n in &windows {
            gauges.push((format!("{stem}_baseline"), Some(n), "base"));
            gauges.push((format!("{stem}_baseline_sample"), Some(n), "bsample"));
        }
        for (gauge, n, column) in gauges {
            let column = match n {
                Some(n) => format!("{column}_{n}"),
                None => column.to_string(),
            };
            let window = n.map(|n| window_label(n, model.settings.grain));
            let mut columns = vec![
                format!("{} AS {}", w.lit(&gauge), w.id("gauge")),
                format!("{} AS {}", w.lit(&model.name), w.id("scorecard")),
                format!("{} AS {}", w.text_or_null(check.journey), w.id("journey")),
                format!("{} AS {}", w.text_or_null(check.pair), w.id("pair")),
                format!("{} AS {}", w.text_or_null(check.side), w.id("side")),
                format!(
                    "{} AS {}",
                    w.text_or_null(check.metric.map(|m| m.name.as_str())),
                    w.id("metric")
                ),
                format!("{} AS {}", w.text_or_null(check.source), w.id("source")),
                format!(
                    "{} AS {}",
                    w.text_or_null(window.as_deref()),
                    w.id("window")
                ),
                w.id("bucket"),
            ];
            columns.extend(w.cohort_columns());
            columns.push(w.id("incomplete"));
            columns.push(format!("{} AS {}", w.double(&w.id(&column)), w.id("value")));
            w.rows.push(format!(
                "SELECT {}\nFROM {}",
                columns.join(", "),
                w.id(&format!("check_{i}"))
            ));
        }
    }
    if w.rows.is_empty() {
        return Err(RenderError {
            message: format!(
                "scorecard `{}` has no pair and no integrity check",
                model.name
            ),
        });
    }
    let body = w.finish();
    crate::sql::render::finish(dialect, &body)
}

/// One gauge of one bucket, as the gauge query returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct GaugeRow {
    /// The gauge's name.
    pub gauge: String,
    /// Labels with a value, in column order (NULL columns left out).
    pub labels: Vec<(String, String)>,
    /// The bucket, as text that sorts in time order.
    pub bucket: String,
    /// Whether the bucket is incomplete.
    pub incomplete: bool,
    /// The value; `None` for NULL.
    pub value: Option<f64>,
}

/// The OpenMetrics text of the newest judged (complete) bucket of each
/// series; NULL values are left out, so a rule over them does not fire.
pub fn exposition(rows: &[GaugeRow]) -> String {
    // By gauge and labels: one series each.
    type Series<'r> = (&'r str, &'r [(String, String)]);
    let mut newest: BTreeMap<Series<'_>, &GaugeRow> = BTreeMap::new();
    for row in rows.iter().filter(|r| !r.incomplete) {
        let key = (row.gauge.as_str(), row.labels.as_slice());
        match newest.get(&key) {
            Some(have) if have.bucket >= row.bucket => {}
            _ => {
                newest.insert(key, row);
            }
        }
    }
    let mut out = String::new();
    for (gauge, help) in GAUGES {
        let series: Vec<&&GaugeRow> = newest
            .iter()
            .filter(|((g, _), _)| *g == gauge)
            .map(|(_, r)| r)
            .collect();
        if series.is_empty() {
            continue;
        }
        let _ = writeln!(out, "# TYPE {gauge} gauge\n# HELP {gauge} {help}");
        for row in series {
            let Some(value) = row.value else { continue };
            let labels: Vec<String> = row
                .labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = writeln!(out, "{gauge}{{{}}} {}", labels.join(","), number(value));
        }
    }
    out.push_str("# EOF\n");
    out
}

/// A label value escaped for the exposition.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A number in its shortest round-trip form.
pub fn number(value: f64) -> String {
    format!("{value}")
}

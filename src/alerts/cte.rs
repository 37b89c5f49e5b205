//! The status view's query: a chain of CTEs over the `scorecard` and
//! `signal_integrity` views. This file writes the rows and baselines of each
//! check; `judge.rs` judges them.
//!
//! | CTE | computes |
//! |---|---|
//! | `metric_rows` | the judged metrics' rows, with trailing baselines per window (pooled numerators and denominators, the sum and count of values, the sample), read from the whole history and without the current or incomplete buckets |
//! | `integrity_buckets`, `integrity_rows` | every bucket × every source, zeros where a source sent nothing; the newest bucket is incomplete |
//! | `check_<n>` | one pair side or integrity check: value, sample, min_sample (cohort overrides first) and its baselines |
//! | `check_<n>_hits` | per bound: 1 breached, 0 not, NULL when its baseline is too thin |
//! | `check_<n>_runs` | per sustained bound: breaching, judged buckets in the last N of the cohort |
//! | `check_<n>_levels` | the warn and critical hits, bounds and baselines of each row's level (its cohort override, else the side's) |
//! | `check_<n>_judged` | the status; the output row adds the bound that fired |
//! | `tradeoff_<n>`, `tradeoff_<n>_judged` | both sides of a pair side by side per bucket and cohort, and the trade-off's status |

use std::fmt::Write as _;

use super::rules::{Check, Levels, Rule, Rules, window_buckets};
use crate::model::Scorecard;
use crate::sql::dialect::SqlDialect;
use crate::sql::plan::{Plan, Selection};
use crate::syntax::ast::Bound;

/// Writes the status view's query.
pub(super) struct Writer<'m> {
    pub(super) model: &'m Scorecard,
    pub(super) d: &'static dyn SqlDialect,
    pub(super) schema: String,
    pub(super) dims: Vec<String>,
    pub(super) rules: Rules<'m>,
    pub(super) ctes: Vec<(String, String)>,
    pub(super) rows: Vec<String>,
    /// Whether checks are judged (the status view) or only computed (the
    /// gauges of the OpenMetrics exposition).
    pub(super) judging: bool,
}

impl<'m> Writer<'m> {
    pub(super) fn new(
        model: &'m Scorecard,
        d: &'static dyn SqlDialect,
        schema: &str,
    ) -> Writer<'m> {
        Writer {
            model,
            d,
            schema: schema.to_string(),
            dims: Plan::new(model, Selection::All).dims,
            rules: Rules::of(model),
            ctes: Vec::new(),
            rows: Vec::new(),
            judging: true,
        }
    }

    /// The status view's query.
    pub(super) fn query(mut self) -> String {
        self.rows_and_checks();
        let tradeoffs = self.rules.tradeoffs.clone();
        for (j, t) in tradeoffs.iter().enumerate() {
            self.tradeoff(j, t);
        }
        if self.rows.is_empty() {
            self.rows.push(self.empty_row());
        }
        self.finish()
    }

    /// The metric and integrity rows and every check's CTEs: judged ones
    /// for the status view, bare ones for the gauges.
    pub(super) fn rows_and_checks(&mut self) {
        let windows = self.metric_windows();
        let metrics: Vec<&str> = self
            .rules
            .checks
            .iter()
            .filter_map(|c| c.metric.map(|m| m.name.as_str()))
            .collect();
        if !metrics.is_empty() {
            self.metric_rows(&metrics, &windows);
        }
        if self.rules.checks.iter().any(|c| c.source.is_some()) {
            self.integrity_rows();
        }
        let checks = self.rules.checks.clone();
        for (i, check) in checks.iter().enumerate() {
            self.check(i, check);
        }
    }

    /// The CTEs and the `UNION ALL` of the rows.
    pub(super) fn finish(self) -> String {
        let select = self.rows.join("\nUNION ALL\n");
        if self.ctes.is_empty() {
            return select;
        }
        let ctes: Vec<String> = self
            .ctes
            .iter()
            .map(|(name, body)| format!("{} AS (\n{body}\n)", self.id(name)))
            .collect();
        format!("WITH\n{}\n{select}", ctes.join(",\n"))
    }

    pub(super) fn id(&self, name: &str) -> String {
        self.d.ident(name)
    }

    pub(super) fn lit(&self, text: &str) -> String {
        self.d.string(text)
    }

    pub(super) fn text_or_null(&self, text: Option<&str>) -> String {
        text.map_or_else(|| self.d.null_of(self.d.text()), |t| self.lit(t))
    }

    pub(super) fn double(&self, expr: &str) -> String {
        self.d.cast(expr, self.d.double())
    }

    pub(super) fn view(&self, name: &str) -> String {
        format!("{}.{}", self.id(&self.schema), self.id(name))
    }

    /// The grouping and dimension columns, quoted.
    pub(super) fn cohort_columns(&self) -> Vec<String> {
        std::iter::once("grouping")
            .chain(self.dims.iter().map(String::as_str))
            .map(|c| self.id(c))
            .collect()
    }

    /// Baseline windows (in buckets) of the pair sides: relative bounds
    /// and trade-offs.
    pub(super) fn metric_windows(&self) -> Vec<u64> {
        let grain = self.model.settings.grain;
        let mut out: Vec<u64> = Vec::new();
        let mut add = |seconds: u64| {
            let n = window_buckets(seconds, grain);
            if !out.contains(&n) {
                out.push(n);
            }
        };
        for check in self.rules.checks.iter().filter(|c| c.metric.is_some()) {
            for t in &check.thresholds {
                if let Bound::Relative { baseline, .. } = &t.bound {
                    add(baseline.node.seconds);
                }
            }
        }
        for t in &self.rules.tradeoffs {
            add(t.tradeoff.baseline.node.seconds);
        }
        out
    }

    /// `ROWS BETWEEN n PRECEDING AND 1 PRECEDING` of a cohort's buckets.
    pub(super) fn trailing(&self, aggregate: &str, partition: &[String], n: u64) -> String {
        let by = if partition.is_empty() {
            String::new()
        } else {
            format!("PARTITION BY {} ", partition.join(", "))
        };
        format!(
            "{aggregate} OVER ({by}ORDER BY {} ROWS BETWEEN {n} PRECEDING AND 1 PRECEDING)",
            self.id("bucket")
        )
    }

    /// An expression over complete buckets only (NULL for incomplete ones).
    pub(super) fn complete(&self, expr: &str) -> String {
        format!(
            "CASE WHEN {} = 1 THEN NULL ELSE {expr} END",
            self.id("incomplete")
        )
    }

    pub(super) fn metric_rows(&mut self, metrics: &[&str], windows: &[u64]) {
        let mut partition = vec![self.id("metric")];
        partition.extend(self.cohort_columns());
        let mut columns = vec![self.id("metric"), self.id("bucket")];
        columns.extend(self.cohort_columns());
        columns.push(format!(
            "{} AS {}",
            self.double(&self.id("value")),
            self.id("value")
        ));
        columns.push(format!(
            "{} AS {}",
            self.d.cast(&self.id("sample"), self.d.bigint()),
            self.id("sample")
        ));
        columns.push(format!(
            "CASE WHEN {} THEN 1 ELSE 0 END AS {}",
            self.id("incomplete"),
            self.id("incomplete")
        ));
        let incomplete_case = |inner: &str| {
            format!(
                "CASE WHEN {} THEN NULL ELSE {inner} END",
                self.id("incomplete")
            )
        };
        for &n in windows {
            for (name, aggregate, expr) in [
                ("num", "sum", self.double(&self.id("numerator"))),
                ("den", "sum", self.double(&self.id("denominator"))),
                ("vsum", "sum", self.id("value")),
                ("vcount", "count", self.id("value")),
                ("bsample", "sum", self.double(&self.id("sample"))),
            ] {
                let over = self.trailing(
                    &format!("{aggregate}({})", incomplete_case(&expr)),
                    &partition,
                    n,
                );
                columns.push(format!("{over} AS {}", self.id(&format!("{name}_{n}"))));
            }
        }
        let list: Vec<String> = metrics.iter().map(|m| self.lit(m)).collect();
        let body = format!(
            "SELECT {}\nFROM {}\nWHERE {} IN ({})",
            columns.join(", "),
            self.view("scorecard"),
            self.id("metric"),
            list.join(", ")
        );
        self.ctes.push(("metric_rows".to_string(), body));
    }

    pub(super) fn integrity_rows(&mut self) {
        let bucket = self.id("bucket");
        let buckets = format!(
            "SELECT DISTINCT {bucket}\nFROM (SELECT {bucket} FROM {} UNION ALL SELECT {bucket} FROM {}) AS {}",
            self.view("scorecard"),
            self.view("signal_integrity"),
            self.id("all_buckets")
        );
        self.ctes.push(("integrity_buckets".to_string(), buckets));
        let sources: Vec<String> = self
            .model
            .sources
            .keys()
            .map(|s| format!("SELECT {} AS {}", self.lit(s), self.id("source")))
            .collect();
        let col = |t: &str, c: &str| format!("{}.{}", self.id(t), self.id(c));
        let body = format!(
            "SELECT {}, {}, COALESCE({}, 0) AS {}, COALESCE({}, 0) AS {}, CASE WHEN {} >= (SELECT max({bucket}) FROM {}) THEN 1 ELSE 0 END AS {}\nFROM {} AS {} CROSS JOIN ({}) AS {}\nLEFT JOIN {} AS {} ON {} = {} AND {} = {}",
            col("s", "source"),
            col("b", "bucket"),
            col("i", "received"),
            self.id("received"),
            col("i", "kept"),
            self.id("kept"),
            col("b", "bucket"),
            self.id("integrity_buckets"),
            self.id("incomplete"),
            self.id("integrity_buckets"),
            self.id("b"),
            sources.join(" UNION ALL "),
            self.id("s"),
            self.view("signal_integrity"),
            self.id("i"),
            col("i", "source"),
            col("s", "source"),
            col("i", "bucket"),
            col("b", "bucket"),
        );
        self.ctes.push(("integrity_rows".to_string(), body));
    }

    /// The windows (in buckets) one check's baselines need.
    pub(super) fn check_windows(&self, i: usize, check: &Check<'_>) -> Vec<u64> {
        let grain = self.model.settings.grain;
        let mut out: Vec<u64> = Vec::new();
        let relative = check.thresholds.iter().filter_map(|t| match &t.bound {
            Bound::Relative { baseline, .. } => Some(baseline.node.seconds),
            _ => None,
        });
        let tradeoffs = self
            .rules
            .tradeoffs
            .iter()
            .filter(|t| t.degrading == i || t.improving == i)
            .map(|t| t.tradeoff.baseline.node.seconds);
        for seconds in relative.chain(tradeoffs) {
            let n = window_buckets(seconds, grain);
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// The min_sample of each row: the first matching override's, else the
    /// check's.
    pub(super) fn per_row(&self, check: &Check<'_>, pick: impl Fn(&Levels) -> String) -> String {
        if check.overrides.is_empty() {
            return pick(&check.levels);
        }
        let mut out = String::from("CASE");
        for o in &check.overrides {
            let _ = write!(
                out,
                " WHEN {} = {} THEN {}",
                self.id(&o.dimension),
                self.lit(&o.value),
                pick(&o.levels)
            );
        }
        let _ = write!(out, " ELSE {} END", pick(&check.levels));
        out
    }

    pub(super) fn check(&mut self, i: usize, check: &Check<'_>) {
        let name = format!("check_{i}");
        let windows = self.check_windows(i, check);
        let min_sample = self.per_row(check, |l| l.min_sample.to_string());
        let mut columns = vec![self.id("bucket")];
        let source = match (check.metric, check.source) {
            (Some(metric), _) => {
                columns.extend(self.cohort_columns());
                columns.push(self.id("value"));
                columns.push(self.id("sample"));
                columns.push(self.id("incomplete"));
                for &n in &windows {
                    let base = if check.pooled() {
                        format!(
                            "{} / NULLIF({}, 0)",
                            self.id(&format!("num_{n}")),
                            self.id(&format!("den_{n}"))
                        )
                    } else {
                        format!(
                            "{} / NULLIF({}, 0)",
                            self.id(&format!("vsum_{n}")),
                            self.id(&format!("vcount_{n}"))
                        )
                    };
                    columns.push(format!("{base} AS {}", self.id(&format!("base_{n}"))));
                    columns.push(self.id(&format!("bsample_{n}")));
                }
                format!(
                    "FROM {}\nWHERE {} = {}",
                    self.id("metric_rows"),
                    self.id("metric"),
                    self.lit(&metric.name)
                )
            }
            (None, Some(source)) => {
                columns.extend(self.overall_cohort());
                let (value, sample) = match check.rule {
                    Rule::Duplicates => (
                        format!(
                            "1 - {} / NULLIF({}, 0)",
                            self.double(&self.id("kept")),
                            self.double(&self.id("received"))
                        ),
                        self.id("received"),
                    ),
                    _ => (self.double(&self.id("kept")), self.id("kept")),
                };
                columns.push(format!("{value} AS {}", self.id("value")));
                columns.push(format!(
                    "{} AS {}",
                    self.d.cast(&sample, self.d.bigint()),
                    self.id("sample")
                ));
                columns.push(self.id("incomplete"));
                if check.rule == Rule::Freshness {
                    self.freshness(&name, source, &min_sample);
                    if self.judging {
                        self.judge(check, &name, &[]);
                    }
                    return;
                }
                for &n in &windows {
                    let kept = self.complete(&self.double(&self.id("kept")));
                    let sum = self.trailing(&format!("sum({kept})"), &[], n);
                    let count = self.trailing(&format!("count({kept})"), &[], n);
                    columns.push(format!(
                        "{sum} / NULLIF({count}, 0) AS {}",
                        self.id(&format!("base_{n}"))
                    ));
                    columns.push(format!("{sum} AS {}", self.id(&format!("bsample_{n}"))));
                }
                format!(
                    "FROM {}\nWHERE {} = {}",
                    self.id("integrity_rows"),
                    self.id("source"),
                    self.lit(source)
                )
            }
            (None, None) => return,
        };
        columns.push(format!("{min_sample} AS {}", self.id("min_sample")));
        self.ctes.push((
            name.clone(),
            format!("SELECT {}\n{source}", columns.join(", ")),
        ));
        if self.judging {
            self.judge(check, &name, &windows);
        }
    }

    /// The cohort columns of a source's rows: `overall`, no dimensions.
    pub(super) fn overall_cohort(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} AS {}",
            self.lit("overall"),
            self.id("grouping")
        )];
        for dim in &self.dims {
            out.push(format!(
                "{} AS {}",
                self.d.null_of(self.d.text()),
                self.id(dim)
            ));
        }
        out
    }

    /// A source's freshness: one row at the newest bucket.
    pub(super) fn freshness(&mut self, name: &str, source: &str, min_sample: &str) {
        let mut columns = vec![format!(
            "(SELECT max({}) FROM {}) AS {}",
            self.id("bucket"),
            self.id("integrity_buckets"),
            self.id("bucket")
        )];
        columns.extend(self.overall_cohort());
        columns.push(format!(
            "{} AS {}",
            self.double(&format!("max({})", self.id("freshness_minutes"))),
            self.id("value")
        ));
        columns.push(format!(
            "{} AS {}",
            self.d.null_of(self.d.bigint()),
            self.id("sample")
        ));
        columns.push(format!("0 AS {}", self.id("incomplete")));
        columns.push(format!("{min_sample} AS {}", self.id("min_sample")));
        let body = format!(
            "SELECT {}\nFROM {}\nWHERE {} = {}",
            columns.join(", "),
            self.view("signal_integrity"),
            self.id("source"),
            self.lit(source)
        );
        self.ctes.push((name.to_string(), body));
    }

    /// The columns every per-check CTE carries on.
    pub(super) fn carried(&self, windows: &[u64]) -> Vec<String> {
        let mut out = vec![self.id("bucket")];
        out.extend(self.cohort_columns());
        for c in ["value", "sample", "incomplete", "min_sample"] {
            out.push(self.id(c));
        }
        for n in windows {
            out.push(self.id(&format!("base_{n}")));
            out.push(self.id(&format!("bsample_{n}")));
        }
        out
    }
}

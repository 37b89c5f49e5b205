//! Metric values in the output shape, derived metrics, the final select
//! and the signal-integrity select.

use super::Renderer;
use crate::model::{Metric, MetricKind};
use crate::sql::plan::{Col, Counter, MetricPlan, ValuePlan, arith_metrics, grouping_label};
use crate::syntax::ast::{Arith, ArithOp};

/// The output columns after the cohort dimensions.
pub(crate) const MEASURES: [&str; 5] =
    ["value", "numerator", "denominator", "sample", "incomplete"];

impl Renderer<'_, '_> {
    /// `<metric>__values` for every derived metric, inputs first; counted
    /// metrics are written together in the long format (`values.rs`).
    pub(super) fn metric_values(&mut self) {
        let plans: Vec<&MetricPlan<'_>> = self.plan.metrics.values().collect();
        for plan in plans {
            if let ValuePlan::Derived(arith) = &plan.value {
                let body = self.derived(plan, arith);
                self.cte(&format!("{}__values", plan.metric.name), body);
            }
        }
    }

    /// The leading columns of a derived metric's values: metric, journey,
    /// bucket, grouping and each output dimension (NULL where the metric
    /// does not group by it).
    fn head(&self, metric: &Metric, alias: &str) -> Vec<String> {
        let mut out = vec![
            format!("{} AS {}", self.lit(&metric.name), self.id("metric")),
            format!("{} AS {}", self.lit(&metric.journey), self.id("journey")),
            self.col(alias, "sc_bucket"),
            self.col(alias, "sc_grouping"),
        ];
        for dim in &self.plan.dims {
            if metric.cohorts.contains(dim) {
                out.push(self.col(alias, dim));
            } else {
                out.push(format!("{} AS {}", self.null_text(), self.id(dim)));
            }
        }
        out
    }

    pub(super) fn groupings_filter(&self, plan: &MetricPlan<'_>, column: &str) -> String {
        let labels: Vec<String> = plan
            .groupings
            .iter()
            .map(|g| self.lit(&grouping_label(g)))
            .collect();
        format!("{column} IN ({})", labels.join(", "))
    }

    /// `watermark__<sources>`: one CTE per set of sources that metrics
    /// take their watermark from, as wall-clock time.
    pub(super) fn watermarks(&mut self) {
        let mut sets: Vec<Vec<String>> = Vec::new();
        for plan in self.plan.metrics.values() {
            if !sets.contains(&plan.sources) {
                sets.push(plan.sources.clone());
            }
        }
        for sources in sets {
            let newest = self.newest_union(sources.iter());
            let newest = if newest.is_empty() {
                self.d.null_of(self.d.local_timestamp())
            } else {
                format!(
                    "(SELECT max({}) FROM ({newest}) AS {})",
                    self.id("sc_newest"),
                    self.id("sources")
                )
            };
            let local = self.d.to_local(&newest, &self.zone);
            let local = match self.as_of() {
                Some(a) => format!("COALESCE({a}, {local})"),
                None => local,
            };
            let body = format!("SELECT {local} AS {}", self.id("sc_watermark"));
            self.cte(&watermark_name(&sources), body);
        }
    }

    /// `SELECT sc_newest FROM <source>__newest UNION ALL ...`.
    fn newest_union<'a>(&self, sources: impl Iterator<Item = &'a String>) -> String {
        sources
            .map(|s| {
                format!(
                    "SELECT {} FROM {}",
                    self.id("sc_newest"),
                    self.id(&format!("{s}__newest"))
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    }

    /// The watermark of a set of sources, wall-clock.
    pub(super) fn watermark(&self, sources: &[String]) -> String {
        format!(
            "(SELECT {} FROM {})",
            self.id("sc_watermark"),
            self.id(&watermark_name(sources))
        )
    }

    /// The rows a metric's counters come from: one stream's dense rows, or
    /// several streams' combined by bucket and cohort (aliased `r`; one
    /// stream's only with an `alias`). The flag says whether they hold only
    /// the metric's groupings already.
    pub(super) fn inputs(
        &self,
        plan: &MetricPlan<'_>,
        cols: &[&Col],
        alias: Option<&str>,
    ) -> (String, bool) {
        let stream = &cols[0].stream;
        if cols.iter().all(|c| &c.stream == stream) {
            let dense = self.id(&format!("{stream}__dense"));
            let only_its = self
                .plan
                .streams
                .get(stream)
                .is_some_and(|s| s.groupings.iter().all(|g| plan.groupings.contains(g)));
            let from = match alias {
                Some(a) => format!("{dense} AS {}", self.id(a)),
                None => dense,
            };
            return (from, only_its);
        }
        // A percentile interpolated with window functions has its own CTE;
        // it is combined by `max`, counters by `sum` (0 where a stream has
        // no row for a cohort).
        let is_percentile = |c: &Col| !self.plan.streams.contains_key(&c.stream);
        let metric = plan.metric;
        let keys: Vec<String> = ["sc_bucket", "sc_grouping"]
            .iter()
            .map(|c| self.id(c))
            .chain(metric.cohorts.iter().map(|c| self.id(c)))
            .collect();
        let keys = keys.join(", ");
        let branches: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let values: Vec<String> = cols
                    .iter()
                    .enumerate()
                    .map(|(j, other)| {
                        if i == j {
                            self.id(&other.column)
                        } else if is_percentile(other) {
                            format!(
                                "{} AS {}",
                                self.d.null_of(self.d.double()),
                                self.id(&other.column)
                            )
                        } else {
                            format!("0 AS {}", self.id(&other.column))
                        }
                    })
                    .collect();
                format!(
                    "SELECT {keys}, {} FROM {} WHERE {}",
                    values.join(", "),
                    self.id(&format!("{}__dense", col.stream)),
                    self.groupings_filter(plan, &self.id("sc_grouping"))
                )
            })
            .collect();
        let sums: Vec<String> = cols
            .iter()
            .map(|c| {
                let f = if is_percentile(c) { "max" } else { "sum" };
                format!("{f}({0}) AS {0}", self.id(&c.column))
            })
            .collect();
        let from = format!(
            "(SELECT {keys}, {}\nFROM ({}) AS {}\nGROUP BY {keys}) AS {}",
            sums.join(", "),
            branches.join("\nUNION ALL\n"),
            self.id("combined"),
            self.id("r")
        );
        (from, true)
    }

    /// Where a percentile's value is: its stream's dense rows, or its own
    /// CTE when the dialect interpolates with window functions.
    pub(super) fn percentile_col(&self, value: &Col) -> Col {
        let approximate = matches!(
            self.plan.streams[&value.stream].counters.get(&value.column),
            Some(Counter::Percentile {
                approximate: true,
                ..
            })
        );
        if approximate || self.d.percentile("x", 0.5).is_some() {
            value.clone()
        } else {
            Col {
                stream: format!("{}__{}", value.stream, value.column),
                column: value.column.clone(),
            }
        }
    }

    fn derived(&self, plan: &MetricPlan<'_>, arith: &Arith) -> String {
        let d = self.d;
        let mut inputs = Vec::new();
        arith_metrics(arith, &mut inputs);
        let metric = plan.metric;
        let keys: Vec<String> = ["sc_bucket", "sc_grouping"]
            .iter()
            .map(|c| self.id(c))
            .chain(self.plan.dims.iter().map(|c| self.id(c)))
            .collect();
        let keys = keys.join(", ");
        let mut pivot = Vec::new();
        // An input without a row for a cohort had nothing to count there:
        // counts and sums are 0, ratios and percentiles have no value, and
        // the sample is 0.
        for input in &inputs {
            let value = format!(
                "max(CASE WHEN {} = {} THEN {} END)",
                self.id("metric"),
                self.lit(input),
                self.id("value")
            );
            let counted =
                self.plan.model.metrics.get(*input).is_some_and(|m| {
                    matches!(m.kind, MetricKind::Count(_) | MetricKind::Sum { .. })
                });
            let value = if counted {
                format!("COALESCE({value}, 0)")
            } else {
                value
            };
            pivot.push(format!("{value} AS {}", self.id(input)));
        }
        pivot.push(format!(
            "CASE WHEN count(DISTINCT {}) = {} THEN min({}) ELSE 0 END AS {}",
            self.id("metric"),
            inputs.len(),
            self.id("sample"),
            self.id("sc_sample")
        ));
        let mut union = String::new();
        self.values_union(&mut union, &inputs, " UNION ALL ");
        let from = format!(
            "(SELECT {keys}, {}\nFROM ({union}) AS {}\nWHERE {}\nGROUP BY {keys}) AS {}",
            pivot.join(", "),
            self.id("inputs"),
            self.groupings_filter(plan, &self.id("sc_grouping")),
            self.id("r")
        );
        let mut select = self.head(metric, "r");
        select.push(format!(
            "{} AS {}",
            d.cast(&self.arith(arith), d.double()),
            self.id("value")
        ));
        select.push(format!(
            "{} AS {}",
            d.null_of(d.decimal()),
            self.id("numerator")
        ));
        select.push(format!(
            "{} AS {}",
            d.null_of(d.decimal()),
            self.id("denominator")
        ));
        select.push(format!(
            "{} AS {}",
            d.cast(&self.col("r", "sc_sample"), d.bigint()),
            self.id("sample")
        ));
        select.push(format!(
            "{} AS {}",
            self.incomplete(plan.window, &plan.sources, &self.col("r", "sc_bucket")),
            self.id("incomplete")
        ));
        format!("SELECT {}\nFROM {from}", select.join(",\n"))
    }

    /// Arithmetic over input values; division by zero is NULL.
    fn arith(&self, a: &Arith) -> String {
        let d = self.d;
        match a {
            Arith::Number(n) => {
                let value: f64 = n.node.parse().unwrap_or(0.0);
                d.cast(&crate::sql::dialect::number(value), d.double())
            }
            Arith::Metric(m) => d.cast(&self.col("r", &m.node), d.double()),
            Arith::Neg(inner) => format!("(-{})", self.arith(inner)),
            Arith::Binary(l, op, r) => {
                let (l, r) = (self.arith(l), self.arith(r));
                match op {
                    ArithOp::Add => format!("({l} + {r})"),
                    ArithOp::Sub => format!("({l} - {r})"),
                    ArithOp::Mul => format!("({l} * {r})"),
                    ArithOp::Div => format!("({l} / NULLIF({r}, 0))"),
                }
            }
        }
    }

    /// Writes the union, joined by `separator`, of selects in the output
    /// shape of the given metrics' rows: the long format of the counted
    /// ones, then each derived one's CTE.
    fn values_union<S: AsRef<str>>(&self, out: &mut String, metrics: &[S], separator: &str) {
        let plans: Vec<&MetricPlan<'_>> = metrics
            .iter()
            .filter_map(|m| self.plan.metrics.get(m.as_ref()))
            .collect();
        let mut first = !self.long_values(out, &plans);
        for plan in plans {
            if matches!(plan.value, ValuePlan::Derived(_)) {
                if !first {
                    out.push_str(separator);
                }
                first = false;
                out.push_str("SELECT * FROM ");
                out.push_str(&self.id(&format!("{}__values", plan.metric.name)));
            }
        }
    }

    /// The final select over the output metrics' values.
    pub(super) fn output_select(&self, outputs: &[String]) -> String {
        let mut columns = vec![
            self.id("metric"),
            self.id("journey"),
            format!("{} AS {}", self.id("sc_bucket"), self.id("bucket")),
            format!("{} AS {}", self.id("sc_grouping"), self.id("grouping")),
        ];
        columns.extend(self.plan.dims.iter().map(|d| self.id(d)));
        columns.extend(MEASURES.iter().map(|m| self.id(m)));
        let mut sql = format!("SELECT {}\nFROM (", columns.join(", "));
        self.values_union(&mut sql, outputs, "\nUNION ALL\n");
        sql.push_str(") AS ");
        sql.push_str(&self.id("metrics"));
        sql
    }

    /// The ad-hoc form's order: by metric, bucket, grouping and cohort.
    pub(super) fn order_by(&self) -> String {
        let mut keys = vec![self.id("metric"), self.id("bucket"), self.id("grouping")];
        keys.extend(self.plan.dims.iter().map(|d| self.id(d)));
        keys.join(", ")
    }

    /// Per source and bucket: rows received and kept, duplicate ratio,
    /// newest timestamp and minutes behind the watermark. Received rows
    /// come from `<source>__received` and kept rows from the
    /// de-duplicated rows the metrics read, so that beside the metrics
    /// (`run_query`) each source is read and ranked once.
    pub(super) fn integrity_select(&self) -> String {
        let d = self.d;
        let newest_all = self.newest_union(self.plan.sources.keys());
        let branches: Vec<String> = self
            .plan
            .sources
            .keys()
            .map(|source| self.integrity_counts(source))
            .collect();
        let watermark = format!(
            "(SELECT max({}) FROM ({newest_all}) AS {})",
            self.id("sc_newest"),
            self.id("sources")
        );
        let ratio = format!(
            "1 - {} / NULLIF({}, 0)",
            d.cast(&self.col("c", "kept"), d.double()),
            d.cast(&self.col("c", "received"), d.double())
        );
        let source_newest = self
            .plan
            .sources
            .keys()
            .map(|s| {
                format!(
                    "WHEN {} = {} THEN (SELECT {} FROM {})",
                    self.col("c", "source"),
                    self.lit(s),
                    self.id("sc_newest"),
                    self.id(&format!("{s}__newest"))
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        let newest = format!("CASE {source_newest} END");
        format!(
            "SELECT {}, {} AS {}, {}, {}, {ratio} AS {}, {newest} AS {}, {} AS {}\nFROM ({}) AS {}",
            self.col("c", "source"),
            self.col("c", "sc_bucket"),
            self.id("bucket"),
            self.col("c", "received"),
            self.col("c", "kept"),
            self.id("duplicate_ratio"),
            self.id("newest"),
            d.minutes_between(&newest, &watermark),
            self.id("freshness_minutes"),
            branches.join("\nUNION ALL\n"),
            self.id("c")
        )
    }

    /// One source's rows received and kept by bucket.
    fn integrity_counts(&self, source: &str) -> String {
        let bucket = self.id("sc_bucket");
        let in_range = self.in_range(&bucket);
        let kept = format!(
            "SELECT {bucket}, count(*) AS {}\nFROM {}\nWHERE {in_range}\nGROUP BY {bucket}",
            self.id("kept"),
            self.id(&format!("{source}__deduped")),
        );
        format!(
            "SELECT {} AS {}, {}, {}, COALESCE({}, 0) AS {}\nFROM {} AS {}\nLEFT JOIN ({kept}) AS {} ON {} = {}\nWHERE {}",
            self.lit(source),
            self.id("source"),
            self.col("r", "sc_bucket"),
            self.col("r", "received"),
            self.col("k", "kept"),
            self.id("kept"),
            self.id(&format!("{source}__received")),
            self.id("r"),
            self.id("k"),
            self.col("k", "sc_bucket"),
            self.col("r", "sc_bucket"),
            self.in_range(&self.col("r", "sc_bucket")),
        )
    }
}

/// The CTE name of a set of sources' watermark.
fn watermark_name(sources: &[String]) -> String {
    format!("watermark__{}", sources.join("__"))
}

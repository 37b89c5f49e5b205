//! Metric values in the output shape, for every counted (non-derived)
//! metric at once: the *long format*.
//!
//! Each metric is one compact `UNION ALL` branch that names only what
//! differs between metrics: its name and journey, a kind code, a
//! completeness class, the bucket, grouping and cohort columns, and its raw
//! counters. One select around the branches turns them into the output
//! shape: the casts, the ratio and `incomplete` are written once per
//! statement, chosen by the kind and class codes, instead of once per
//! metric (20,000 metrics would otherwise repeat them 20,000 times).
//!
//! | column | holds |
//! |---|---|
//! | `sc_kind` | which measures come from which counter ([`Kind`]) |
//! | `sc_class` | which window and watermark `incomplete` compares with |
//! | `sc_n`, `sc_d` | raw counters (`0` where the kind has none: an integer, so that every branch's counters unify to the dialect's count type) |
//! | `sc_v` | the value as a double, where it is not a count or ratio (sums, percentiles) |
//! | `sc_x` | the exact decimal numerator of a sum |
//!
//! Only the first branch names its columns and types its NULLs: a union
//! takes its names from the first branch, and PostgreSQL resolves the
//! types of a chain of unions pair by pair from the left.

use super::Renderer;
use super::metrics::MEASURES;
use crate::sql::dialect::Clock;
use crate::sql::plan::{Col, MetricPlan, ValuePlan};

/// Which counters a counted metric's measures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// value, numerator and sample are the count `sc_n`; no denominator.
    Count = 0,
    /// value `sc_n / sc_d`, numerator `sc_n`, denominator and sample `sc_d`.
    Ratio = 1,
    /// value `sc_v`, numerator and sample the matched A's `sc_n`,
    /// denominator all A's `sc_d`.
    Percentile = 2,
    /// value `sc_v`, numerator `sc_x` (the exact sum), sample the rows
    /// summed `sc_n`; no denominator.
    Sum = 3,
}

impl Kind {
    /// The kind of a metric's value; `None` for a derived one.
    fn of(value: &ValuePlan) -> Option<Kind> {
        match value {
            ValuePlan::Count(_) => Some(Kind::Count),
            ValuePlan::Ratio { .. } => Some(Kind::Ratio),
            ValuePlan::Percentile { .. } => Some(Kind::Percentile),
            ValuePlan::Sum { .. } => Some(Kind::Sum),
            ValuePlan::Derived(_) => None,
        }
    }
}

/// Text that the branches of one select repeat, quoted once.
struct Cache {
    /// `sc_bucket`, `sc_grouping` and the plan's dimensions, bare.
    bare: Vec<String>,
    /// Per stream: its dense CTE's name, quoted, and its groupings.
    dense: Vec<(String, String, Vec<Vec<String>>)>,
    /// Grouping filters on the bare `sc_grouping`, by groupings.
    filters: Vec<(Vec<Vec<String>>, String)>,
}

impl Cache {
    /// The filter to a metric's groupings.
    fn filter(&mut self, r: &Renderer<'_, '_>, plan: &MetricPlan<'_>) -> &str {
        let i = match self.filters.iter().position(|(g, _)| *g == plan.groupings) {
            Some(i) => i,
            None => {
                let sql = r.groupings_filter(plan, &self.bare[1]);
                self.filters.push((plan.groupings.clone(), sql));
                self.filters.len() - 1
            }
        };
        &self.filters[i].1
    }
}

/// The raw columns of one metric's branch.
struct Branch<'a> {
    cols: Vec<&'a Col>,
    n: String,
    d: Option<String>,
    v: Option<String>,
    x: Option<String>,
}

impl Renderer<'_, '_> {
    /// Writes a select in the output shape (`metric`, `journey`,
    /// `sc_bucket`, `sc_grouping`, the plan's dimensions, then
    /// [`MEASURES`]) of counted metrics to `out`; whether there were any.
    pub(super) fn long_values(&self, out: &mut String, plans: &[&MetricPlan<'_>]) -> bool {
        let plans: Vec<&MetricPlan<'_>> = plans
            .iter()
            .copied()
            .filter(|p| !matches!(p.value, ValuePlan::Derived(_)))
            .collect();
        if plans.is_empty() {
            return false;
        }
        // Kinds and classes first: the measures above the branches choose
        // by them.
        let mut classes: Vec<(u64, &[String])> = Vec::new();
        let mut class_of = Vec::with_capacity(plans.len());
        let mut kinds: Vec<Kind> = Vec::new();
        for plan in &plans {
            let class = (plan.window, &plan.sources[..]);
            class_of.push(match classes.iter().position(|c| *c == class) {
                Some(k) => k,
                None => {
                    classes.push(class);
                    classes.len() - 1
                }
            });
            if let Some(kind) = Kind::of(&plan.value)
                && !kinds.contains(&kind)
            {
                kinds.push(kind);
            }
        }
        kinds.sort_by_key(|k| *k as usize);
        let m = |c: &str| self.col("m", c);
        let mut select: Vec<String> = ["metric", "journey", "sc_bucket", "sc_grouping"]
            .iter()
            .map(|c| m(c))
            .chain(self.plan.dims.iter().map(|c| m(c)))
            .collect();
        let measures = [
            self.measure_value(&kinds),
            self.measure_numerator(&kinds),
            self.measure_denominator(&kinds),
            self.measure_sample(&kinds),
            self.measure_incomplete(&classes),
        ];
        for (expr, name) in measures.iter().zip(MEASURES) {
            select.push(format!("{expr} AS {}", self.id(name)));
        }
        out.push_str("SELECT ");
        out.push_str(&select.join(",\n"));
        out.push_str("\nFROM (");
        // About 200 bytes a branch.
        out.reserve(plans.len() * 256);
        let mut cache = Cache {
            bare: ["sc_bucket", "sc_grouping"]
                .iter()
                .map(|c| self.id(c))
                .chain(self.plan.dims.iter().map(|c| self.id(c)))
                .collect(),
            dense: Vec::new(),
            filters: Vec::new(),
        };
        for (i, (plan, class)) in plans.iter().zip(class_of).enumerate() {
            if i > 0 {
                out.push_str("\nUNION ALL\n");
            }
            self.branch(out, &mut cache, plan, class, i == 0);
        }
        out.push_str(") AS ");
        out.push_str(&self.id("m"));
        true
    }

    /// Writes one counted metric's branch to `out`.
    fn branch(
        &self,
        out: &mut String,
        cache: &mut Cache,
        plan: &MetricPlan<'_>,
        class: usize,
        first: bool,
    ) {
        let Some(kind) = Kind::of(&plan.value) else {
            return;
        };
        let d = self.d;
        // The first branch qualifies its columns: ClickHouse would read a
        // bare name that equals one of its aliases as the alias.
        let q = first.then_some("r");
        let c = |name: &str| q.map_or_else(|| self.id(name), |q| self.col(q, name));
        let percentile = match &plan.value {
            ValuePlan::Percentile { value, .. } => self.percentile_col(value),
            _ => Col {
                stream: String::new(),
                column: String::new(),
            },
        };
        let b = match &plan.value {
            ValuePlan::Count(col) => Branch {
                cols: vec![col],
                n: c(&col.column),
                d: None,
                v: None,
                x: None,
            },
            ValuePlan::Ratio {
                numerator,
                denominator,
            } => Branch {
                cols: vec![numerator, denominator],
                n: c(&numerator.column),
                d: Some(c(&denominator.column)),
                v: None,
                x: None,
            },
            ValuePlan::Percentile { matched, all, .. } => Branch {
                cols: vec![&percentile, matched, all],
                n: c(&matched.column),
                d: Some(c(&all.column)),
                v: Some(d.cast(&c(&percentile.column), d.double())),
                x: None,
            },
            ValuePlan::Sum { sum, rows } => Branch {
                cols: vec![sum, rows],
                n: c(&rows.column),
                d: None,
                v: Some(d.cast(&c(&sum.column), d.double())),
                x: Some(d.cast(&c(&sum.column), d.decimal())),
            },
            ValuePlan::Derived(_) => return,
        };
        let metric = plan.metric;
        let null = |ty: &str| {
            if first {
                d.null_of(ty)
            } else {
                "NULL".to_string()
            }
        };
        out.push_str("SELECT ");
        // Each column with its alias, written in the first branch only.
        let mut column = |sql: &str, alias: &str, leading: bool| {
            if !leading {
                out.push_str(", ");
            }
            out.push_str(sql);
            if first && !alias.is_empty() {
                out.push_str(" AS ");
                out.push_str(&self.id(alias));
            }
        };
        column(&self.lit(&metric.name), "metric", true);
        column(&self.lit(&metric.journey), "journey", false);
        column(&(kind as u8).to_string(), "sc_kind", false);
        column(&class.to_string(), "sc_class", false);
        if first {
            column(&c("sc_bucket"), "", false);
            column(&c("sc_grouping"), "", false);
        } else {
            column(&cache.bare[0], "", false);
            column(&cache.bare[1], "", false);
        }
        for (i, dim) in self.plan.dims.iter().enumerate() {
            if !metric.cohorts.contains(dim) {
                column(&null(d.text()), dim, false);
            } else if first {
                column(&c(dim), "", false);
            } else {
                column(&cache.bare[i + 2], "", false);
            }
        }
        column(&b.n, "sc_n", false);
        column(b.d.as_deref().unwrap_or("0"), "sc_d", false);
        column(&b.v.unwrap_or_else(|| null(d.double())), "sc_v", false);
        column(&b.x.unwrap_or_else(|| null(d.decimal())), "sc_x", false);
        out.push_str("\nFROM ");
        let filtered = self.inputs_to(out, cache, plan, &b.cols, q);
        // The rows of every grouping the metric does not have; none when
        // its input has only its groupings.
        if !filtered {
            out.push_str("\nWHERE ");
            if first {
                out.push_str(&self.groupings_filter(plan, &c("sc_grouping")));
            } else {
                out.push_str(cache.filter(self, plan));
            }
        }
    }

    /// Writes the rows a metric's counters come from (see `inputs`), with
    /// a one-stream input's name quoted once per select; whether they
    /// hold only the metric's groupings.
    fn inputs_to(
        &self,
        out: &mut String,
        cache: &mut Cache,
        plan: &MetricPlan<'_>,
        cols: &[&Col],
        alias: Option<&str>,
    ) -> bool {
        let stream = &cols[0].stream;
        if alias.is_some() || cols.iter().any(|c| &c.stream != stream) {
            let (from, filtered) = self.inputs(plan, cols, alias);
            out.push_str(&from);
            return filtered;
        }
        let i = match cache.dense.iter().position(|(s, _, _)| s == stream) {
            Some(i) => i,
            None => {
                let only_its = self
                    .plan
                    .streams
                    .get(stream)
                    .map(|s| s.groupings.clone())
                    .unwrap_or_default();
                cache.dense.push((
                    stream.clone(),
                    self.id(&format!("{stream}__dense")),
                    only_its,
                ));
                cache.dense.len() - 1
            }
        };
        let (_, dense, groupings) = &cache.dense[i];
        out.push_str(dense);
        groupings.iter().all(|g| plan.groupings.contains(g))
    }

    /// `value`: a double.
    fn measure_value(&self, kinds: &[Kind]) -> String {
        let d = self.d;
        let n = d.cast(&self.col("m", "sc_n"), d.double());
        let arm = |k: Kind| match k {
            Kind::Count => n.clone(),
            Kind::Ratio => format!(
                "{n} / NULLIF({}, 0)",
                d.cast(&self.col("m", "sc_d"), d.double())
            ),
            Kind::Percentile | Kind::Sum => self.col("m", "sc_v"),
        };
        self.by_kind(kinds, arm)
    }

    /// `numerator`: an exact decimal.
    fn measure_numerator(&self, kinds: &[Kind]) -> String {
        let d = self.d;
        let arm = |k: Kind| match k {
            Kind::Sum => self.col("m", "sc_x"),
            _ => d.cast(&self.col("m", "sc_n"), d.decimal()),
        };
        self.typed(self.by_kind(kinds, arm), d.decimal())
    }

    /// `denominator`: an exact decimal, NULL for counts and sums.
    fn measure_denominator(&self, kinds: &[Kind]) -> String {
        let d = self.d;
        let arm = |k: Kind| match k {
            Kind::Ratio | Kind::Percentile => d.cast(&self.col("m", "sc_d"), d.decimal()),
            Kind::Count | Kind::Sum => d.null_of(d.decimal()),
        };
        self.typed(self.by_kind(kinds, arm), d.decimal())
    }

    /// A `CASE` cast to its type: the arms have it, but an engine may drop
    /// a type's parameters (a decimal's scale) when it joins them.
    fn typed(&self, sql: String, ty: &str) -> String {
        if sql.starts_with("CASE ") {
            self.d.cast(&sql, ty)
        } else {
            sql
        }
    }

    /// `sample`: a bigint.
    fn measure_sample(&self, kinds: &[Kind]) -> String {
        let d = self.d;
        let arm = |k: Kind| match k {
            Kind::Ratio => d.cast(&self.col("m", "sc_d"), d.bigint()),
            _ => d.cast(&self.col("m", "sc_n"), d.bigint()),
        };
        self.by_kind(kinds, arm)
    }

    /// One arm per kind present, or the one arm alone.
    fn by_kind(&self, kinds: &[Kind], arm: impl Fn(Kind) -> String) -> String {
        let arms: Vec<(usize, String)> = kinds.iter().map(|&k| (k as usize, arm(k))).collect();
        self.by_code("sc_kind", arms)
    }

    /// `CASE <code> WHEN 0 THEN .. END`, the arm alone when all arms are the
    /// same.
    fn by_code(&self, column: &str, arms: Vec<(usize, String)>) -> String {
        match arms.as_slice() {
            [(_, one)] => return one.clone(),
            [(_, first), rest @ ..] if rest.iter().all(|(_, a)| a == first) => {
                return first.clone();
            }
            _ => {}
        }
        let arms: Vec<String> = arms
            .into_iter()
            .map(|(k, sql)| format!("WHEN {k} THEN {sql}"))
            .collect();
        format!("CASE {} {} END", self.col("m", column), arms.join(" "))
    }

    /// `incomplete`: the bucket's end plus the class's window is after the
    /// watermark of the class's sources (or there is no watermark).
    fn measure_incomplete(&self, classes: &[(u64, &[String])]) -> String {
        let arms = classes
            .iter()
            .enumerate()
            .map(|(i, (window, sources))| {
                (
                    i,
                    self.incomplete(*window, sources, &self.col("m", "sc_bucket")),
                )
            })
            .collect();
        self.by_code("sc_class", arms)
    }

    /// Whether a bucket's end plus `window` seconds is after the watermark
    /// of `sources`, TRUE without a watermark.
    pub(super) fn incomplete(&self, window: u64, sources: &[String], bucket: &str) -> String {
        let d = self.d;
        let end = d.add_grain(bucket, self.plan.model.settings.grain);
        let end = if window > 0 {
            d.add_seconds(
                &end,
                i64::try_from(window).unwrap_or(i64::MAX / 2),
                Clock::Local,
            )
        } else {
            end
        };
        format!("COALESCE({end} > {}, TRUE)", self.watermark(sources))
    }
}

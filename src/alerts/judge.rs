//! Judging the rows of each check: a bound's hit, sustained runs, the
//! levels of overrides, the status, and the trade-off rules; then the
//! branch of the final `UNION ALL` per check.

use std::fmt::Write as _;

use super::cte::Writer;
use super::rules::{Check, Rule, TradeoffRule, absolute_test, moved, window_buckets};
use super::status::all_columns;
use crate::model::{Good, Severity};
use crate::sql::dialect::number;
use crate::sql::plan::{grouping_label, groupings};
use crate::syntax::ast::{Bound, Direction, Threshold};
use crate::syntax::print_expr;

impl Writer<'_> {
    /// Whether a row can be judged at all.
    pub(super) fn judged(&self) -> String {
        format!(
            "{} = 0 AND {} IS NOT NULL AND ({} IS NULL OR {} >= {})",
            self.id("incomplete"),
            self.id("value"),
            self.id("sample"),
            self.id("sample"),
            self.id("min_sample")
        )
    }

    /// A bound's test: 1 breached, 0 not, NULL when its baseline is too thin.
    pub(super) fn hit(&self, check: &Check<'_>, t: &Threshold) -> String {
        let value = self.id("value");
        let num = |q| number(check.number(q));
        if let Some(test) = absolute_test(check, t, &value, "OR") {
            return format!("CASE WHEN {test} THEN 1 ELSE 0 END");
        }
        match &t.bound {
            Bound::Absolute { .. } | Bound::Outside { .. } => String::new(),
            Bound::Relative {
                direction,
                amount,
                baseline,
                ..
            } => {
                let n = window_buckets(baseline.node.seconds, self.model.settings.grain);
                let base = self.id(&format!("base_{n}"));
                let bsample = self.id(&format!("bsample_{n}"));
                let target = moved(&base, *direction, amount.unit, &num(amount));
                let op = match direction {
                    Direction::Drops => "<",
                    Direction::Rises => ">",
                };
                format!(
                    "CASE WHEN {base} IS NULL OR {bsample} IS NULL OR {bsample} < {} THEN NULL WHEN {value} {op} {target} THEN 1 ELSE 0 END",
                    check.baseline_min_sample(t)
                )
            }
        }
    }

    /// The hits, runs and judged CTEs of one check.
    pub(super) fn judge(&mut self, check: &Check<'_>, name: &str, windows: &[u64]) {
        let carried = self.carried(windows);
        let mut hits = carried.clone();
        for (k, t) in check.thresholds.iter().enumerate() {
            hits.push(format!(
                "{} AS {}",
                self.hit(check, t),
                self.id(&format!("h{k}"))
            ));
        }
        self.ctes.push((
            format!("{name}_hits"),
            format!("SELECT {}\nFROM {}", hits.join(", "), self.id(name)),
        ));
        let mut runs = carried.clone();
        runs.extend((0..check.thresholds.len()).map(|k| self.id(&format!("h{k}"))));
        let partition = self.cohort_columns();
        for (k, t) in check.thresholds.iter().enumerate() {
            let Some(n) = t.windows.as_ref().map(|w| u64::from(w.node)) else {
                continue;
            };
            let flag = format!(
                "CASE WHEN {} AND {} = 1 THEN 1 ELSE 0 END",
                self.judged(),
                self.id(&format!("h{k}"))
            );
            let by = partition.join(", ");
            runs.push(format!(
                "sum({flag}) OVER (PARTITION BY {by} ORDER BY {} ROWS BETWEEN {} PRECEDING AND CURRENT ROW) AS {}",
                self.id("bucket"),
                n.saturating_sub(1),
                self.id(&format!("r{k}"))
            ));
        }
        self.ctes.push((
            format!("{name}_runs"),
            format!(
                "SELECT {}\nFROM {}",
                runs.join(", "),
                self.id(&format!("{name}_hits"))
            ),
        ));
        // A sustained bound breaches when its last N buckets all did.
        let fired = |k: usize| -> String {
            let h = self.id(&format!("h{k}"));
            match check.thresholds[k].windows.as_ref() {
                Some(w) => format!(
                    "CASE WHEN {} >= {} THEN 1 WHEN {h} IS NULL THEN NULL ELSE 0 END",
                    self.id(&format!("r{k}")),
                    w.node
                ),
                None => h,
            }
        };
        let warn = self.per_row(check, |l| l.warn.map_or("0".to_string(), fired));
        let critical = self.per_row(check, |l| l.critical.map_or("0".to_string(), fired));
        let text = |k: Option<usize>| {
            k.map_or_else(
                || self.d.null_of(self.d.text()),
                |k| self.lit(&print_expr::threshold(check.thresholds[k])),
            )
        };
        let warn_bound = self.per_row(check, |l| text(l.warn));
        let critical_bound = self.per_row(check, |l| text(l.critical));
        let base = |k: Option<usize>| match k.map(|k| &check.thresholds[k].bound) {
            Some(Bound::Relative { baseline, .. }) => {
                let n = window_buckets(baseline.node.seconds, self.model.settings.grain);
                self.id(&format!("base_{n}"))
            }
            _ => self.d.null_of(self.d.double()),
        };
        let warn_base = self.per_row(check, |l| base(l.warn));
        let critical_base = self.per_row(check, |l| base(l.critical));
        let status = format!(
            "CASE WHEN {inc} = 1 THEN 'incomplete' WHEN {v} IS NULL OR {s} < {m} THEN 'insufficient' WHEN {c} = 1 THEN 'critical' WHEN {w} = 1 THEN 'warn' WHEN {c} IS NULL OR {w} IS NULL THEN 'insufficient' ELSE 'ok' END",
            inc = self.id("incomplete"),
            v = self.id("value"),
            s = self.id("sample"),
            m = self.id("min_sample"),
            c = self.id("c"),
            w = self.id("w"),
        );
        let mut levels = carried.clone();
        levels.push(format!("{warn} AS {}", self.id("w")));
        levels.push(format!("{critical} AS {}", self.id("c")));
        levels.push(format!("{warn_bound} AS {}", self.id("warn_bound")));
        levels.push(format!("{critical_bound} AS {}", self.id("critical_bound")));
        levels.push(format!("{warn_base} AS {}", self.id("warn_base")));
        levels.push(format!("{critical_base} AS {}", self.id("critical_base")));
        self.ctes.push((
            format!("{name}_levels"),
            format!(
                "SELECT {}\nFROM {}",
                levels.join(", "),
                self.id(&format!("{name}_runs"))
            ),
        ));
        let mut judged = carried;
        judged.push(format!("{status} AS {}", self.id("status")));
        judged.push(self.id("warn_bound"));
        judged.push(self.id("critical_bound"));
        judged.push(format!(
            "CASE WHEN {c} = 1 THEN {cb} WHEN {w} = 1 THEN {wb} ELSE COALESCE({wb}, {cb}) END AS {}",
            self.id("baseline"),
            c = self.id("c"),
            w = self.id("w"),
            cb = self.id("critical_base"),
            wb = self.id("warn_base"),
        ));
        self.ctes.push((
            format!("{name}_judged"),
            format!(
                "SELECT {}\nFROM {}",
                judged.join(", "),
                self.id(&format!("{name}_levels"))
            ),
        ));
        let row = self.output_row(&format!("{name}_judged"), check.rule, check, &check.owners);
        self.rows.push(row);
    }

    /// One branch of the final `UNION ALL`: the judged rows of a check.
    pub(super) fn output_row(
        &self,
        from: &str,
        rule: Rule,
        check: &Check<'_>,
        owners: &super::rules::Owners,
    ) -> String {
        let mut columns = vec![
            format!("{} AS {}", self.lit(&self.model.name), self.id("scorecard")),
            format!("{} AS {}", self.lit(rule.as_str()), self.id("rule")),
            format!(
                "{} AS {}",
                self.text_or_null(check.journey),
                self.id("journey")
            ),
            format!("{} AS {}", self.text_or_null(check.pair), self.id("pair")),
            format!("{} AS {}", self.text_or_null(check.side), self.id("side")),
            format!(
                "{} AS {}",
                self.text_or_null(check.metric.map(|m| m.name.as_str())),
                self.id("metric")
            ),
            format!(
                "{} AS {}",
                self.text_or_null(check.source),
                self.id("source")
            ),
            self.id("bucket"),
        ];
        columns.extend(self.cohort_columns());
        columns.push(format!("{} AS {}", self.cohort_label(), self.id("cohort")));
        columns.push(self.id("value"));
        columns.push(self.id("baseline"));
        columns.push(format!(
            "CASE {} WHEN 'critical' THEN {} WHEN 'warn' THEN {} END AS {}",
            self.id("status"),
            self.id("critical_bound"),
            self.id("warn_bound"),
            self.id("bound")
        ));
        columns.push(self.id("sample"));
        columns.push(format!(
            "{} AS {}",
            self.d.cast(&self.id("min_sample"), self.d.bigint()),
            self.id("min_sample")
        ));
        columns.push(self.id("status"));
        for (value, column) in [
            (&owners.security, "security_owner"),
            (&owners.product, "product_owner"),
            (&owners.acting, "acting_owner"),
        ] {
            columns.push(format!(
                "{} AS {}",
                self.text_or_null(value.as_deref()),
                self.id(column)
            ));
        }
        columns.push(format!(
            "{} AS {}",
            self.text_or_null(
                Some(&check.action)
                    .filter(|a| !a.is_empty())
                    .map(String::as_str)
            ),
            self.id("action")
        ));
        format!("SELECT {}\nFROM {}", columns.join(", "), self.id(from))
    }

    /// `device_type=mobile,region=eu` for a grouped row, `overall` else; a
    /// NULL value is `unknown`.
    pub(super) fn cohort_label(&self) -> String {
        let mut sets: Vec<Vec<String>> = Vec::new();
        for metric in self.model.metrics.values() {
            for set in groupings(&metric.cohorts, self.model.settings.rollups) {
                if !set.is_empty() && !sets.contains(&set) {
                    sets.push(set);
                }
            }
        }
        if sets.is_empty() {
            return self.lit("overall");
        }
        let mut out = format!("CASE {}", self.id("grouping"));
        for set in &sets {
            let parts: Vec<String> = set
                .iter()
                .enumerate()
                .map(|(k, dim)| {
                    let prefix = if k == 0 {
                        format!("{dim}=")
                    } else {
                        format!(",{dim}=")
                    };
                    format!(
                        "{} || COALESCE({}, {})",
                        self.lit(&prefix),
                        self.id(dim),
                        self.lit("unknown")
                    )
                })
                .collect();
            let _ = write!(
                out,
                " WHEN {} THEN {}",
                self.lit(&grouping_label(set)),
                parts.join(" || ")
            );
        }
        let _ = write!(out, " ELSE {} END", self.lit("overall"));
        out
    }

    /// A pair's trade-off: both sides side by side per bucket and cohort.
    pub(super) fn tradeoff(&mut self, j: usize, rule: &TradeoffRule<'_>) {
        let n = window_buckets(
            rule.tradeoff.baseline.node.seconds,
            self.model.settings.grain,
        );
        let name = format!("tradeoff_{j}");
        let cohort = self.cohort_columns();
        let side = |tag: u8, index: usize| -> String {
            let mut columns = vec![format!("{tag} AS {}", self.id("tag")), self.id("bucket")];
            columns.extend(cohort.iter().cloned());
            for c in ["value", "sample", "min_sample", "incomplete"] {
                columns.push(self.id(c));
            }
            columns.push(format!(
                "{} AS {}",
                self.id(&format!("base_{n}")),
                self.id("base")
            ));
            columns.push(format!(
                "{} AS {}",
                self.id(&format!("bsample_{n}")),
                self.id("bsample")
            ));
            format!(
                "SELECT {} FROM {}",
                columns.join(", "),
                self.id(&format!("check_{index}"))
            )
        };
        let mut columns = vec![self.id("bucket")];
        columns.extend(cohort.iter().cloned());
        for (tag, prefix) in [(1, "d"), (2, "i")] {
            for c in [
                "value",
                "sample",
                "min_sample",
                "incomplete",
                "base",
                "bsample",
            ] {
                columns.push(format!(
                    "max(CASE WHEN {} = {tag} THEN {} END) AS {}",
                    self.id("tag"),
                    self.id(c),
                    self.id(&format!("{prefix}_{c}"))
                ));
            }
        }
        let mut group = vec![self.id("bucket")];
        group.extend(cohort.iter().cloned());
        let body = format!(
            "SELECT {}\nFROM ({}\nUNION ALL\n{}) AS {}\nGROUP BY {}",
            columns.join(", "),
            side(1, rule.degrading),
            side(2, rule.improving),
            self.id("sides"),
            group.join(", ")
        );
        self.ctes.push((name.clone(), body));
        let checks = &self.rules.checks;
        let (deg, imp) = (&checks[rule.degrading], &checks[rule.improving]);
        let good = |c: &Check<'_>| c.metric.map_or(Good::High, |m| m.good);
        let c = |x: &str| self.id(x);
        let amount = number(deg.number(&rule.tradeoff.amount));
        // Worse is down for a good-high metric, up for a good-low one.
        let worse = match good(deg) {
            Good::High => Direction::Drops,
            Good::Low => Direction::Rises,
        };
        let target = moved(&c("d_base"), worse, rule.tradeoff.amount.unit, &amount);
        let worsens = match worse {
            Direction::Drops => format!("{} < {target}", c("d_value")),
            Direction::Rises => format!("{} > {target}", c("d_value")),
        };
        let improves = match good(imp) {
            Good::High => format!("{} > {}", c("i_value"), c("i_base")),
            Good::Low => format!("{} < {}", c("i_value"), c("i_base")),
        };
        let severity = match rule.severity {
            Severity::Warn => "warn",
            Severity::Critical => "critical",
        };
        let thin = ["d", "i"]
            .iter()
            .map(|p| {
                format!(
                    "{v} IS NULL OR {s} < {m} OR {b} IS NULL OR {bs} < {m}",
                    v = c(&format!("{p}_value")),
                    s = c(&format!("{p}_sample")),
                    m = c(&format!("{p}_min_sample")),
                    b = c(&format!("{p}_base")),
                    bs = c(&format!("{p}_bsample")),
                )
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        let status = format!(
            "CASE WHEN {} = 1 OR {} = 1 THEN 'incomplete' WHEN {thin} THEN 'insufficient' WHEN {worsens} AND {improves} THEN '{severity}' ELSE 'ok' END",
            c("d_incomplete"),
            c("i_incomplete"),
        );
        let mut judged = vec![self.id("bucket")];
        judged.extend(cohort.iter().cloned());
        judged.push(format!("{} AS {}", c("d_value"), c("value")));
        judged.push(format!("{} AS {}", c("d_base"), c("baseline")));
        let text = self.lit(&print_expr::tradeoff(rule.tradeoff));
        judged.push(format!("{text} AS {}", c("warn_bound")));
        judged.push(format!("{text} AS {}", c("critical_bound")));
        judged.push(format!("{} AS {}", c("d_sample"), c("sample")));
        judged.push(format!("{} AS {}", c("d_min_sample"), c("min_sample")));
        judged.push(format!("{status} AS {}", c("status")));
        self.ctes.push((
            format!("{name}_judged"),
            format!("SELECT {}\nFROM {}", judged.join(", "), self.id(&name)),
        ));
        let row = self.output_row(&format!("{name}_judged"), Rule::Tradeoff, deg, &rule.owners);
        self.rows.push(row);
    }

    /// A row of typed NULLs that never returns, for a scorecard with no checks.
    pub(super) fn empty_row(&self) -> String {
        let text = self.d.null_of(self.d.text());
        let mut columns: Vec<String> = Vec::new();
        for c in all_columns(&self.dims) {
            let value = match c.as_str() {
                "bucket" => self.d.null_of(self.d.local_timestamp()),
                "value" | "baseline" => self.d.null_of(self.d.double()),
                "sample" | "min_sample" => self.d.null_of(self.d.bigint()),
                _ => text.clone(),
            };
            columns.push(format!("{value} AS {}", self.id(&c)));
        }
        format!("SELECT {} WHERE 1 = 0", columns.join(", "))
    }
}

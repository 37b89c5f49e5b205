//! The bucket series and the dense grid: every bucket × every cohort seen.

use super::Renderer;
use crate::sql::dialect::SqlDialect;
use crate::sql::plan::{Counter, Group, Stream};

impl Renderer<'_, '_> {
    /// `buckets` and `<stream>__dense`: every bucket × every cohort seen.
    pub(super) fn buckets(&mut self) {
        let d = self.d;
        let grain = self.plan.model.settings.grain;
        let (start, end) = match (self.start(), self.end()) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                let b = self.id("sc_bucket");
                let union = self
                    .plan
                    .streams
                    .values()
                    .map(|s| {
                        format!(
                            "SELECT {b} FROM {}",
                            self.id(&format!("{}__counts", s.name))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" UNION ALL ");
                self.cte(
                    "bounds",
                    format!(
                        "SELECT min({b}) AS {}, max({b}) AS {}\nFROM ({union}) AS {}",
                        self.id("sc_start"),
                        self.id("sc_last"),
                        self.id("seen")
                    ),
                );
                let start = format!(
                    "(SELECT {} FROM {})",
                    self.id("sc_start"),
                    self.id("bounds")
                );
                let last = format!("(SELECT {} FROM {})", self.id("sc_last"), self.id("bounds"));
                (start, d.add_grain(&last, grain))
            }
        };
        let series = d.bucket_series(&start, &end, grain, "sc_bucket");
        let series = series
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(&series)
            .to_string();
        self.cte("buckets", series);
    }

    /// `<stream>__dense` for every stream.
    pub(super) fn dense(&mut self) {
        let streams: Vec<&Stream<'_>> = self.plan.streams.values().collect();
        for stream in streams {
            self.dense_stream(stream);
        }
    }

    fn dense_stream(&mut self, stream: &Stream<'_>) {
        let d: &dyn SqlDialect = self.d;
        let name = &stream.name;
        let counts = self.id(&format!("{name}__counts"));
        let keys: Vec<String> = ["sc_bucket", "sc_grouping"]
            .iter()
            .map(|c| self.id(c))
            .chain(stream.dims.iter().map(|x| self.id(x)))
            .collect();
        let keys_list = keys.join(", ");
        let window_pct = d.percentile("x", 0.5).is_none();
        // (column, its group, its zero) of every counter in a counts CTE;
        // interpolated percentiles have their own CTE.
        let mut columns: Vec<(String, Group, String)> = Vec::new();
        let mut outer = Vec::new();
        for (column, counter) in &stream.counters {
            let c = self.id(column);
            let (zero, combine) = match counter {
                Counter::Percentile { approximate, .. } => {
                    if window_pct && !approximate {
                        continue;
                    }
                    (d.null_of(d.double()), "max")
                }
                Counter::Sum { .. } => (d.cast("0", d.decimal()), "sum"),
                Counter::Count { .. } => ("0".to_string(), "sum"),
            };
            outer.push(format!("{combine}({c}) AS {c}"));
            columns.push((c, counter.group(), zero));
        }
        let from_grid: Vec<String> = columns
            .iter()
            .map(|(c, _, zero)| format!("{zero} AS {c}"))
            .collect();
        let mut branches: Vec<String> = Group::ALL
            .iter()
            .filter(|&&g| g == Group::Plain || columns.iter().any(|(_, cg, _)| *cg == g))
            .map(|&g| {
                let values: Vec<String> = columns
                    .iter()
                    .map(|(c, cg, zero)| {
                        if *cg == g {
                            c.clone()
                        } else {
                            format!("{zero} AS {c}")
                        }
                    })
                    .collect();
                format!(
                    "SELECT {keys_list}{} FROM {}",
                    values.iter().map(|v| format!(", {v}")).collect::<String>(),
                    self.id(&format!("{name}__{}", g.suffix()))
                )
            })
            .collect();
        let combos: Vec<String> = keys.iter().skip(1).cloned().collect();
        branches.extend([
            format!(
                "SELECT {}, {} FROM {} AS {} CROSS JOIN (SELECT DISTINCT {} FROM {counts}) AS {}",
                std::iter::once(self.col("b", "sc_bucket"))
                    .chain(combos.iter().map(|c| format!("{}.{c}", self.id("c"))))
                    .collect::<Vec<_>>()
                    .join(", "),
                from_grid.join(", "),
                self.id("buckets"),
                self.id("b"),
                combos.join(", "),
                self.id("c")
            ),
            // The overall row of every bucket even when nothing at all was
            // seen in the range: an outage shows as zeros, not as no rows.
            format!(
                "SELECT {}, {} AS {}{}, {} FROM {} AS {}",
                self.col("b", "sc_bucket"),
                self.lit("overall"),
                self.id("sc_grouping"),
                stream
                    .dims
                    .iter()
                    .map(|x| format!(", NULL AS {}", self.id(x)))
                    .collect::<String>(),
                from_grid.join(", "),
                self.id("buckets"),
                self.id("b")
            ),
        ]);
        let body = format!(
            "SELECT {keys_list}, {}\nFROM ({}) AS {}\nGROUP BY {keys_list}",
            outer.join(", "),
            branches.join("\nUNION ALL\n"),
            self.id("counted")
        );
        self.cte(&format!("{name}__dense"), body);
    }
}

//! Window columns of a stream: cohort attribution, the next B per key,
//! events per key and bucket, and percentiles interpolated with window
//! functions.

use super::Renderer;
use super::expr;
use crate::sql::dialect::Clock;
use crate::sql::plan::{Counter, Stream, grouping_label};

impl Renderer<'_, '_> {
    /// The stream's base rows: the deduped source, or with cohorts taken
    /// from the same entity's latest earlier event of another source.
    pub(super) fn attribution(&mut self, stream: &Stream<'_>) -> String {
        let source = &stream.source.name;
        let deduped = format!("{source}__deduped");
        let Some(a) = stream.attribution else {
            return deduped;
        };
        let model = self.plan.model;
        let from = &model.sources[&a.source];
        let event = &model.events[&a.event];
        let (Some(entity), Some(from_entity)) = (&stream.source.entity, &from.entity) else {
            return deduped;
        };
        let d = self.d;
        let name = &stream.name;
        let order: Vec<String> = std::iter::once(self.id("sc_ts"))
            .chain(
                self.source_columns(stream.source)
                    .iter()
                    .map(|c| self.id(c)),
            )
            .collect();
        let row = self.id("sc_row");
        self.cte(
            &format!("{name}__numbered"),
            format!(
                "SELECT *, row_number() OVER (ORDER BY {}) AS {row} FROM {}",
                order.join(", "),
                self.id(&deduped)
            ),
        );
        let lookback = d.add_seconds(
            &self.col("o", "sc_ts"),
            -(a.lookback.seconds as i64),
            Clock::Utc,
        );
        let mut pick_order = vec![format!("{} DESC", self.col("a", "sc_ts"))];
        if let Some(t) = &a.tie_break {
            pick_order.push(format!("{} DESC NULLS LAST", self.col("a", t)));
        }
        let dims: Vec<String> = stream
            .dims
            .iter()
            .map(|dim| format!("{} AS {}", self.col("a", dim), self.id(dim)))
            .collect();
        let mut select = vec![self.col("o", "sc_row")];
        select.extend(dims);
        select.push(format!(
            "row_number() OVER (PARTITION BY {} ORDER BY {}) AS {}",
            self.col("o", "sc_row"),
            pick_order.join(", "),
            self.id("sc_pick")
        ));
        let mut on = vec![
            format!("{} = {}", self.col("a", from_entity), self.col("o", entity)),
            format!("{} <= {}", self.col("a", "sc_ts"), self.col("o", "sc_ts")),
            format!("{} >= {lookback}", self.col("a", "sc_ts")),
        ];
        if let Some(f) = &event.filter {
            on.push(format!("({})", expr::render(d, f, Some(&self.id("a")))));
        }
        self.cte(
            &format!("{name}__candidates"),
            format!(
                "SELECT {}\nFROM {} AS {} JOIN {} AS {} ON {}",
                select.join(",\n"),
                self.id(&format!("{name}__numbered")),
                self.id("o"),
                self.id(&format!("{}__deduped", from.name)),
                self.id("a"),
                on.join(" AND ")
            ),
        );
        let dims: Vec<String> = stream.dims.iter().map(|dim| self.col("c", dim)).collect();
        self.cte(
            &format!("{name}__attributed"),
            format!(
                "SELECT {}.*, {}\nFROM {} AS {} LEFT JOIN {} AS {} ON {} = {} AND {} = 1",
                self.id("o"),
                dims.join(", "),
                self.id(&format!("{name}__numbered")),
                self.id("o"),
                self.id(&format!("{name}__candidates")),
                self.id("c"),
                self.col("c", "sc_row"),
                self.col("o", "sc_row"),
                self.col("c", "sc_pick")
            ),
        );
        format!("{name}__attributed")
    }

    /// `<stream>__rows`: next B per key and events per key and bucket.
    pub(super) fn window_columns(&mut self, stream: &Stream<'_>, base: &str) -> String {
        if stream.sequences.is_empty() && stream.frequencies.is_empty() {
            return base.to_string();
        }
        let d = self.d;
        let ts = self.id("sc_ts");
        let foreign: Vec<usize> = (0..stream.sequences.len())
            .filter(|&i| stream.sequences[i].foreign.is_some())
            .collect();
        let mut from = self.id(base);
        if !foreign.is_empty() {
            from = self.with_foreign_rows(stream, base, &foreign);
        }
        let mut select = vec!["*".to_string()];
        for (i, s) in stream.sequences.iter().enumerate() {
            let (key, is_b) = if s.foreign.is_some() {
                (
                    self.id(&format!("sc_key_{i}")),
                    format!("{} = 1", self.id(&format!("sc_b_{i}"))),
                )
            } else {
                let pred = s.to.filter.as_ref().map_or_else(
                    || "TRUE".to_string(),
                    |f| format!("({})", expr::render(d, f, None)),
                );
                (self.id(&s.other_key), pred)
            };
            // Rows at the same instant: B's sort after the others, so an A
            // sees a B at its own time, and never itself.
            select.push(format!(
                "min(CASE WHEN {is_b} THEN {ts} END) OVER (PARTITION BY {key} ORDER BY {ts}, CASE WHEN {is_b} THEN 1 ELSE 0 END ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS {}",
                self.id(&format!("sc_next_{i}"))
            ));
        }
        for (i, f) in stream.frequencies.iter().enumerate() {
            select.push(format!(
                "count(CASE WHEN {} THEN 1 END) OVER (PARTITION BY {}, {}) AS {}",
                self.preds(stream, &f.when, None),
                self.id(&f.key),
                self.id("sc_bucket"),
                self.id(&format!("sc_frequency_{i}"))
            ));
        }
        let name = format!("{}__rows", stream.name);
        self.cte(&name, format!("SELECT {}\nFROM {from}", select.join(",\n")));
        name
    }

    /// The stream's rows with the B rows of other sources appended, each
    /// under its sequence's key column (`sc_key_i`, `sc_b_i` = 1).
    fn with_foreign_rows(&mut self, stream: &Stream<'_>, base: &str, foreign: &[usize]) -> String {
        let d = self.d;
        let mut own: Vec<String> = self.source_columns(stream.source);
        for dim in &stream.dims {
            if !own.contains(dim) {
                own.push(dim.clone());
            }
        }
        let own: Vec<String> = own.iter().map(|c| self.id(c)).collect();
        let fixed = ["sc_ts", "sc_bucket"];
        let mut head: Vec<String> = own.clone();
        head.extend(fixed.iter().map(|c| self.id(c)));
        for &i in foreign {
            let s = &stream.sequences[i];
            head.push(format!(
                "{} AS {}",
                self.id(&s.key),
                self.id(&format!("sc_key_{i}"))
            ));
            head.push(format!("0 AS {}", self.id(&format!("sc_b_{i}"))));
        }
        let mut branches = vec![format!("SELECT {} FROM {}", head.join(", "), self.id(base))];
        for &i in foreign {
            let s = &stream.sequences[i];
            let Some(other) = s.foreign else { continue };
            // B's columns are qualified: ClickHouse resolves a bare name to
            // a select alias first, and `NULL AS <own column>` may share it.
            let mut cols: Vec<String> = own.iter().map(|c| format!("NULL AS {c}")).collect();
            cols.push(format!(
                "{} AS {}",
                self.col("f", "sc_ts"),
                self.id("sc_ts")
            ));
            cols.push(format!(
                "{} AS {}",
                d.null_of(d.local_timestamp()),
                self.id("sc_bucket")
            ));
            for &j in foreign {
                if i == j {
                    cols.push(format!(
                        "{} AS {}",
                        self.col("f", &s.other_key),
                        self.id(&format!("sc_key_{j}"))
                    ));
                    cols.push(format!("1 AS {}", self.id(&format!("sc_b_{j}"))));
                } else {
                    cols.push(format!("NULL AS {}", self.id(&format!("sc_key_{j}"))));
                    cols.push(format!("0 AS {}", self.id(&format!("sc_b_{j}"))));
                }
            }
            let filter = s.to.filter.as_ref().map_or_else(String::new, |f| {
                format!(" WHERE {}", expr::render(d, f, Some(&self.id("f"))))
            });
            branches.push(format!(
                "SELECT {} FROM {} AS {}{filter}",
                cols.join(", "),
                self.id(&format!("{}__deduped", other.name)),
                self.id("f")
            ));
        }
        format!(
            "({}) AS {}",
            branches.join("\nUNION ALL\n"),
            self.id("own_and_followers")
        )
    }

    /// Exact percentiles by linear interpolation between ranked values, for
    /// dialects without a usable `percentile_cont` aggregate.
    pub(super) fn window_percentiles(&mut self, stream: &Stream<'_>, rows: &str) {
        let d = self.d;
        for (column, counter) in &stream.counters {
            let Counter::Percentile {
                when,
                seq,
                fraction,
                approximate: false,
            } = counter
            else {
                continue;
            };
            let g = self.id("sc_grouping");
            let bucket = self.id("sc_bucket");
            let value = self.id("sc_value");
            let sets = stream
                .groupings
                .iter()
                .map(|set| format!("SELECT {} AS {g}", self.lit(&grouping_label(set))))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            let masked: Vec<String> = stream
                .dims
                .iter()
                .map(|dim| {
                    let labels: Vec<String> = stream
                        .groupings
                        .iter()
                        .filter(|s| s.contains(dim))
                        .map(|s| self.lit(&grouping_label(s)))
                        .collect();
                    if labels.is_empty() {
                        format!("{} AS {}", self.null_text(), self.id(dim))
                    } else {
                        format!(
                            "CASE WHEN {} IN ({}) THEN {} END AS {}",
                            self.col("g", "sc_grouping"),
                            labels.join(", "),
                            self.col("r", dim),
                            self.id(dim)
                        )
                    }
                })
                .collect();
            let keys: Vec<String> = std::iter::once(bucket.clone())
                .chain(std::iter::once(g.clone()))
                .chain(stream.dims.iter().map(|x| self.id(x)))
                .collect();
            let keys = keys.join(", ");
            let p = crate::sql::dialect::number(*fraction);
            let n = self.id("sc_n");
            let count = self.id("sc_count");
            let position = format!("{p} * ({count} - 1)");
            let rank_at =
                |f: &str| format!("max(CASE WHEN {n} = {f}({position}) + 1 THEN {value} END)");
            let when = self.preds(stream, when, Some("r"));
            let mut picked_columns = vec![self.col("r", "sc_bucket"), self.col("g", "sc_grouping")];
            picked_columns.extend(masked);
            picked_columns.push(format!("{} AS {value}", self.minutes(*seq, Some("r"))));
            let expanded = format!(
                "SELECT {}\nFROM {} AS {} CROSS JOIN ({sets}) AS {}\nWHERE {} AND {}",
                picked_columns.join(", "),
                self.id(rows),
                self.id("r"),
                self.id("g"),
                self.in_range(&self.col("r", "sc_bucket")),
                when
            );
            let ranked = format!(
                "SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY {value}) AS {n}, count(*) OVER (PARTITION BY {keys}) AS {count}\nFROM ({expanded}) AS {}",
                self.id("expanded")
            );
            let lo = self.id("sc_low");
            let hi = self.id("sc_high");
            let frac = self.id("sc_fraction");
            let picked = format!(
                "SELECT {keys}, {} AS {lo}, {} AS {hi}, max({position} - floor({position})) AS {frac}\nFROM ({ranked}) AS {}\nGROUP BY {keys}",
                rank_at("floor"),
                rank_at("ceil"),
                self.id("ranked")
            );
            let body = format!(
                "SELECT {keys}, {} AS {}\nFROM ({picked}) AS {}",
                d.cast(&format!("{lo} + {frac} * ({hi} - {lo})"), d.double()),
                self.id(column),
                self.id("picked")
            );
            self.cte(&format!("{}__{column}__dense", stream.name), body);
        }
    }
}

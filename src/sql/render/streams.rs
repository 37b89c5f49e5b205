//! Reading sources once, de-duplicating, window columns, the fused
//! aggregation per stream and the dense grid.

use super::Renderer;
use super::expr;
use crate::model::Source;
use crate::sql::dialect::{Clock, SqlDialect};
use crate::sql::plan::{Counter, Pred, Stream, grouping_label};

impl Renderer<'_, '_> {
    /// `<source>__read`, `__ranked`, `__deduped`, `__newest` per source.
    pub(super) fn sources(&mut self) {
        let reads: Vec<(&Source, u64)> = self
            .plan
            .sources
            .values()
            .map(|r| (r.source, r.attribution_lookback))
            .collect();
        for (source, attribution_lookback) in reads {
            self.read(source, attribution_lookback);
        }
    }

    fn read(&mut self, source: &Source, attribution_lookback: u64) {
        let d = self.d;
        let name = &source.name;
        let ts_type = source.columns.get(&source.timestamp).map(String::as_str);
        let utc = d.utc(&self.id(&source.timestamp), ts_type);
        let mut select: Vec<String> = self
            .source_columns(source)
            .iter()
            .map(|c| self.id(c))
            .collect();
        for (dim, dimension) in &source.dimensions {
            if let Some(e) = &dimension.expr {
                select.push(format!("{} AS {}", expr::render(d, e, None), self.id(dim)));
            }
        }
        select.push(format!("{utc} AS {}", self.id("sc_ts")));
        let mut filters: Vec<String> = Vec::new();
        if let Some(f) = &source.filter {
            filters.push(format!("({})", expr::render(d, f, None)));
        }
        let dedupe = self.plan.model.settings.dedupe_lookback.seconds;
        if let Some(floor) = self.floor(dedupe.max(attribution_lookback)) {
            filters.push(format!("{utc} >= {floor}"));
        }
        let mut body = format!(
            "SELECT {}\nFROM {}",
            select.join(",\n"),
            table_name(d, &source.table)
        );
        if !filters.is_empty() {
            body.push_str(&format!("\nWHERE {}", filters.join(" AND ")));
        }
        self.cte(&format!("{name}__read"), body);

        let ts = self.id("sc_ts");
        let bucket = self.bucket_of(&ts);
        let read = self.id(&format!("{name}__read"));
        if let Some(key) = &source.dedupe_by {
            let key = self.id(key);
            let dedupe_floor = self.floor(dedupe);
            let mut partition = vec![key.clone()];
            if let Some(f) = &dedupe_floor {
                partition.push(format!("CASE WHEN {ts} >= {f} THEN 1 ELSE 0 END"));
            }
            let mut order = vec![ts.clone()];
            if let Some(o) = &source.dedupe_order {
                order.push(format!("{} NULLS LAST", self.id(o)));
            }
            let rank = self.id("sc_rank");
            self.cte(
                &format!("{name}__ranked"),
                format!(
                    "SELECT *,\n{bucket} AS {},\nrow_number() OVER (PARTITION BY {} ORDER BY {}) AS {rank}\nFROM {read}",
                    self.id("sc_bucket"),
                    partition.join(", "),
                    order.join(", ")
                ),
            );
            let mut keep = vec![format!("{key} IS NULL"), format!("{rank} = 1")];
            if let Some(f) = &dedupe_floor {
                keep.insert(1, format!("{ts} < {f}"));
            }
            self.cte(
                &format!("{name}__deduped"),
                format!(
                    "SELECT * FROM {} WHERE {}",
                    self.id(&format!("{name}__ranked")),
                    keep.join(" OR ")
                ),
            );
        } else {
            self.cte(
                &format!("{name}__deduped"),
                format!(
                    "SELECT *,\n{bucket} AS {}\nFROM {read}",
                    self.id("sc_bucket")
                ),
            );
        }
        self.cte(
            &format!("{name}__newest"),
            format!("SELECT max({ts}) AS {} FROM {read}", self.id("sc_newest")),
        );
    }

    /// The columns of a source that the plan reads, in a stable order.
    pub(super) fn source_columns(&self, source: &Source) -> Vec<String> {
        let model = self.plan.model;
        let mut out: Vec<String> = Vec::new();
        let mut push = |c: &str| {
            if !out.iter().any(|o| o == c) {
                out.push(c.to_string());
            }
        };
        for c in [
            &source.entity,
            &source.session,
            &source.dedupe_by,
            &source.dedupe_order,
        ]
        .into_iter()
        .flatten()
        {
            push(c);
        }
        // Columns of the events the plan counts or follows on this source.
        let mut used: Vec<String> = Vec::new();
        for stream in self.plan.streams.values() {
            for s in &stream.sequences {
                if s.to.source == source.name
                    && let Some(f) = &s.to.filter
                {
                    expr::columns(f, &mut used);
                }
            }
            if let Some(a) = stream.attribution
                && a.source == source.name
                && let Some(f) = &model.events[&a.event].filter
            {
                expr::columns(f, &mut used);
            }
        }
        for stream in self.plan.streams.values() {
            if stream.source.name == source.name {
                for counter in stream.counters.values() {
                    match counter {
                        Counter::Count { when, distinct } => {
                            if let Some(c) = distinct {
                                used.push(c.clone());
                            }
                            preds_columns(when, &mut used);
                        }
                        Counter::Sum { when, value } => {
                            expr::columns(value, &mut used);
                            preds_columns(when, &mut used);
                        }
                        Counter::Percentile { when, .. } => preds_columns(when, &mut used),
                    }
                }
                for s in &stream.sequences {
                    used.push(s.key.clone());
                }
                for f in &stream.frequencies {
                    used.push(f.key.clone());
                }
            }
            for s in &stream.sequences {
                if s.foreign.is_some_and(|f| f.name == source.name)
                    || (s.foreign.is_none() && stream.source.name == source.name)
                {
                    used.push(s.other_key.clone());
                }
            }
            if let Some(a) = stream.attribution
                && a.source == source.name
                && let Some(t) = &a.tie_break
            {
                used.push(t.clone());
            }
        }
        for c in &used {
            push(c);
        }
        for (dim, dimension) in &source.dimensions {
            match &dimension.expr {
                None => push(dim),
                Some(e) => {
                    let mut cols = Vec::new();
                    expr::columns(e, &mut cols);
                    for c in cols {
                        push(&c);
                    }
                }
            }
        }
        // Columns of dimension expressions are read, but the dimension
        // takes their name only through its alias.
        out.retain(|c| {
            source
                .dimensions
                .get(c)
                .is_none_or(|dim| dim.expr.is_none())
                && (source.columns.is_empty() || source.columns.contains_key(c))
        });
        out
    }

    /// Per stream: cohort attribution, window columns and counts.
    pub(super) fn streams(&mut self) {
        let streams: Vec<&Stream<'_>> = self.plan.streams.values().collect();
        for stream in streams {
            let base = self.attribution(stream);
            let rows = self.window_columns(stream, &base);
            self.counts(stream, &rows);
            if self.d.percentile("x", 0.5).is_none() {
                self.window_percentiles(stream, &rows);
            }
        }
    }

    /// The stream's base rows: the deduped source, or with cohorts taken
    /// from the same entity's latest earlier event of another source.
    fn attribution(&mut self, stream: &Stream<'_>) -> String {
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
    fn window_columns(&mut self, stream: &Stream<'_>, base: &str) -> String {
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

    /// All of a counter's conditions as one SQL predicate.
    pub(super) fn preds(&self, stream: &Stream<'_>, when: &[Pred<'_>], q: Option<&str>) -> String {
        let d = self.d;
        let c = |name: &str| q.map_or_else(|| self.id(name), |q| self.col(q, name));
        let ts = c("sc_ts");
        let qualifier = q.map(|q| self.id(q));
        let parts: Vec<String> = when
            .iter()
            .map(|p| match p {
                Pred::Sql(e) => format!("({})", expr::render(d, e, qualifier.as_deref())),
                Pred::Frequent(i) => {
                    let f = &stream.frequencies[*i];
                    format!(
                        "{} IS NOT NULL AND {} {} {}",
                        c(&f.key),
                        c(&format!("sc_frequency_{i}")),
                        f.op.as_str(),
                        f.count
                    )
                }
                Pred::Matched(i) => {
                    let s = &stream.sequences[*i];
                    let key = c(&s.key);
                    let next = c(&format!("sc_next_{i}"));
                    match s.within {
                        Some(w) => format!(
                            "{key} IS NOT NULL AND {next} <= {}",
                            d.add_seconds(
                                &ts,
                                i64::try_from(w).unwrap_or(i64::MAX / 2),
                                Clock::Utc
                            )
                        ),
                        None => format!("{key} IS NOT NULL AND {next} IS NOT NULL"),
                    }
                }
            })
            .collect();
        if parts.is_empty() {
            "TRUE".to_string()
        } else {
            parts.join(" AND ")
        }
    }

    /// The condition that a row's bucket is in the range.
    pub(super) fn in_range(&self, bucket: &str) -> String {
        match (self.start(), self.end()) {
            (Some(s), Some(e)) => format!("{bucket} >= {s} AND {bucket} < {e}"),
            _ => format!("{bucket} IS NOT NULL"),
        }
    }

    /// The grouping-set label and masked dimensions of a stream's rows.
    fn grouping_columns(&self, stream: &Stream<'_>) -> (String, Vec<String>) {
        let label = if stream.dims.is_empty() {
            format!("{} AS {}", self.lit("overall"), self.id("sc_grouping"))
        } else {
            let mut arms = Vec::new();
            for set in stream.groupings.iter().filter(|s| !s.is_empty()) {
                let cond: Vec<String> = stream
                    .dims
                    .iter()
                    .map(|dim| {
                        let bit = if set.contains(dim) { 0 } else { 1 };
                        format!("GROUPING({}) = {bit}", self.col("r", dim))
                    })
                    .collect();
                arms.push(format!(
                    "WHEN {} THEN {}",
                    cond.join(" AND "),
                    self.lit(&grouping_label(set))
                ));
            }
            format!(
                "CASE {} ELSE {} END AS {}",
                arms.join(" "),
                self.lit("overall"),
                self.id("sc_grouping")
            )
        };
        let dims = stream
            .dims
            .iter()
            .map(|dim| {
                format!(
                    "CASE WHEN GROUPING({0}) = 0 THEN {0} END AS {1}",
                    self.col("r", dim),
                    self.id(dim)
                )
            })
            .collect();
        (label, dims)
    }

    fn group_by(&self, stream: &Stream<'_>) -> String {
        let bucket = self.col("r", "sc_bucket");
        if stream.dims.is_empty() {
            return bucket;
        }
        let sets: Vec<String> = stream
            .groupings
            .iter()
            .map(|set| {
                let mut cols = vec![bucket.clone()];
                cols.extend(set.iter().map(|c| self.col("r", c)));
                format!("({})", cols.join(", "))
            })
            .collect();
        format!("GROUPING SETS ({})", sets.join(", "))
    }

    /// `<stream>__counts`: every counter of the stream in one aggregation.
    fn counts(&mut self, stream: &Stream<'_>, rows: &str) {
        // Every column is qualified with the row alias: ClickHouse resolves
        // a bare name to a select alias of the same name first.
        let d = self.d;
        let r = Some("r");
        let (label, dims) = self.grouping_columns(stream);
        let mut select = vec![format!(
            "{} AS {}",
            self.col("r", "sc_bucket"),
            self.id("sc_bucket")
        )];
        select.push(label);
        select.extend(dims);
        for (column, counter) in &stream.counters {
            let value = match counter {
                Counter::Count { when, distinct } => {
                    let when = self.preds(stream, when, r);
                    match distinct {
                        Some(c) => format!(
                            "count(DISTINCT CASE WHEN {when} THEN {} END)",
                            self.col("r", c)
                        ),
                        None => format!("count(CASE WHEN {when} THEN 1 END)"),
                    }
                }
                Counter::Sum { when, value } => format!(
                    "sum(CASE WHEN {} THEN {} END)",
                    self.preds(stream, when, r),
                    expr::render(d, value, Some(&self.id("r")))
                ),
                Counter::Percentile {
                    when,
                    seq,
                    fraction,
                    approximate,
                } => {
                    let minutes = format!(
                        "CASE WHEN {} THEN {} END",
                        self.preds(stream, when, r),
                        self.minutes(*seq, r)
                    );
                    match (approximate, d.percentile(&minutes, *fraction)) {
                        (true, _) => d.approx_percentile(&minutes, *fraction),
                        (false, Some(p)) => p,
                        (false, None) => continue,
                    }
                }
            };
            select.push(format!("{value} AS {}", self.id(column)));
        }
        let body = format!(
            "SELECT {}\nFROM {} AS {}\nWHERE {}\nGROUP BY {}",
            select.join(",\n"),
            self.id(rows),
            self.id("r"),
            self.in_range(&self.col("r", "sc_bucket")),
            self.group_by(stream)
        );
        self.cte(&format!("{}__counts", stream.name), body);
    }

    /// Minutes from a row to its next B of sequence `seq`.
    fn minutes(&self, seq: usize, q: Option<&str>) -> String {
        let c = |name: &str| q.map_or_else(|| self.id(name), |q| self.col(q, name));
        self.d
            .minutes_between(&c("sc_ts"), &c(&format!("sc_next_{seq}")))
    }

    /// Exact percentiles by linear interpolation between ranked values, for
    /// dialects without a usable `percentile_cont` aggregate.
    fn window_percentiles(&mut self, stream: &Stream<'_>, rows: &str) {
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
        let mut from_counts = Vec::new();
        let mut from_grid = Vec::new();
        let mut outer = Vec::new();
        for (column, counter) in &stream.counters {
            let c = self.id(column);
            match counter {
                Counter::Percentile { approximate, .. } => {
                    // Interpolated percentiles have their own CTE.
                    if window_pct && !approximate {
                        continue;
                    }
                    from_counts.push(c.clone());
                    from_grid.push(format!("{} AS {c}", d.null_of(d.double())));
                    outer.push(format!("max({c}) AS {c}"));
                }
                Counter::Sum { .. } => {
                    from_counts.push(c.clone());
                    from_grid.push(format!("{} AS {c}", d.cast("0", d.decimal())));
                    outer.push(format!("sum({c}) AS {c}"));
                }
                Counter::Count { .. } => {
                    from_counts.push(c.clone());
                    from_grid.push(format!("0 AS {c}"));
                    outer.push(format!("sum({c}) AS {c}"));
                }
            }
        }
        let combos: Vec<String> = keys.iter().skip(1).cloned().collect();
        let branches = [
            format!(
                "SELECT {keys_list}, {} FROM {counts}",
                from_counts.join(", ")
            ),
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
        ];
        let body = format!(
            "SELECT {keys_list}, {}\nFROM ({}) AS {}\nGROUP BY {keys_list}",
            outer.join(", "),
            branches.join("\nUNION ALL\n"),
            self.id("counted")
        );
        self.cte(&format!("{name}__dense"), body);
    }
}

/// A table name as written (`schema.table`), each part quoted.
fn table_name(d: &dyn SqlDialect, table: &str) -> String {
    table
        .split('.')
        .map(|part| d.ident(part))
        .collect::<Vec<_>>()
        .join(".")
}

fn preds_columns(when: &[Pred<'_>], out: &mut Vec<String>) {
    for p in when {
        if let Pred::Sql(e) = p {
            expr::columns(e, out);
        }
    }
}

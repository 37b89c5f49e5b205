//! Reading sources once, de-duplicating, and the fused aggregation of each
//! stream (window columns are in `windows.rs`, the dense grid in `dense.rs`).

use super::Renderer;
use super::expr;
use crate::model::Source;
use crate::sql::dialect::{Clock, SqlDialect};
use crate::sql::plan::{Counter, Group, Pred, Stream, grouping_label};

impl Renderer<'_, '_> {
    /// `<source>__read`, `__ranked`, `__deduped`, `__newest`, `__received`
    /// per source.
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
            self.shared_cte(
                &format!("{name}__deduped"),
                format!(
                    "SELECT * FROM {} WHERE {}",
                    self.id(&format!("{name}__ranked")),
                    keep.join(" OR ")
                ),
            );
        } else {
            // Without a key the rows are the read's, with their bucket:
            // cheaper to compute again for each reader than to store.
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
        // Read by signal integrity only: a statement of metrics alone
        // never computes it.
        let sc_bucket = self.id("sc_bucket");
        self.cte(
            &format!("{name}__received"),
            format!(
                "SELECT {sc_bucket}, count(*) AS {}\nFROM (SELECT {bucket} AS {sc_bucket} FROM {read}) AS {}\nGROUP BY {sc_bucket}",
                self.id("received"),
                self.id("b"),
            ),
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
        for c in source.key_columns() {
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
            self.counts(stream, &base, Group::Plain);
            if stream
                .counters
                .values()
                .any(|c| c.group() == Group::Windowed)
            {
                let input = self.subset(stream, &base, Group::Windowed);
                let rows = self.window_columns(stream, &input);
                self.counts(stream, &rows, Group::Windowed);
                if self.d.percentile("x", 0.5).is_none() {
                    self.window_percentiles(stream, &rows);
                }
            }
            if stream
                .counters
                .values()
                .any(|c| c.group() == Group::Distinct)
            {
                let input = self.subset(stream, &base, Group::Distinct);
                self.counts(stream, &input, Group::Distinct);
            }
        }
    }

    /// `<stream>__window_input` / `__distinct_input`: the rows of the
    /// events a group's counters count (and, for window columns, the B's
    /// they follow and the A's they count per key), so that sorts and hash
    /// tables see only those rows. The base itself when a counter counts
    /// every row.
    fn subset(&mut self, stream: &Stream<'_>, base: &str, group: Group) -> String {
        let mut alternatives: Vec<String> = Vec::new();
        let mut every_row = false;
        let mut push = |sql: Vec<String>| {
            let alternative = match sql.as_slice() {
                [] => {
                    every_row = true;
                    return;
                }
                [one] => one.clone(),
                _ => format!("({})", sql.join(" AND ")),
            };
            if !alternatives.contains(&alternative) {
                alternatives.push(alternative);
            }
        };
        let sql_of = |when: &[Pred<'_>]| -> Vec<String> {
            when.iter()
                .filter_map(|p| match p {
                    Pred::Sql(e) => Some(format!("({})", expr::render(self.d, e, None))),
                    _ => None,
                })
                .collect()
        };
        for counter in stream.counters.values().filter(|c| c.group() == group) {
            push(sql_of(counter.when()));
        }
        if group == Group::Windowed {
            for s in stream.sequences.iter().filter(|s| s.foreign.is_none()) {
                push(
                    s.to.filter
                        .iter()
                        .map(|f| format!("({})", expr::render(self.d, f, None)))
                        .collect(),
                );
            }
            for f in &stream.frequencies {
                push(sql_of(&f.when));
            }
        }
        if every_row {
            return base.to_string();
        }
        let name = format!(
            "{}__{}",
            stream.name,
            match group {
                Group::Distinct => "distinct_input",
                _ => "window_input",
            }
        );
        let body = format!(
            "SELECT * FROM {} WHERE {}",
            self.id(base),
            alternatives.join(" OR ")
        );
        // Each distinct count of each grouping set reads the distinct
        // rows; the window rows have one reader.
        if group == Group::Distinct {
            self.shared_cte(&name, body);
        } else {
            self.cte(&name, body);
        }
        name
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

    /// `<stream>__hourly`: the plain counters by UTC hour and cohort, then
    /// each hour's bucket. One cheap aggregation over every row, so that
    /// the bucket (a time-zone conversion) and the grouping sets are
    /// computed over hours, not rows.
    fn hourly(&mut self, stream: &Stream<'_>, rows: &str) -> String {
        let r = Some("r");
        let hour = self.d.utc_hour(&self.col("r", "sc_ts"));
        let dims: Vec<String> = stream.dims.iter().map(|dim| self.col("r", dim)).collect();
        let mut select = vec![format!("{hour} AS {}", self.id("sc_hour"))];
        select.extend(dims.iter().cloned());
        for (column, counter) in stream
            .counters
            .iter()
            .filter(|(_, c)| c.group() == Group::Plain)
        {
            let value = match counter {
                Counter::Sum { when, value } => format!(
                    "sum(CASE WHEN {} THEN {} END)",
                    self.preds(stream, when, r),
                    expr::render(self.d, value, Some(&self.id("r")))
                ),
                _ => format!(
                    "count(CASE WHEN {} THEN 1 END)",
                    self.preds(stream, counter.when(), r)
                ),
            };
            select.push(format!("{value} AS {}", self.id(column)));
        }
        let group_by: Vec<String> = std::iter::once(hour).chain(dims).collect();
        let name = format!("{}__hourly", stream.name);
        let body = format!(
            "SELECT *,\n{} AS {}\nFROM (SELECT {}\nFROM {} AS {}\nGROUP BY {}) AS {}",
            self.bucket_of(&self.id("sc_hour")),
            self.id("sc_bucket"),
            select.join(",\n"),
            self.id(rows),
            self.id("r"),
            group_by.join(", "),
            self.id("h")
        );
        self.cte(&name, body);
        name
    }

    /// `<stream>__counts`: every counter of the stream in one aggregation.
    fn counts(&mut self, stream: &Stream<'_>, rows: &str, group: Group) {
        // Plain counters add up by hour first where the zone allows it.
        let hourly = group == Group::Plain && self.hourly;
        let hourly_rows;
        let rows = if hourly {
            hourly_rows = self.hourly(stream, rows);
            hourly_rows.as_str()
        } else {
            rows
        };
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
        for (column, counter) in stream.counters.iter().filter(|(_, c)| c.group() == group) {
            let value = match counter {
                _ if hourly => format!("sum({})", self.col("r", column)),
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
        self.cte(&format!("{}__{}", stream.name, group.suffix()), body);
    }

    /// Minutes from a row to its next B of sequence `seq`.
    pub(super) fn minutes(&self, seq: usize, q: Option<&str>) -> String {
        let c = |name: &str| q.map_or_else(|| self.id(name), |q| self.col(q, name));
        self.d
            .minutes_between(&c("sc_ts"), &c(&format!("sc_next_{seq}")))
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

//! An independent expectation oracle for the engine suite: the rows the
//! `scorecard` view must hold, computed by plain Rust over the same input
//! rows. It reads only the checked model (never scorec's plan or SQL), so a
//! generator bug cannot hide in a shared helper.
//!
//! The contract (dedupe, buckets, units, kinds, attribution, density,
//! completeness) is the one the engine tests hold the SQL to; see each
//! function and the precise points of `DESIGN.md`.

mod csv;
mod eval;
mod metric;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use scorec::model::{Grain, Metric, MetricKind, Scorecard, WeekStart};
use sqlparser::ast::Expr;

use csv::Table;
pub(crate) use csv::Tables;
use eval::Value;

/// The time range of a run: `[start, end)` as local wall-clock times in the
/// scorecard's time zone, and the `--as-of` watermark if one is given.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Range {
    /// First bucket start (local).
    pub(crate) start: DateTime,
    /// End, exclusive (local).
    pub(crate) end: DateTime,
    /// Watermark override.
    pub(crate) as_of: Option<Timestamp>,
}

/// A numerator: exact decimal text for sums of decimal or integer columns,
/// a double otherwise (counts, sums of doubles).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Num {
    /// A count, or a double.
    Float(f64),
    /// An exact decimal, with the column's scale (`"12.30"`).
    Decimal(String),
}

/// One row of the `scorecard` view.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    /// Metric name.
    pub(crate) metric: String,
    /// Journey name.
    pub(crate) journey: String,
    /// Bucket start, local wall-clock time.
    pub(crate) bucket: DateTime,
    /// `overall`, or the grouped dimensions joined by `,` in cohort order.
    pub(crate) grouping: String,
    /// Every cohort dimension of the scorecard; NULL where not grouped.
    pub(crate) dims: BTreeMap<String, Option<String>>,
    /// The value; NULL for a zero denominator or no match.
    pub(crate) value: Option<f64>,
    /// Numerator.
    pub(crate) numerator: Option<Num>,
    /// Denominator.
    pub(crate) denominator: Option<f64>,
    /// Sample size.
    pub(crate) sample: Option<i64>,
    /// Whether the bucket is incomplete.
    pub(crate) incomplete: bool,
}

/// The expected rows; panics with the reason when the oracle cannot
/// evaluate the scorecard (an unsupported SQL fragment, a bad CSV cell).
pub(crate) fn expected(model: &Scorecard, tables: &Tables, range: Range) -> Vec<Row> {
    try_expected(model, tables, &range).unwrap_or_else(|e| panic!("oracle: {e}"))
}

/// The expected rows, in metric declaration order, then grouping (overall,
/// all cohorts, single-dimension rollups), bucket and dimension values.
pub(crate) fn try_expected(
    model: &Scorecard,
    tables: &Tables,
    range: &Range,
) -> Result<Vec<Row>, String> {
    let cx = Cx::new(model, tables, range)?;
    let mut memo = HashMap::new();
    let mut out = Vec::new();
    for name in model.metrics.keys() {
        out.extend(cx.metric_rows(name, &mut memo)?.iter().cloned());
    }
    Ok(out)
}

/// A reference to one input row: its index in the source's table and its
/// timestamp (UTC microseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rec {
    idx: usize,
    ts: i64,
}

/// Dimension values of a row in a metric's cohort order.
type Dims = Vec<Option<String>>;

struct Cx<'a> {
    model: &'a Scorecard,
    tables: &'a Tables,
    range: &'a Range,
    tz: TimeZone,
    /// UTC instant of the range start, microseconds.
    start_us: i64,
    /// Every bucket start in the range.
    buckets: Vec<DateTime>,
    /// Every cohort dimension of the scorecard.
    all_dims: BTreeSet<String>,
    /// Deduped rows by source and cutoff.
    deduped: RefCell<HashMap<(String, i64), Vec<Rec>>>,
}

const MICROS: i64 = 1_000_000;

fn micros(d: &scorec::syntax::duration::Duration) -> i64 {
    i64::try_from(d.seconds)
        .unwrap_or(i64::MAX)
        .saturating_mul(MICROS)
}

impl<'a> Cx<'a> {
    fn new(model: &'a Scorecard, tables: &'a Tables, range: &'a Range) -> Result<Self, String> {
        let tz = TimeZone::get(&model.settings.timezone).map_err(|e| e.to_string())?;
        let start_us = range
            .start
            .to_zoned_datetime(tz.clone())
            .map_err(|e| e.to_string())?
            .timestamp()
            .as_microsecond();
        let mut cx = Cx {
            model,
            tables,
            range,
            tz,
            start_us,
            buckets: Vec::new(),
            all_dims: model
                .journeys
                .values()
                .flat_map(|j| j.cohorts.iter().cloned())
                .collect(),
            deduped: RefCell::default(),
        };
        let mut b = cx.truncate(range.start)?;
        if b < range.start {
            b = cx.next_bucket(b)?;
        }
        while b < range.end {
            cx.buckets.push(b);
            b = cx.next_bucket(b)?;
        }
        Ok(cx)
    }

    fn table(&self, source: &str) -> Result<&'a Table, String> {
        self.tables
            .by_source
            .get(source)
            .ok_or_else(|| format!("no rows for source `{source}`"))
    }

    /// Reads a cell; a column the table lacks is an error.
    fn cell(&self, source: &str, idx: usize, column: &str) -> Result<Value, String> {
        let table = self.table(source)?;
        let at = table
            .position(column)
            .ok_or_else(|| format!("source `{source}` has no column `{column}`"))?;
        Ok(table.rows[idx][at].clone())
    }

    fn eval(&self, source: &str, idx: usize, expr: &Expr) -> Result<Value, String> {
        eval::eval(expr, &|c| self.cell(source, idx, c))
    }

    fn holds(&self, source: &str, idx: usize, expr: Option<&Expr>) -> Result<bool, String> {
        eval::holds(expr, &|c| self.cell(source, idx, c))
    }

    /// Text of a key column (NULL is `None`).
    fn key(&self, source: &str, rec: Rec, column: &str) -> Result<Option<String>, String> {
        Ok(self.cell(source, rec.idx, column)?.text())
    }

    /// Rows with a timestamp that pass the source filter, in file order.
    fn filtered(&self, source: &str) -> Result<Vec<Rec>, String> {
        let src = &self.model.sources[source];
        let table = self.table(source)?;
        let mut out = Vec::new();
        for idx in 0..table.rows.len() {
            let ts = match self.cell(source, idx, &src.timestamp)? {
                Value::Ts(ts) => ts,
                Value::Null => continue,
                other => return Err(format!("`{}` of `{source}` is {other:?}", src.timestamp)),
            };
            if self.holds(source, idx, src.filter.as_ref())? {
                out.push(Rec { idx, ts });
            }
        }
        Ok(out)
    }

    /// Where de-duplication (and the scan) of a metric's sources begins.
    fn dedupe_cutoff(&self) -> i64 {
        self.start_us
            .saturating_sub(micros(&self.model.settings.dedupe_lookback))
    }

    /// Filtered rows with `ts >= cutoff`, one per dedupe key: the earliest,
    /// ties by the smallest `dedupe_order` (NULL last), then file order. A
    /// NULL key is never a duplicate.
    fn deduped(&self, source: &str, cutoff: i64) -> Result<Vec<Rec>, String> {
        let key = (source.to_string(), cutoff);
        if let Some(rows) = self.deduped.borrow().get(&key) {
            return Ok(rows.clone());
        }
        let rows = self.dedupe(source, cutoff)?;
        self.deduped.borrow_mut().insert(key, rows.clone());
        Ok(rows)
    }

    fn dedupe(&self, source: &str, cutoff: i64) -> Result<Vec<Rec>, String> {
        let src = &self.model.sources[source];
        let rows: Vec<Rec> = self
            .filtered(source)?
            .into_iter()
            .filter(|r| r.ts >= cutoff)
            .collect();
        let Some(by) = &src.dedupe_by else {
            return Ok(rows);
        };
        let mut best: HashMap<String, (Rec, Value)> = HashMap::new();
        let mut keep = Vec::new();
        for rec in &rows {
            let Some(key) = self.key(source, *rec, by)? else {
                keep.push(*rec);
                continue;
            };
            let order = match &src.dedupe_order {
                Some(col) => self.cell(source, rec.idx, col)?,
                None => Value::Null,
            };
            let better = best.get(&key).is_none_or(|(old, old_order)| {
                rec.ts < old.ts || rec.ts == old.ts && nulls_last(&order, old_order).is_lt()
            });
            if better {
                best.insert(key, (*rec, order));
            }
        }
        keep.extend(best.into_values().map(|(r, _)| r));
        keep.sort_by_key(|r| r.idx);
        Ok(keep)
    }

    /// Deduped rows of an event (source rows that satisfy its filter).
    fn event_rows(&self, event: &str, cutoff: i64) -> Result<Vec<Rec>, String> {
        let ev = &self.model.events[event];
        let mut out = Vec::new();
        for rec in self.deduped(&ev.source, cutoff)? {
            if self.holds(&ev.source, rec.idx, ev.filter.as_ref())? {
                out.push(rec);
            }
        }
        Ok(out)
    }

    /// The local bucket start of an instant.
    fn bucket(&self, ts: i64) -> Result<DateTime, String> {
        let local = Timestamp::from_microsecond(ts)
            .map_err(|e| e.to_string())?
            .to_zoned_datetime(self.tz.clone())
            .datetime();
        self.truncate(local)
    }

    /// Whether a bucket lies in the range.
    fn in_range(&self, bucket: DateTime) -> bool {
        bucket >= self.range.start && bucket < self.range.end
    }

    fn truncate(&self, dt: DateTime) -> Result<DateTime, String> {
        let date = dt.date();
        Ok(match self.model.settings.grain {
            Grain::Hour => date.at(dt.hour(), 0, 0, 0),
            Grain::Day => date.at(0, 0, 0, 0),
            Grain::Week => {
                let back = match self.model.settings.week_start {
                    WeekStart::Monday => date.weekday().to_monday_zero_offset(),
                    WeekStart::Sunday => date.weekday().to_sunday_zero_offset(),
                };
                date.checked_sub(i64::from(back).days())
                    .map_err(|e| e.to_string())?
                    .at(0, 0, 0, 0)
            }
            Grain::Month => date.first_of_month().at(0, 0, 0, 0),
        })
    }

    fn next_bucket(&self, b: DateTime) -> Result<DateTime, String> {
        let step = match self.model.settings.grain {
            Grain::Hour => 1.hour(),
            Grain::Day => 1.day(),
            Grain::Week => 1.week(),
            Grain::Month => 1.month(),
        };
        b.checked_add(step).map_err(|e| e.to_string())
    }

    /// Newest timestamp of the sources' filtered rows at or after the
    /// dedupe cutoff (before de-duplication), or `--as-of`.
    fn watermark(&self, sources: &BTreeSet<String>) -> Result<Option<i64>, String> {
        if let Some(as_of) = self.range.as_of {
            return Ok(Some(as_of.as_microsecond()));
        }
        let mut newest = None;
        for s in sources {
            for r in self.filtered(s)? {
                if r.ts >= self.dedupe_cutoff() {
                    newest = newest.max(Some(r.ts));
                }
            }
        }
        Ok(newest)
    }

    /// Incomplete until the bucket's end plus the window (civil arithmetic
    /// in local time) is at or before the watermark in local time.
    fn incomplete(
        &self,
        bucket: DateTime,
        window_us: i64,
        watermark: Option<i64>,
    ) -> Result<bool, String> {
        let Some(wm) = watermark else {
            return Ok(true);
        };
        let end = self
            .next_bucket(bucket)?
            .checked_add(SignedDuration::from_micros(window_us))
            .map_err(|e| e.to_string())?;
        let wm_local = Timestamp::from_microsecond(wm)
            .map_err(|e| e.to_string())?
            .to_zoned_datetime(self.tz.clone())
            .datetime();
        Ok(end > wm_local)
    }

    /// The rows of one metric, memoised (derived metrics read their inputs').
    fn metric_rows<'m>(
        &self,
        name: &str,
        memo: &'m mut HashMap<String, Vec<Row>>,
    ) -> Result<&'m Vec<Row>, String> {
        if !memo.contains_key(name) {
            let m = self
                .model
                .metrics
                .get(name)
                .ok_or_else(|| format!("unknown metric `{name}`"))?;
            let rows = match &m.kind {
                MetricKind::Derived(arith) => self.derived(m, arith, memo)?,
                _ => self.measured(m)?,
            };
            memo.insert(name.to_string(), rows);
        }
        Ok(&memo[name])
    }

    /// Builds the dense rows of a metric from per-(grouping, bucket, dims)
    /// fields; `combos` lists the dimension values seen per grouping.
    fn emit(
        &self,
        m: &Metric,
        cohorts: &[String],
        combos: &dyn Fn(&[usize]) -> BTreeSet<Dims>,
        fields: &mut FieldsFn<'_>,
        window_us: i64,
        sources: &BTreeSet<String>,
    ) -> Result<Vec<Row>, String> {
        let watermark = self.watermark(sources)?;
        let mut out = Vec::new();
        for g in groupings(cohorts.len(), self.model.settings.rollups) {
            let grouping = if g.is_empty() {
                "overall".to_string()
            } else {
                g.iter()
                    .map(|&i| cohorts[i].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let seen = if g.is_empty() {
                BTreeSet::from([Vec::new()])
            } else {
                combos(&g)
            };
            for &bucket in &self.buckets {
                let incomplete = self.incomplete(bucket, window_us, watermark)?;
                for combo in &seen {
                    let f = fields(&g, bucket, combo)?;
                    let mut dims: BTreeMap<String, Option<String>> =
                        self.all_dims.iter().map(|d| (d.clone(), None)).collect();
                    for (&i, v) in g.iter().zip(combo) {
                        dims.insert(cohorts[i].clone(), v.clone());
                    }
                    out.push(Row {
                        metric: m.name.clone(),
                        journey: m.journey.clone(),
                        bucket,
                        grouping: grouping.clone(),
                        dims,
                        value: f.value,
                        numerator: f.numerator,
                        denominator: f.denominator,
                        sample: f.sample,
                        incomplete,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// Computes the fields of one grouping, bucket and cohort.
type FieldsFn<'f> = dyn FnMut(&[usize], DateTime, &Dims) -> Result<Fields, String> + 'f;

/// The measured fields of one row.
#[derive(Clone, Debug, Default, PartialEq)]
struct Fields {
    value: Option<f64>,
    numerator: Option<Num>,
    denominator: Option<f64>,
    sample: Option<i64>,
}

/// The groupings of `n` cohorts as index lists: overall, all of them, and
/// with rollups and two or more cohorts, each one alone.
fn groupings(n: usize, rollups: bool) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    if n > 0 {
        out.push((0..n).collect());
    }
    if rollups && n >= 2 {
        out.extend((0..n).map(|i| vec![i]));
    }
    out
}

/// Projects full dimension values onto a grouping.
fn project(dims: &Dims, g: &[usize]) -> Dims {
    g.iter().map(|&i| dims[i].clone()).collect()
}

/// Ascending order with NULL after every value.
fn nulls_last(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Greater,
        (_, Value::Null) => std::cmp::Ordering::Less,
        _ => eval::order(a, b),
    }
}

/// Microseconds of an optional window; `None` when unbounded.
fn window(d: Option<&scorec::syntax::duration::Duration>) -> Option<i64> {
    d.map(micros)
}

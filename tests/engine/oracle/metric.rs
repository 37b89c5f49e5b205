//! The kinds: units (filters, frequency, followed-by), count, sum, rate,
//! conversion, duration, cohort attribution and derived metrics.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::DateTime;
use scorec::model::{Metric, MetricKind, Sequence, Unit};
use scorec::syntax::ast::{Arith, ArithOp, CmpOp};

use super::eval::{Value, decimal_text, order};
use super::{Cx, Dims, Fields, Num, Rec, Row, micros, project, window};

/// One counted row with the dimension values it is grouped by.
struct Item<T> {
    bucket: DateTime,
    dims: Dims,
    data: T,
}

/// A counted row with its distinct key, if the unit counts distinct keys.
type Counted = Item<(Rec, Option<String>)>;
/// An A of a sequence with its key and the minutes to its B, if matched.
type Step = Item<(Option<String>, Option<f64>)>;
/// A metric's value and sample at one row.
type ValueSample = (Option<f64>, Option<i64>);
/// Looks up an input metric's value and sample.
type Lookup<'f> = dyn Fn(&str) -> Result<ValueSample, String> + 'f;

/// Items grouped per grouping, bucket and projected dimension values.
struct Groups<'i, T> {
    by: HashMap<(Vec<usize>, DateTime, Dims), Vec<&'i T>>,
}

impl<'i, T> Groups<'i, T> {
    fn new(items: &'i [Item<T>], cohorts: usize, rollups: bool) -> Self {
        let mut by: HashMap<_, Vec<&T>> = HashMap::new();
        for g in super::groupings(cohorts, rollups) {
            for item in items {
                by.entry((g.clone(), item.bucket, project(&item.dims, &g)))
                    .or_default()
                    .push(&item.data);
            }
        }
        Groups { by }
    }

    fn get(&self, g: &[usize], bucket: DateTime, dims: &Dims) -> &[&'i T] {
        self.by
            .get(&(g.to_vec(), bucket, dims.clone()))
            .map_or(&[], Vec::as_slice)
    }
}

/// How a metric's rows get their cohort: their own dimensions, or the
/// entity's latest attribution event (timestamp, tie-break, row index).
enum Dimmer {
    Direct,
    Attributed {
        source: String,
        lookback: i64,
        by_entity: HashMap<String, Vec<(i64, Value, usize)>>,
    },
}

/// How a sum adds up: exactly at a scale, or in doubles.
#[derive(Clone, Copy)]
enum SumKind {
    Exact(u32),
    Float,
}

impl Cx<'_> {
    /// A metric measured over rows (every kind but derived).
    pub(super) fn measured(&self, m: &Metric) -> Result<Vec<Row>, String> {
        let dimmer = self.dimmer(m)?;
        let seen = self.seen(m, &dimmer)?;
        let combos = |g: &[usize]| seen.iter().map(|d| project(d, g)).collect();
        let n = m.cohorts.len();
        let rollups = self.model.settings.rollups;
        let sources = own_sources(m);
        let win = own_window(m);
        match &m.kind {
            MetricKind::Count(u) => {
                let items = self.unit_items(m, &dimmer, u)?;
                let groups = Groups::new(&items, n, rollups);
                let mut fields = |g: &[usize], b, d: &Dims| {
                    let c = count(groups.get(g, b, d), u.distinct.is_some());
                    Ok(Fields {
                        value: Some(c as f64),
                        numerator: Some(Num::Float(c as f64)),
                        denominator: None,
                        sample: Some(c),
                    })
                };
                self.emit(m, &m.cohorts, &combos, &mut fields, win, &sources)
            }
            MetricKind::Sum { value, unit } => {
                let rows = self.unit_items(m, &dimmer, unit)?;
                let mut items = Vec::new();
                for it in rows {
                    let v = self.eval(&unit.source, it.data.0.idx, value)?;
                    items.push(Item {
                        bucket: it.bucket,
                        dims: it.dims,
                        data: v,
                    });
                }
                let kind = self.sum_kind(&unit.source, value, &items);
                let groups = Groups::new(&items, n, rollups);
                let mut fields = |g: &[usize], b, d: &Dims| sum(groups.get(g, b, d), kind);
                self.emit(m, &m.cohorts, &combos, &mut fields, win, &sources)
            }
            MetricKind::Rate {
                numerator,
                denominator,
            } => {
                let num = self.unit_items(m, &dimmer, numerator)?;
                let den = self.unit_items(m, &dimmer, denominator)?;
                let (gn, gd) = (Groups::new(&num, n, rollups), Groups::new(&den, n, rollups));
                let mut fields = |g: &[usize], b, d: &Dims| {
                    let x = count(gn.get(g, b, d), numerator.distinct.is_some());
                    let y = count(gd.get(g, b, d), denominator.distinct.is_some());
                    Ok(Fields {
                        value: (y != 0).then(|| x as f64 / y as f64),
                        numerator: Some(Num::Float(x as f64)),
                        denominator: Some(y as f64),
                        sample: Some(y),
                    })
                };
                self.emit(m, &m.cohorts, &combos, &mut fields, win, &sources)
            }
            MetricKind::Conversion(seq) => {
                let items = self.sequence_items(m, &dimmer, seq)?;
                let groups = Groups::new(&items, n, rollups);
                let mut fields = |g: &[usize], b, d: &Dims| {
                    let mut with_a = BTreeSet::new();
                    let mut reached = BTreeSet::new();
                    for (key, minutes) in groups.get(g, b, d) {
                        if let Some(k) = key {
                            with_a.insert(k);
                            if minutes.is_some() {
                                reached.insert(k);
                            }
                        }
                    }
                    let (x, y) = (reached.len() as i64, with_a.len() as i64);
                    Ok(Fields {
                        value: (y != 0).then(|| x as f64 / y as f64),
                        numerator: Some(Num::Float(x as f64)),
                        denominator: Some(y as f64),
                        sample: Some(y),
                    })
                };
                self.emit(m, &m.cohorts, &combos, &mut fields, win, &sources)
            }
            MetricKind::Duration {
                percentile,
                sequence,
                ..
            } => {
                let items = self.sequence_items(m, &dimmer, sequence)?;
                let groups = Groups::new(&items, n, rollups);
                let mut fields = |g: &[usize], b, d: &Dims| {
                    let all = groups.get(g, b, d);
                    let mut matched: Vec<f64> = all.iter().filter_map(|(_, x)| *x).collect();
                    matched.sort_by(f64::total_cmp);
                    Ok(Fields {
                        value: percentile_cont(&matched, *percentile / 100.0),
                        numerator: Some(Num::Float(matched.len() as f64)),
                        denominator: Some(all.len() as f64),
                        sample: Some(matched.len() as i64),
                    })
                };
                self.emit(m, &m.cohorts, &combos, &mut fields, win, &sources)
            }
            MetricKind::Derived(_) => Err(format!("`{}` is derived", m.name)),
        }
    }

    /// A derived metric: its inputs' values combined per grouping, bucket
    /// and dimension values; an input without a row there takes its empty
    /// value (count and sum 0, the others NULL, sample 0).
    pub(super) fn derived(
        &self,
        m: &Metric,
        arith: &Arith,
        memo: &mut HashMap<String, Vec<Row>>,
    ) -> Result<Vec<Row>, String> {
        let mut inputs = Vec::new();
        metric_refs(arith, &mut inputs);
        type Key = (String, DateTime, BTreeMap<String, Option<String>>);
        let mut index: HashMap<String, HashMap<Key, ValueSample>> = HashMap::new();
        let mut groupings_of: HashMap<String, BTreeMap<String, BTreeSet<Dims>>> = HashMap::new();
        let cohorts = self.effective_cohorts(m)?;
        for name in &inputs {
            let rows = self.metric_rows(name, memo)?;
            let idx = index.entry(name.clone()).or_default();
            let gs = groupings_of.entry(name.clone()).or_default();
            for r in rows {
                idx.insert(
                    (r.grouping.clone(), r.bucket, r.dims.clone()),
                    (r.value, r.sample),
                );
                let dims: Dims = cohorts.iter().map(|c| r.dims[c].clone()).collect();
                gs.entry(r.grouping.clone()).or_default().insert(dims);
            }
        }
        let name_of = |g: &[usize]| -> String {
            if g.is_empty() {
                "overall".into()
            } else {
                g.iter()
                    .map(|&i| cohorts[i].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            }
        };
        let mut missing = None;
        let combos = |g: &[usize]| -> BTreeSet<Dims> {
            let gname = name_of(g);
            let mut out = BTreeSet::new();
            for gs in groupings_of.values() {
                for d in gs.get(&gname).into_iter().flatten() {
                    out.insert(project(d, g));
                }
            }
            out
        };
        for g in super::groupings(cohorts.len(), self.model.settings.rollups) {
            for name in &inputs {
                if !groupings_of[name].contains_key(&name_of(&g)) {
                    missing = Some(format!(
                        "derived `{}` needs grouping `{}` that input `{name}` does not have",
                        m.name,
                        name_of(&g)
                    ));
                }
            }
        }
        if let Some(e) = missing {
            return Err(e);
        }
        let mut fields = |g: &[usize], b: DateTime, d: &Dims| {
            let mut dims: BTreeMap<String, Option<String>> =
                self.all_dims.iter().map(|x| (x.clone(), None)).collect();
            for (&i, v) in g.iter().zip(d) {
                dims.insert(cohorts[i].clone(), v.clone());
            }
            let key = (name_of(g), b, dims);
            let mut samples = Vec::new();
            let look = |name: &str| -> Result<ValueSample, String> {
                match index.get(name).and_then(|i| i.get(&key)) {
                    Some(v) => Ok(*v),
                    None => self.empty(name),
                }
            };
            let value = eval_arith(arith, &look, &mut samples)?;
            Ok(Fields {
                value,
                numerator: None,
                denominator: None,
                sample: samples.into_iter().min(),
            })
        };
        let win = self.metric_window(m)?;
        let sources = self.metric_sources(m)?;
        self.emit(m, &cohorts, &combos, &mut fields, win, &sources)
    }

    /// Value and sample of a metric where it saw no rows.
    fn empty(&self, name: &str) -> Result<ValueSample, String> {
        let m = &self.model.metrics[name];
        Ok(match &m.kind {
            MetricKind::Count(_) | MetricKind::Sum { .. } => (Some(0.0), Some(0)),
            MetricKind::Derived(arith) => {
                let mut samples = Vec::new();
                let v = eval_arith(arith, &|n| self.empty(n), &mut samples)?;
                (v, samples.into_iter().min())
            }
            _ => (None, Some(0)),
        })
    }

    /// The cohorts a metric is grouped by; a derived metric without its
    /// own takes the journey cohorts that all of its inputs have.
    fn effective_cohorts(&self, m: &Metric) -> Result<Vec<String>, String> {
        let MetricKind::Derived(arith) = &m.kind else {
            return Ok(m.cohorts.clone());
        };
        if !m.cohorts.is_empty() {
            return Ok(m.cohorts.clone());
        }
        let mut inputs = Vec::new();
        metric_refs(arith, &mut inputs);
        let mut of_inputs = Vec::new();
        for i in &inputs {
            of_inputs.push(self.effective_cohorts(&self.model.metrics[i])?);
        }
        if of_inputs.is_empty() {
            return Ok(Vec::new());
        }
        let journey = &self.model.journeys[&m.journey];
        Ok(journey
            .cohorts
            .iter()
            .filter(|c| of_inputs.iter().all(|cs| cs.contains(c)))
            .cloned()
            .collect())
    }

    /// The sources whose watermark a metric uses (derived: its inputs').
    fn metric_sources(&self, m: &Metric) -> Result<BTreeSet<String>, String> {
        let MetricKind::Derived(arith) = &m.kind else {
            return Ok(own_sources(m));
        };
        let mut inputs = Vec::new();
        metric_refs(arith, &mut inputs);
        let mut out = BTreeSet::new();
        for i in inputs {
            out.extend(self.metric_sources(&self.model.metrics[&i])?);
        }
        Ok(out)
    }

    /// The longest window of a metric, microseconds (derived: its inputs').
    fn metric_window(&self, m: &Metric) -> Result<i64, String> {
        let MetricKind::Derived(arith) = &m.kind else {
            return Ok(own_window(m));
        };
        let mut inputs = Vec::new();
        metric_refs(arith, &mut inputs);
        let mut out = 0;
        for i in inputs {
            out = out.max(self.metric_window(&self.model.metrics[&i])?);
        }
        Ok(out)
    }

    fn dimmer(&self, m: &Metric) -> Result<Dimmer, String> {
        let Some(a) = &m.attribution else {
            return Ok(Dimmer::Direct);
        };
        let src = &self.model.sources[&a.source];
        let entity = src
            .entity
            .as_ref()
            .ok_or_else(|| format!("source `{}` has no entity", a.source))?;
        let lookback = micros(&a.lookback);
        // The attribution scan starts a look-back before the range, and its
        // de-duplication a dedupe look-back before that.
        let cutoff = self.dedupe_cutoff().saturating_sub(lookback);
        let mut by_entity: HashMap<String, Vec<(i64, Value, usize)>> = HashMap::new();
        for rec in self.event_rows(&a.event, cutoff)? {
            let Some(key) = self.key(&a.source, rec, entity)? else {
                continue;
            };
            let tie = match &a.tie_break {
                Some(c) => self.cell(&a.source, rec.idx, c)?,
                None => Value::Null,
            };
            by_entity
                .entry(key)
                .or_default()
                .push((rec.ts, tie, rec.idx));
        }
        Ok(Dimmer::Attributed {
            source: a.source.clone(),
            lookback,
            by_entity,
        })
    }

    /// The cohort values of a row of `source` for metric `m`.
    fn dims(&self, m: &Metric, dimmer: &Dimmer, source: &str, rec: Rec) -> Result<Dims, String> {
        let Dimmer::Attributed {
            source: from,
            lookback,
            by_entity,
        } = dimmer
        else {
            return self.source_dims(source, rec.idx, &m.cohorts);
        };
        let entity = self.model.sources[source]
            .entity
            .as_ref()
            .ok_or_else(|| format!("source `{source}` has no entity"))?;
        let best = self.key(source, rec, entity)?.and_then(|key| {
            by_entity
                .get(&key)?
                .iter()
                .filter(|(ts, _, _)| *ts <= rec.ts && *ts >= rec.ts.saturating_sub(*lookback))
                .max_by(|a, b| a.0.cmp(&b.0).then(order(&a.1, &b.1)).then(a.2.cmp(&b.2)))
        });
        match best {
            Some((_, _, idx)) => self.source_dims(from, *idx, &m.cohorts),
            None => Ok(vec![None; m.cohorts.len()]),
        }
    }

    fn source_dims(&self, source: &str, idx: usize, cohorts: &[String]) -> Result<Dims, String> {
        let src = &self.model.sources[source];
        cohorts
            .iter()
            .map(|c| {
                let dim = src
                    .dimensions
                    .get(c)
                    .ok_or_else(|| format!("source `{source}` has no dimension `{c}`"))?;
                let v = match &dim.expr {
                    Some(e) => self.eval(source, idx, e)?,
                    None => self.cell(source, idx, c)?,
                };
                Ok(v.text())
            })
            .collect()
    }

    /// Dimension values seen among the in-range deduped rows of any event
    /// of the metric's sources (attributed when the metric attributes).
    fn seen(&self, m: &Metric, dimmer: &Dimmer) -> Result<BTreeSet<Dims>, String> {
        let mut out = BTreeSet::new();
        for s in own_sources(m) {
            let events: Vec<_> = self
                .model
                .events
                .values()
                .filter(|e| e.source == s)
                .collect();
            for rec in self.deduped(&s, self.dedupe_cutoff())? {
                if !self.in_range(self.bucket(rec.ts)?) {
                    continue;
                }
                let mut any = false;
                for e in &events {
                    any = any || self.holds(&s, rec.idx, e.filter.as_ref())?;
                }
                if any {
                    out.insert(self.dims(m, dimmer, &s, rec)?);
                }
            }
        }
        Ok(out)
    }

    /// In-range deduped rows of an event, by bucket.
    fn in_range_rows(&self, event: &str) -> Result<Vec<(DateTime, Rec)>, String> {
        let mut out = Vec::new();
        for rec in self.event_rows(event, self.dedupe_cutoff())? {
            let b = self.bucket(rec.ts)?;
            if self.in_range(b) {
                out.push((b, rec));
            }
        }
        Ok(out)
    }

    /// All deduped rows of an event (at any time after the cutoff) by the
    /// text of a key column, sorted by timestamp.
    fn keyed(&self, event: &str, column: &str) -> Result<HashMap<String, Vec<Rec>>, String> {
        let source = &self.model.events[event].source;
        let mut out: HashMap<String, Vec<Rec>> = HashMap::new();
        for rec in self.event_rows(event, self.dedupe_cutoff())? {
            if let Some(k) = self.key(source, rec, column)? {
                out.entry(k).or_default().push(rec);
            }
        }
        for v in out.values_mut() {
            v.sort_by_key(|r| (r.ts, r.idx));
        }
        Ok(out)
    }

    /// The rows a unit counts, each with its distinct key (if any).
    fn unit_items(&self, m: &Metric, dimmer: &Dimmer, u: &Unit) -> Result<Vec<Counted>, String> {
        let mut rows = Vec::new();
        for (b, rec) in self.in_range_rows(&u.event)? {
            if self.holds(&u.source, rec.idx, u.filter.as_ref())? {
                rows.push((b, rec));
            }
        }
        if let Some(f) = &u.frequency {
            let mut counts: HashMap<(DateTime, String), u64> = HashMap::new();
            let mut keys = Vec::new();
            for (b, rec) in &rows {
                let k = self.key(&u.source, *rec, &f.key)?;
                if let Some(k) = &k {
                    *counts.entry((*b, k.clone())).or_default() += 1;
                }
                keys.push(k);
            }
            let mut kept = Vec::new();
            for ((b, rec), k) in rows.into_iter().zip(keys) {
                let Some(k) = k else { continue };
                let n = counts[&(b, k)];
                let ok = match f.op {
                    CmpOp::Lt => n < f.count,
                    CmpOp::Le => n <= f.count,
                    CmpOp::Gt => n > f.count,
                    CmpOp::Ge => n >= f.count,
                };
                if ok {
                    kept.push((b, rec));
                }
            }
            rows = kept;
        }
        if let Some(fb) = &u.followed_by {
            let bs = self.keyed(&fb.event, &fb.other_key)?;
            let within = window(fb.within.as_ref());
            let mut kept = Vec::new();
            for (b, a) in rows {
                let Some(k) = self.key(&u.source, a, &fb.key)? else {
                    continue;
                };
                let followed = bs.get(&k).is_some_and(|v| {
                    v.iter().any(|r| {
                        r.ts >= a.ts
                            && within.is_none_or(|w| r.ts <= a.ts.saturating_add(w))
                            && !(fb.source == u.source && r.idx == a.idx)
                    })
                });
                if followed {
                    kept.push((b, a));
                }
            }
            rows = kept;
        }
        let mut out = Vec::new();
        for (b, rec) in rows {
            let distinct = match &u.distinct {
                Some(c) => self.key(&u.source, rec, c)?,
                None => None,
            };
            out.push(Item {
                bucket: b,
                dims: self.dims(m, dimmer, &u.source, rec)?,
                data: (rec, distinct),
            });
        }
        Ok(out)
    }

    /// Each in-range A with its key and the minutes to its first B within
    /// the window (`None` when unmatched or its key is NULL).
    fn sequence_items(
        &self,
        m: &Metric,
        dimmer: &Dimmer,
        s: &Sequence,
    ) -> Result<Vec<Step>, String> {
        let bs = self.keyed(&s.to, &s.other_key)?;
        let within = window(s.within.as_ref());
        let mut out = Vec::new();
        for (b, a) in self.in_range_rows(&s.from)? {
            let key = self.key(&s.from_source, a, &s.key)?;
            let first = key.as_ref().and_then(|k| {
                bs.get(k)?
                    .iter()
                    .find(|r| r.ts >= a.ts && !(s.to_source == s.from_source && r.idx == a.idx))
            });
            let minutes = first
                .filter(|r| within.is_none_or(|w| r.ts <= a.ts.saturating_add(w)))
                .map(|r| (r.ts - a.ts) as f64 / 60_000_000.0);
            out.push(Item {
                bucket: b,
                dims: self.dims(m, dimmer, &s.from_source, a)?,
                data: (key, minutes),
            });
        }
        Ok(out)
    }

    fn sum_kind(
        &self,
        source: &str,
        value: &sqlparser::ast::Expr,
        items: &[Item<Value>],
    ) -> SumKind {
        use sqlparser::ast::Expr;
        if let Expr::Identifier(id) = value
            && let Some(ty) = self.model.sources[source].columns.get(&id.value)
        {
            match ty.split('(').next().unwrap_or("").trim() {
                "decimal" => return SumKind::Exact(super::csv::decimal_scale(ty)),
                "integer" => return SumKind::Exact(0),
                "double" => return SumKind::Float,
                _ => {}
            }
        }
        let mut scale = None;
        for it in items {
            match &it.data {
                Value::Float(_) => return SumKind::Float,
                Value::Dec(_, s) => scale = scale.max(Some(*s)),
                Value::Int(_) => scale = scale.max(Some(0)),
                _ => {}
            }
        }
        scale.map_or(SumKind::Float, SumKind::Exact)
    }
}

fn count(items: &[&(Rec, Option<String>)], distinct: bool) -> i64 {
    if distinct {
        items
            .iter()
            .filter_map(|(_, k)| k.as_ref())
            .collect::<BTreeSet<_>>()
            .len() as i64
    } else {
        items.len() as i64
    }
}

/// Sums non-NULL values: exactly in units of the scale, or in doubles.
fn sum(values: &[&Value], kind: SumKind) -> Result<Fields, String> {
    let present: Vec<&Value> = values
        .iter()
        .copied()
        .filter(|v| **v != Value::Null)
        .collect();
    let sample = Some(present.len() as i64);
    Ok(match kind {
        SumKind::Exact(scale) => {
            let mut total: i128 = 0;
            for v in &present {
                let units = match v {
                    Value::Dec(u, s) if *s <= scale => u * 10i128.pow(scale - s),
                    Value::Int(i) => i128::from(*i) * 10i128.pow(scale),
                    other => return Err(format!("cannot sum {other:?} exactly at scale {scale}")),
                };
                total += units;
            }
            let text = decimal_text(total, scale);
            Fields {
                value: Some(text.parse().map_err(|_| format!("bad sum {text}"))?),
                numerator: Some(Num::Decimal(text)),
                denominator: None,
                sample,
            }
        }
        SumKind::Float => {
            let mut total = 0.0;
            for v in &present {
                total += match v {
                    Value::Float(f) => *f,
                    Value::Int(i) => *i as f64,
                    other => return Err(format!("cannot sum {other:?} as a double")),
                };
            }
            Fields {
                value: Some(total),
                numerator: Some(Num::Float(total)),
                denominator: None,
                sample,
            }
        }
    })
}

/// `percentile_cont(p)` over sorted values; NULL when there are none.
pub(super) fn percentile_cont(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = p * last as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// The sources whose rows a measured metric buckets.
fn own_sources(m: &Metric) -> BTreeSet<String> {
    match &m.kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => {
            BTreeSet::from([u.source.clone()])
        }
        MetricKind::Rate {
            numerator,
            denominator,
        } => BTreeSet::from([numerator.source.clone(), denominator.source.clone()]),
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            BTreeSet::from([s.from_source.clone()])
        }
        MetricKind::Derived(_) => BTreeSet::new(),
    }
}

/// The longest sequence or followed-by window of a measured metric, 0 when
/// none (an unbounded window counts as none).
fn own_window(m: &Metric) -> i64 {
    let fb = |u: &Unit| {
        u.followed_by
            .as_ref()
            .and_then(|f| window(f.within.as_ref()))
            .unwrap_or(0)
    };
    match &m.kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => fb(u),
        MetricKind::Rate {
            numerator,
            denominator,
        } => fb(numerator).max(fb(denominator)),
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            window(s.within.as_ref()).unwrap_or(0)
        }
        MetricKind::Derived(_) => 0,
    }
}

fn metric_refs(a: &Arith, out: &mut Vec<String>) {
    match a {
        Arith::Number(_) => {}
        Arith::Metric(m) => {
            if !out.contains(&m.node) {
                out.push(m.node.clone());
            }
        }
        Arith::Neg(i) => metric_refs(i, out),
        Arith::Binary(l, _, r) => {
            metric_refs(l, out);
            metric_refs(r, out);
        }
    }
}

/// Evaluates derived arithmetic; NULL in, NULL out; x / 0 is NULL. Every
/// input's sample is collected, even under a NULL.
fn eval_arith(a: &Arith, look: &Lookup<'_>, samples: &mut Vec<i64>) -> Result<Option<f64>, String> {
    Ok(match a {
        Arith::Number(n) => Some(
            n.node
                .replace('_', "")
                .parse()
                .map_err(|_| format!("`{}` is not a number", n.node))?,
        ),
        Arith::Metric(m) => {
            let (v, s) = look(&m.node)?;
            samples.extend(s);
            v
        }
        Arith::Neg(i) => eval_arith(i, look, samples)?.map(|x| -x),
        Arith::Binary(l, op, r) => {
            let (x, y) = (eval_arith(l, look, samples)?, eval_arith(r, look, samples)?);
            match (x, y) {
                (Some(x), Some(y)) => match op {
                    ArithOp::Add => Some(x + y),
                    ArithOp::Sub => Some(x - y),
                    ArithOp::Mul => Some(x * y),
                    ArithOp::Div => (y != 0.0).then(|| x / y),
                },
                _ => None,
            }
        }
    })
}

//! The report of a run: what every output format shows, built from the
//! status and metric rows and the scorecard. Journeys, pairs and sides in
//! declaration order; per side the headline cohort's newest judged value,
//! its series, and the worst cohorts; signal integrity first; alerts with
//! the owner who must act.
//!
//! The JSON output is this structure (`schema_version` 1, docs/run.md).

use serde::Serialize;

use super::{Evaluation, Level, Status, Value};
use crate::model::{Good, Metric, Scorecard};
use crate::syntax::print_expr;

/// The version of the JSON schema.
pub const SCHEMA_VERSION: u32 = 1;

/// What the user asked to see.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only this journey.
    pub journey: Option<String>,
    /// Only this cohort: `(dimension, value)`; its rows are the headline.
    pub cohort: Option<(String, String)>,
}

impl Filter {
    /// The cohort text of the headline rows.
    pub fn headline(&self) -> String {
        self.cohort
            .as_ref()
            .map_or_else(|| "overall".to_string(), |(d, v)| format!("{d}={v}"))
    }

    /// Rows of no journey (signal integrity) are always kept.
    fn keeps_journey(&self, journey: Option<&str>) -> bool {
        match (&self.journey, journey) {
            (Some(wanted), Some(row)) => wanted == row,
            _ => true,
        }
    }

    fn keeps_cohort(&self, cohort: &str) -> bool {
        match &self.cohort {
            None => true,
            Some((d, v)) => cohort.split(',').any(|part| part == format!("{d}={v}")),
        }
    }
}

/// A run's report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The JSON schema's version.
    pub schema_version: u32,
    /// The scorecard.
    pub scorecard: Meta,
    /// The buckets shown, oldest first.
    pub buckets: Vec<String>,
    /// The cohort of the headline values (`overall`, or `--cohort`).
    pub cohort: String,
    /// Where each source's data came from.
    pub data: Vec<DataSource>,
    /// Signal integrity per source and check, newest judged bucket.
    pub integrity: Vec<Judged>,
    /// Journeys with their pairs.
    pub journeys: Vec<JourneyReport>,
    /// Breaches of each check's newest judged bucket.
    pub alerts: Vec<Status>,
    /// Counts.
    pub summary: Summary,
    /// Every status row of the buckets shown.
    pub statuses: Vec<Status>,
    /// Every metric row of the buckets shown.
    pub values: Vec<Value>,
}

/// The scorecard's name and settings.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    /// Name.
    pub name: String,
    /// Title.
    pub title: Option<String>,
    /// Time zone of the buckets.
    pub timezone: String,
    /// `hour`, `day`, `week` or `month`.
    pub grain: String,
}

impl Meta {
    /// The title, or the name when the scorecard has none.
    pub fn heading(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }
}

/// A bound source.
#[derive(Clone, Debug, Serialize)]
pub struct DataSource {
    /// Source name.
    pub source: String,
    /// Table name in the scorecard.
    pub table: String,
    /// File, folder or database read.
    pub path: String,
    /// `parquet`, `csv`, `json` or `duckdb`.
    pub format: String,
}

/// One status row worth showing: the newest judged of a check and cohort.
pub type Judged = Status;

/// A journey.
#[derive(Clone, Debug, Serialize)]
pub struct JourneyReport {
    /// Name.
    pub name: String,
    /// Title.
    pub title: Option<String>,
    /// Tier.
    pub tier: String,
    /// Security owner.
    pub security_owner: Option<String>,
    /// Product owner.
    pub product_owner: Option<String>,
    /// Pairs.
    pub pairs: Vec<PairReport>,
}

/// A pair.
#[derive(Clone, Debug, Serialize)]
pub struct PairReport {
    /// Name.
    pub name: String,
    /// The action its breaches trigger.
    pub action: Option<String>,
    /// Security side, then experience side.
    pub sides: Vec<SideReport>,
    /// The trade-off rule's newest judged status, if the pair has one.
    pub tradeoff: Option<Status>,
    /// The trade-off rule as written.
    pub tradeoff_rule: Option<String>,
    /// Framework controls the pair evidences.
    pub controls: Vec<Control>,
    /// Control changes of the journey that name a side's metric.
    pub changes: Vec<Change>,
}

/// One side of a pair.
#[derive(Clone, Debug, Serialize)]
pub struct SideReport {
    /// `security` or `experience`.
    pub side: String,
    /// Metric.
    pub metric: String,
    /// Metric kind (`rate`, `count`, ...).
    pub kind: String,
    /// Whether values are fractions shown as percentages.
    pub fraction: bool,
    /// Display unit (`minutes` for durations).
    pub unit: Option<String>,
    /// `high` or `low`: which way is good.
    pub good: String,
    /// Warn bound as written.
    pub warn: Option<String>,
    /// Critical bound as written.
    pub critical: Option<String>,
    /// The headline cohort's newest judged row.
    pub latest: Option<Status>,
    /// The headline cohort's row per bucket.
    pub series: Vec<Point>,
    /// Up to three other cohorts of the newest judged bucket, worst first.
    pub worst_cohorts: Vec<Status>,
}

/// A value of a series.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// Bucket.
    pub bucket: String,
    /// Value.
    pub value: Option<f64>,
    /// Status.
    pub status: Level,
}

/// A framework control.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// Framework.
    pub framework: String,
    /// ID.
    pub id: String,
    /// Title.
    pub title: String,
}

/// A control change.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// Name.
    pub name: String,
    /// Title.
    pub title: Option<String>,
    /// Date (`YYYY-MM-DD`).
    pub date: String,
}

/// Counts over the report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Pair sides shown.
    pub sides: usize,
    /// Headline sides by status.
    pub ok: usize,
    /// Headline sides at warn.
    pub warn: usize,
    /// Headline sides at critical.
    pub critical: usize,
    /// Headline sides not judged (insufficient or incomplete).
    pub not_judged: usize,
    /// Warn alerts.
    pub warn_alerts: usize,
    /// Critical alerts.
    pub critical_alerts: usize,
}

/// Builds the report.
pub fn build(
    model: &Scorecard,
    evaluation: &Evaluation,
    data: Vec<DataSource>,
    filter: &Filter,
) -> Report {
    let headline = filter.headline();
    let statuses: Vec<Status> = evaluation
        .statuses
        .iter()
        .filter(|s| filter.keeps_journey(s.journey.as_deref()) && filter.keeps_cohort(&s.cohort))
        .cloned()
        .collect();
    let values: Vec<Value> = evaluation
        .values
        .iter()
        .filter(|v| filter.keeps_journey(Some(&v.journey)) && filter.keeps_cohort(&v.cohort))
        .cloned()
        .collect();
    let mut buckets: Vec<String> = values.iter().map(|v| v.bucket.clone()).collect();
    buckets.extend(statuses.iter().map(|s| s.bucket.clone()));
    // Data without rows judges freshness without a bucket.
    buckets.retain(|b| !b.is_empty());
    buckets.sort();
    buckets.dedup();

    // Integrity is judged per source, never per cohort; sources in
    // declaration order, each's checks in the order the docs list them.
    let mut integrity = newest_judged(statuses.iter().filter(|s| s.source.is_some()), "overall");
    let source_index = |s: &Status| {
        s.source
            .as_deref()
            .and_then(|name| model.sources.get_index_of(name))
            .unwrap_or(usize::MAX)
    };
    let rule_index = |s: &Status| {
        ["freshness", "volume", "duplicates"]
            .iter()
            .position(|r| *r == s.rule)
            .unwrap_or(usize::MAX)
    };
    integrity.sort_by_key(|s| (source_index(s), rule_index(s)));
    let mut journeys = Vec::new();
    for journey in model.journeys.values() {
        if !filter.keeps_journey(Some(&journey.name)) {
            continue;
        }
        let pairs = journey
            .pairs
            .iter()
            .filter_map(|p| model.pairs.get(p))
            .map(|pair| {
                let rows = |side: &str| -> Vec<&Status> {
                    statuses
                        .iter()
                        .filter(|s| {
                            s.rule == "threshold"
                                && s.pair.as_deref() == Some(&pair.name)
                                && s.side.as_deref() == Some(side)
                        })
                        .collect()
                };
                let sides = [
                    ("security", &pair.security),
                    ("experience", &pair.experience),
                ]
                .into_iter()
                .map(|(side, ps)| {
                    let metric = &model.metrics[&ps.metric];
                    side_report(side, metric, ps, &rows(side), &headline)
                })
                .collect();
                let tradeoff_rows: Vec<&Status> = statuses
                    .iter()
                    .filter(|s| s.rule == "tradeoff" && s.pair.as_deref() == Some(&pair.name))
                    .collect();
                let tradeoff = newest_judged(tradeoff_rows.into_iter(), &headline)
                    .into_iter()
                    .next();
                let metrics = [&pair.security.metric, &pair.experience.metric];
                PairReport {
                    name: pair.name.clone(),
                    action: pair.action.clone(),
                    sides,
                    tradeoff,
                    tradeoff_rule: pair.tradeoff.as_ref().map(print_expr::tradeoff),
                    controls: pair
                        .maps
                        .iter()
                        .map(|m| Control {
                            framework: m.framework.clone(),
                            id: m.id.clone(),
                            title: m.title.clone(),
                        })
                        .collect(),
                    changes: model
                        .changes
                        .values()
                        .filter(|c| {
                            c.journeys.contains(&journey.name)
                                && (c.outcomes.is_empty()
                                    || c.outcomes.iter().any(|o| metrics.contains(&o)))
                        })
                        .map(|c| Change {
                            name: c.name.clone(),
                            title: c.title.clone(),
                            date: c.date.to_string(),
                        })
                        .collect(),
                }
            })
            .collect();
        journeys.push(JourneyReport {
            name: journey.name.clone(),
            title: journey.title.clone(),
            tier: journey.tier.as_str().to_string(),
            security_owner: journey.security_owner.clone(),
            product_owner: journey.product_owner.clone(),
            pairs,
        });
    }
    let mut alerts: Vec<Status> = evaluation
        .breaches
        .iter()
        .filter(|s| filter.keeps_journey(s.journey.as_deref()) && filter.keeps_cohort(&s.cohort))
        .cloned()
        .collect();
    // Critical first; the breach query's order within a severity.
    alerts.sort_by_key(|a| std::cmp::Reverse(a.status));
    let mut summary = Summary::default();
    for side in journeys
        .iter()
        .flat_map(|j| &j.pairs)
        .flat_map(|p| &p.sides)
    {
        summary.sides += 1;
        match side.latest.as_ref().map(|l| l.status) {
            Some(Level::Ok) => summary.ok += 1,
            Some(Level::Warn) => summary.warn += 1,
            Some(Level::Critical) => summary.critical += 1,
            _ => summary.not_judged += 1,
        }
    }
    summary.warn_alerts = alerts.iter().filter(|a| a.status == Level::Warn).count();
    summary.critical_alerts = alerts
        .iter()
        .filter(|a| a.status == Level::Critical)
        .count();
    Report {
        schema_version: SCHEMA_VERSION,
        scorecard: Meta {
            name: model.name.clone(),
            title: model.title.clone(),
            timezone: model.settings.timezone.clone(),
            grain: crate::sql::dialect::grain_word(model.settings.grain).to_string(),
        },
        buckets,
        cohort: headline,
        data,
        integrity,
        journeys,
        alerts,
        summary,
        statuses,
        values,
    }
}

/// The newest judged row of each check (rule, pair, side, source) in a
/// cohort; the newest row when none is judged yet.
fn newest_judged<'s>(rows: impl Iterator<Item = &'s Status>, cohort: &str) -> Vec<Status> {
    let mut out: Vec<Status> = Vec::new();
    for row in rows.filter(|r| r.cohort == cohort) {
        let key = |s: &Status| {
            (
                s.rule.clone(),
                s.pair.clone(),
                s.side.clone(),
                s.source.clone(),
            )
        };
        let better = |have: &Status| {
            let judged = |s: &Status| s.status != Level::Incomplete;
            (judged(row), &row.bucket) > (judged(have), &have.bucket)
        };
        match out.iter_mut().find(|s| key(s) == key(row)) {
            Some(have) if better(have) => *have = row.clone(),
            Some(_) => {}
            None => out.push(row.clone()),
        }
    }
    out
}

fn side_report(
    side: &str,
    metric: &Metric,
    ps: &crate::model::PairSide,
    rows: &[&Status],
    headline: &str,
) -> SideReport {
    let latest = newest_judged(rows.iter().copied(), headline)
        .into_iter()
        .next();
    let mut series: Vec<Point> = rows
        .iter()
        .filter(|r| r.cohort == headline)
        .map(|r| Point {
            bucket: r.bucket.clone(),
            value: r.value,
            status: r.status,
        })
        .collect();
    series.sort_by(|a, b| a.bucket.cmp(&b.bucket));
    let mut worst: Vec<Status> = match &latest {
        Some(l) => rows
            .iter()
            .filter(|r| {
                r.bucket == l.bucket
                    && r.cohort != headline
                    && matches!(r.status, Level::Ok | Level::Warn | Level::Critical)
            })
            .map(|r| (*r).clone())
            .collect(),
        None => Vec::new(),
    };
    // Worst status first, then the value furthest in the bad direction.
    let badness = |s: &Status| match metric.good {
        Good::High => -s.value.unwrap_or(0.0),
        Good::Low => s.value.unwrap_or(0.0),
    };
    worst.sort_by(|a, b| {
        b.status
            .cmp(&a.status)
            .then(badness(b).total_cmp(&badness(a)))
            .then(a.cohort.cmp(&b.cohort))
    });
    worst.truncate(3);
    SideReport {
        side: side.to_string(),
        metric: metric.name.clone(),
        kind: metric.kind.keyword().to_string(),
        fraction: metric.kind.is_fraction() || percent_bounds(ps),
        unit: metric.unit.clone().or_else(|| {
            matches!(metric.kind, crate::model::MetricKind::Duration { .. })
                .then(|| "minutes".to_string())
        }),
        good: match metric.good {
            Good::High => "high",
            Good::Low => "low",
        }
        .to_string(),
        warn: ps.warn.as_ref().map(print_expr::threshold),
        critical: ps.critical.as_ref().map(print_expr::threshold),
        latest,
        series,
        worst_cohorts: worst,
    }
}

/// Whether a side's absolute bounds are written in percent (a derived
/// metric whose value is a fraction, such as `1 - completion`).
fn percent_bounds(ps: &crate::model::PairSide) -> bool {
    use crate::syntax::ast::{Bound, QuantityUnit};
    [&ps.warn, &ps.critical]
        .into_iter()
        .flatten()
        .any(|t| match &t.bound {
            Bound::Absolute { value, .. } => value.unit == QuantityUnit::Percent,
            Bound::Outside { low, high, .. } => {
                low.unit == QuantityUnit::Percent || high.unit == QuantityUnit::Percent
            }
            Bound::Relative { .. } => false,
        })
}

/// Whether any alert is at or above `level`.
pub fn breaches_at(report: &Report, level: Level) -> usize {
    report.alerts.iter().filter(|a| a.status >= level).count()
}

//! What is evaluated: one check per pair side and per signal-integrity
//! check of a source, and one trade-off rule per pair that declares one,
//! in declaration order. Every target reads this list, so the SQL, the
//! Prometheus rules and the Grafana rules judge the same things alike.

use crate::model::{Grain, Metric, MetricKind, Scorecard, Severity, Side};
use crate::syntax::ast::{Bound, Direction, QuantityUnit, SideName, Threshold, Tradeoff};

/// What a check judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A pair side's warn and critical bounds.
    Threshold,
    /// A pair's trade-off rule.
    Tradeoff,
    /// A source's newest timestamp against the watermark.
    Freshness,
    /// A source's rows per bucket against its own baseline.
    Volume,
    /// The share of a source's rows that de-duplication removed.
    Duplicates,
}

impl Rule {
    /// The rule's word, as in the `rule` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Threshold => "threshold",
            Rule::Tradeoff => "tradeoff",
            Rule::Freshness => "freshness",
            Rule::Volume => "volume",
            Rule::Duplicates => "duplicates",
        }
    }
}

/// The bounds that apply to some rows: indices into [`Check::thresholds`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Levels {
    /// The warn bound.
    pub warn: Option<usize>,
    /// The critical bound.
    pub critical: Option<usize>,
    /// The sample a row needs to be judged.
    pub min_sample: u64,
}

/// The levels of the rows of one cohort value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// Cohort dimension.
    pub dimension: String,
    /// Its value.
    pub value: String,
    /// The bounds and min_sample of those rows.
    pub levels: Levels,
}

/// One pair side or one integrity check of a source.
#[derive(Clone, Debug)]
pub struct Check<'m> {
    /// What is judged.
    pub rule: Rule,
    /// Journey (pair sides).
    pub journey: Option<&'m str>,
    /// Pair (pair sides).
    pub pair: Option<&'m str>,
    /// `security` or `experience` (pair sides).
    pub side: Option<&'static str>,
    /// The metric (pair sides).
    pub metric: Option<&'m Metric>,
    /// The source (integrity checks).
    pub source: Option<&'m str>,
    /// Every distinct bound of the check.
    pub thresholds: Vec<&'m Threshold>,
    /// The bounds of rows no override matches.
    pub levels: Levels,
    /// Per-cohort bounds; the first that matches a row wins.
    pub overrides: Vec<Override>,
    /// The baseline a relative bound needs when it sets no
    /// `baseline_min_sample`: the side's min_sample; the scorecard's for
    /// a source's volume.
    pub baseline_min_sample: u64,
    /// Owners.
    pub owners: Owners,
    /// The pair's action text, or the integrity action.
    pub action: String,
}

/// Who owns a check and who acts on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owners {
    /// Security owner(s).
    pub security: Option<String>,
    /// Product owner.
    pub product: Option<String>,
    /// The owner who must act: the breached side's owner; security for
    /// signal integrity.
    pub acting: Option<String>,
}

/// A pair's trade-off rule, with the checks of its two sides.
#[derive(Clone, Debug)]
pub struct TradeoffRule<'m> {
    /// The pair's index in [`Rules::checks`] of the degrading side.
    pub degrading: usize,
    /// The index of the improving side.
    pub improving: usize,
    /// The rule as declared.
    pub tradeoff: &'m Tradeoff,
    /// Its severity: declared, else the tier policy's, else warn.
    pub severity: Severity,
    /// Owners: the degrading side acts.
    pub owners: Owners,
}

/// Everything a scorecard evaluates.
#[derive(Clone, Debug)]
pub struct Rules<'m> {
    /// Pair sides first (pair by pair), then integrity checks (source by
    /// source: freshness, volume, duplicates).
    pub checks: Vec<Check<'m>>,
    /// Trade-off rules, pair by pair.
    pub tradeoffs: Vec<TradeoffRule<'m>>,
}

/// The integrity action: security owns the signal.
pub fn integrity_action(source: &str) -> String {
    format!(
        "Security checks the `{source}` pipeline (delivery, detection, de-duplication) before anyone reads the rates it feeds."
    )
}

impl<'m> Rules<'m> {
    /// The checks of a scorecard.
    pub fn of(model: &'m Scorecard) -> Rules<'m> {
        let mut checks = Vec::new();
        let mut tradeoffs = Vec::new();
        for pair in model.pairs.values() {
            let journey = &model.journeys[&pair.journey];
            let owner = |metric: &Metric| match metric.side {
                Side::Security => journey.security_owner.clone(),
                Side::Experience | Side::Outcome => journey.product_owner.clone(),
            };
            let first = checks.len();
            for (side, part) in [
                ("security", &pair.security),
                ("experience", &pair.experience),
            ] {
                let metric = &model.metrics[&part.metric];
                let mut thresholds: Vec<&Threshold> = Vec::new();
                let levels = Levels {
                    warn: part.warn.as_ref().map(|t| index(&mut thresholds, t)),
                    critical: part.critical.as_ref().map(|t| index(&mut thresholds, t)),
                    min_sample: part.min_sample,
                };
                let overrides = part
                    .overrides
                    .iter()
                    .map(|o| Override {
                        dimension: o.dimension.clone(),
                        value: o.value.clone(),
                        levels: Levels {
                            warn: o.warn.as_ref().map(|t| index(&mut thresholds, t)),
                            critical: o.critical.as_ref().map(|t| index(&mut thresholds, t)),
                            min_sample: o.min_sample,
                        },
                    })
                    .collect();
                checks.push(Check {
                    rule: Rule::Threshold,
                    journey: Some(&pair.journey),
                    pair: Some(&pair.name),
                    side: Some(side),
                    metric: Some(metric),
                    source: None,
                    thresholds,
                    levels,
                    overrides,
                    baseline_min_sample: part.min_sample,
                    owners: Owners {
                        security: journey.security_owner.clone(),
                        product: journey.product_owner.clone(),
                        acting: owner(metric),
                    },
                    action: pair.action.clone().unwrap_or_default(),
                });
            }
            if let Some(t) = &pair.tradeoff {
                let (degrading, improving) = match t.degrading.node {
                    SideName::Security => (first, first + 1),
                    SideName::Experience => (first + 1, first),
                };
                let severity = match t.severity.as_ref().map(|s| s.node.as_str()) {
                    Some("critical") => Severity::Critical,
                    Some(_) => Severity::Warn,
                    None => model.tiers[&journey.tier]
                        .severity
                        .unwrap_or(Severity::Warn),
                };
                let mut owners = checks[degrading].owners.clone();
                owners.acting = checks[degrading].metric.and_then(owner);
                tradeoffs.push(TradeoffRule {
                    degrading,
                    improving,
                    tradeoff: t,
                    severity,
                    owners,
                });
            }
        }
        for source in model.sources.values() {
            let security = security_owners(model, &source.name);
            let owners = Owners {
                security: security.clone(),
                product: None,
                acting: security,
            };
            let integrity = &source.integrity;
            for (rule, bounds) in [
                (Rule::Freshness, &integrity.freshness),
                (Rule::Volume, &integrity.volume),
                (Rule::Duplicates, &integrity.duplicates),
            ] {
                if bounds.warn.is_none() && bounds.critical.is_none() {
                    continue;
                }
                let mut thresholds = Vec::new();
                let levels = Levels {
                    warn: bounds.warn.as_ref().map(|t| index(&mut thresholds, t)),
                    critical: bounds.critical.as_ref().map(|t| index(&mut thresholds, t)),
                    min_sample: match rule {
                        Rule::Duplicates => model.settings.min_sample,
                        _ => 0,
                    },
                };
                checks.push(Check {
                    rule,
                    journey: None,
                    pair: None,
                    side: None,
                    metric: None,
                    source: Some(&source.name),
                    thresholds,
                    levels,
                    overrides: Vec::new(),
                    baseline_min_sample: model.settings.min_sample,
                    owners: owners.clone(),
                    action: integrity_action(&source.name),
                });
            }
        }
        Rules { checks, tradeoffs }
    }
}

impl<'m> Rules<'m> {
    /// The first check of each pair, then of each source: what a Snowflake
    /// alert or a dbt test covers.
    pub fn subjects(&self) -> Vec<&Check<'m>> {
        let mut seen: Vec<(Option<&str>, Option<&str>)> = Vec::new();
        let mut out = Vec::new();
        for check in &self.checks {
            let key = (check.pair, check.source);
            if !seen.contains(&key) {
                seen.push(key);
                out.push(check);
            }
        }
        out
    }
}

impl Check<'_> {
    /// Whether the check's values are minutes (durations, freshness), so
    /// that bounds written as durations are divided by 60.
    pub fn in_minutes(&self) -> bool {
        self.rule == Rule::Freshness
            || self
                .metric
                .is_some_and(|m| matches!(m.kind, MetricKind::Duration { .. }))
    }

    /// Whether the baseline pools numerators and denominators (rates and
    /// conversions) rather than averaging the buckets' values.
    pub fn pooled(&self) -> bool {
        self.metric.is_some_and(|m| m.kind.is_fraction())
    }

    /// Every level of the check: the default, then the overrides'.
    pub fn all_levels(&self) -> impl Iterator<Item = &Levels> {
        std::iter::once(&self.levels).chain(self.overrides.iter().map(|o| &o.levels))
    }

    /// A bound's number in the check's own terms: fractions for `%` and
    /// `pp`, minutes for durations on minute values, seconds otherwise.
    pub fn number(&self, quantity: &crate::syntax::ast::Quantity) -> f64 {
        let value = quantity.value();
        if quantity.unit == QuantityUnit::Seconds && self.in_minutes() {
            value / 60.0
        } else {
            value
        }
    }

    /// The baseline a relative bound needs: its own `baseline_min_sample`,
    /// else the check's default.
    pub fn baseline_min_sample(&self, threshold: &Threshold) -> u64 {
        match &threshold.bound {
            Bound::Relative {
                baseline_min_sample: Some(m),
                ..
            } => m.node,
            _ => self.baseline_min_sample,
        }
    }
}

impl Rules<'_> {
    /// How many buckets before a bucket its statuses read: the longest
    /// baseline window (relative bounds, volume, trade-offs) plus the
    /// longest sustained streak. A range judged on its own needs this much
    /// history before its first bucket.
    pub fn history_buckets(&self, grain: Grain) -> u64 {
        let thresholds = self.checks.iter().flat_map(|c| c.thresholds.iter());
        let baselines = thresholds
            .clone()
            .filter_map(|t| match &t.bound {
                Bound::Relative { baseline, .. } => Some(baseline.node.seconds),
                _ => None,
            })
            .chain(
                self.tradeoffs
                    .iter()
                    .map(|t| t.tradeoff.baseline.node.seconds),
            )
            .map(|s| window_buckets(s, grain))
            .max()
            .unwrap_or(0);
        let streak = thresholds
            .filter_map(|t| t.windows.as_ref().map(|w| u64::from(w.node)))
            .max()
            .unwrap_or(1);
        baselines + streak.saturating_sub(1)
    }
}

/// The number of whole buckets a baseline window spans (at least one); a
/// month counts as 30 days.
pub fn window_buckets(seconds: u64, grain: Grain) -> u64 {
    let bucket = match grain {
        Grain::Hour => 3_600,
        Grain::Day => 86_400,
        Grain::Week => 604_800,
        Grain::Month => 30 * 86_400,
    };
    seconds.div_ceil(bucket).max(1)
}

/// The test of an absolute or two-sided bound on `value` (`value < 0.95`,
/// `(value < 0.01 OR value > 0.1)`), with the language's `or`; `None` for
/// a relative bound. SQL and PromQL read it alike.
pub fn absolute_test(check: &Check<'_>, t: &Threshold, value: &str, or: &str) -> Option<String> {
    let num = |q| crate::sql::dialect::number(check.number(q));
    match &t.bound {
        Bound::Absolute { op, value: x } => Some(format!("{value} {} {}", op.as_str(), num(x))),
        Bound::Outside {
            low,
            high,
            low_inclusive,
            high_inclusive,
        } => Some(format!(
            "({value} {} {} {or} {value} {} {})",
            if *low_inclusive { "<=" } else { "<" },
            num(low),
            if *high_inclusive { ">=" } else { ">" },
            num(high)
        )),
        Bound::Relative { .. } => None,
    }
}

/// A baseline moved by an amount, as an expression (SQL and PromQL read it
/// alike): `base * (1 - 0.2)` for `drops 20%`, `base - 0.02` for `drops 2pp`.
pub fn moved(base: &str, direction: Direction, unit: QuantityUnit, amount: &str) -> String {
    match (direction, unit == QuantityUnit::Percent) {
        (Direction::Drops, true) => format!("{base} * (1 - {amount})"),
        (Direction::Rises, true) => format!("{base} * (1 + {amount})"),
        (Direction::Drops, false) => format!("{base} - {amount}"),
        (Direction::Rises, false) => format!("{base} + {amount}"),
    }
}

/// The distinct security owners of the journeys whose metrics read a
/// source, in declaration order, joined by `, `.
fn security_owners(model: &Scorecard, source: &str) -> Option<String> {
    let mut owners: Vec<&str> = Vec::new();
    for journey in model.journeys.values() {
        let reads = journey
            .metrics
            .iter()
            .filter_map(|m| model.metrics.get(m))
            .any(|m| metric_reads(model, m, source));
        if let Some(owner) = journey.security_owner.as_deref()
            && reads
            && !owners.contains(&owner)
        {
            owners.push(owner);
        }
    }
    if owners.is_empty() {
        // A source no metric reads still belongs to security.
        for owner in model
            .journeys
            .values()
            .filter_map(|j| j.security_owner.as_deref())
        {
            if !owners.contains(&owner) {
                owners.push(owner);
            }
        }
    }
    (!owners.is_empty()).then(|| owners.join(", "))
}

fn metric_reads(model: &Scorecard, metric: &Metric, source: &str) -> bool {
    match &metric.kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => {
            u.source == source || u.followed_by.as_ref().is_some_and(|f| f.source == source)
        }
        MetricKind::Rate {
            numerator,
            denominator,
        } => [numerator, denominator].iter().any(|u| {
            u.source == source || u.followed_by.as_ref().is_some_and(|f| f.source == source)
        }),
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            s.from_source == source || s.to_source == source
        }
        MetricKind::Derived(a) => {
            let mut inputs = Vec::new();
            crate::sql::plan::arith_metrics(a, &mut inputs);
            inputs
                .iter()
                .filter_map(|m| model.metrics.get(*m))
                .any(|m| m.name != metric.name && metric_reads(model, m, source))
        }
    }
}

fn index<'m>(thresholds: &mut Vec<&'m Threshold>, t: &'m Threshold) -> usize {
    if let Some(i) = thresholds.iter().position(|x| *x == t) {
        return i;
    }
    thresholds.push(t);
    thresholds.len() - 1
}

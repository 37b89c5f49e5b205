//! Checking pairs, thresholds, framework mappings and control changes.

use indexmap::IndexMap;

use super::Cx;
use crate::codes;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{self, Good, Side};
use crate::syntax::ast::{self, Bound, CmpOp, Direction, QuantityUnit, SideName, Threshold};

/// What a metric's values are, for checking the units of its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    /// A share between 0 and 1 (rates, conversions, duplicate ratio).
    Fraction,
    /// A count of events or keys.
    Count,
    /// A sum of amounts.
    Amount,
    /// Minutes between events (or a source's staleness).
    Duration,
    /// Arithmetic over metrics: any unit.
    Any,
}

impl Measure {
    pub(crate) fn of(kind: &model::MetricKind) -> Measure {
        match kind {
            model::MetricKind::Rate { .. } | model::MetricKind::Conversion(_) => Measure::Fraction,
            model::MetricKind::Count(_) => Measure::Count,
            model::MetricKind::Sum { .. } => Measure::Amount,
            model::MetricKind::Duration { .. } => Measure::Duration,
            model::MetricKind::Derived(_) => Measure::Any,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Measure::Fraction => "a rate",
            Measure::Count => "a count",
            Measure::Amount => "a sum",
            Measure::Duration => "a duration",
            Measure::Any => "a derived value",
        }
    }
}

/// Checks that a threshold's quantities fit what is measured.
pub(crate) fn check_units(cx: &mut Cx<'_>, t: &Threshold, measure: Measure, what: &str) {
    if let Some(w) = &t.windows
        && w.node == 0
    {
        cx.error(
            Diagnostic::new(
                codes::INVALID_VALUE,
                "a sustained bound needs at least one window",
            )
            .at(w.span)
            .with_help("write `for 3 windows`, or drop the clause for a single bucket"),
        );
    }
    match &t.bound {
        Bound::Absolute { value, .. } => absolute_unit(cx, value, measure, what),
        Bound::Outside { low, high, .. } => {
            absolute_unit(cx, low, measure, what);
            absolute_unit(cx, high, measure, what);
            if low.value() >= high.value() && low.unit == high.unit {
                cx.error(
                    Diagnostic::new(
                        codes::BOUND_ORDER,
                        "the low bound of a two-sided threshold is not below its high bound",
                    )
                    .at(t.span)
                    .with_help("write the bound as `< LOW or > HIGH` with LOW below HIGH"),
                );
            }
        }
        Bound::Relative { amount, .. } => match amount.unit {
            QuantityUnit::Percent => {
                if amount.value() <= 0.0 {
                    cx.error(
                        Diagnostic::new(codes::PERCENT_RANGE, "a relative change must be above 0%")
                            .at(amount.span),
                    );
                }
            }
            QuantityUnit::Points if measure == Measure::Fraction || measure == Measure::Any => {}
            QuantityUnit::Points => cx.error(
                Diagnostic::new(
                    codes::BOUND_UNIT,
                    format!(
                        "`pp` measures changes of rates, but {what} is {}",
                        measure.noun()
                    ),
                )
                .at(amount.span)
                .with_help("write the change in percent: `drops 20% vs 28d`"),
            ),
            QuantityUnit::Plain | QuantityUnit::Seconds => cx.error(
                Diagnostic::new(
                    codes::BOUND_UNIT,
                    "a relative change is written in `%` or `pp`",
                )
                .at(amount.span)
                .with_help("write `drops 20% vs 28d` (relative) or `drops 2pp vs 28d` (points)"),
            ),
        },
    }
}

fn absolute_unit(cx: &mut Cx<'_>, q: &ast::Quantity, measure: Measure, what: &str) {
    let unit_error = |help: &str| {
        Diagnostic::new(
            codes::BOUND_UNIT,
            format!(
                "`{}` does not fit {what}, which is {}",
                quantity_text(q),
                measure.noun()
            ),
        )
        .at(q.span)
        .with_help(help.to_string())
    };
    match (q.unit, measure) {
        (QuantityUnit::Points, _) => cx.error(unit_error(
            "`pp` is for relative bounds such as `drops 2pp vs 28d`",
        )),
        (QuantityUnit::Seconds, Measure::Duration | Measure::Any) => {}
        (QuantityUnit::Seconds, _) => cx.error(unit_error(
            "durations bound duration metrics and freshness checks",
        )),
        (QuantityUnit::Percent | QuantityUnit::Plain, Measure::Duration) => {
            cx.error(unit_error(
                "write a duration with its unit: `> 30m`, `> 24h`",
            ));
        }
        (QuantityUnit::Percent, Measure::Count | Measure::Amount) => {
            cx.error(unit_error("a count or sum is bounded by a number; use `drops 20% vs 28d` for a relative bound"));
        }
        (QuantityUnit::Percent, Measure::Fraction) => {
            let v = q.value();
            if !(0.0..=1.0).contains(&v) {
                cx.error(
                    Diagnostic::new(
                        codes::PERCENT_RANGE,
                        format!("`{}` is outside 0 to 100 %", quantity_text(q)),
                    )
                    .at(q.span)
                    .with_help("a rate is between 0 % and 100 %"),
                );
            }
        }
        (QuantityUnit::Plain, Measure::Fraction) => {
            let v = q.value();
            if !(0.0..=1.0).contains(&v) {
                cx.error(
                    Diagnostic::new(
                        codes::PERCENT_RANGE,
                        format!("`{}` is outside 0 to 1 for {what}", q.number),
                    )
                    .at(q.span)
                    .with_help(format!(
                        "rates are fractions; did you mean `{}%`?",
                        q.number
                    )),
                );
            }
        }
        _ => {}
    }
}

fn quantity_text(q: &ast::Quantity) -> String {
    match q.unit {
        QuantityUnit::Plain => q.number.clone(),
        QuantityUnit::Percent => format!("{}%", q.number),
        QuantityUnit::Points => format!("{}pp", q.number),
        QuantityUnit::Seconds => {
            ast::Duration::from_seconds(q.number.parse().unwrap_or(0)).to_string()
        }
    }
}

/// Checks a bound against the metric's good direction.
fn check_direction(cx: &mut Cx<'_>, t: &Threshold, good: Good, metric: &str) {
    let contradicts = match (&t.bound, good) {
        (
            Bound::Absolute {
                op: CmpOp::Gt | CmpOp::Ge,
                ..
            },
            Good::High,
        ) => Some("is high"),
        (
            Bound::Absolute {
                op: CmpOp::Lt | CmpOp::Le,
                ..
            },
            Good::Low,
        ) => Some("is low"),
        (
            Bound::Relative {
                direction: Direction::Rises,
                ..
            },
            Good::High,
        ) => Some("rises"),
        (
            Bound::Relative {
                direction: Direction::Drops,
                ..
            },
            Good::Low,
        ) => Some("drops"),
        _ => None,
    };
    if let Some(word) = contradicts {
        let better = if good == Good::High {
            "higher"
        } else {
            "lower"
        };
        cx.error(
            Diagnostic::new(
                codes::BOUND_DIRECTION,
                format!("this bound fires when `{metric}` {word}, but {better} is better for `{metric}`"),
            )
            .at(t.span)
            .with_help(if good == Good::High {
                "bound a good-high metric from below (`< 95%`, `drops 20% vs 28d`), or two-sided (`< 1% or > 5%`)"
            } else {
                "bound a good-low metric from above (`> 2%`, `rises 50% vs 28d`), or two-sided (`< 1% or > 5%`)"
            }),
        );
    }
}

/// Checks that critical lies beyond warn in the bad direction.
fn check_order(cx: &mut Cx<'_>, warn: &Threshold, critical: &Threshold, good: Good) {
    let wrong = match (&warn.bound, &critical.bound) {
        (Bound::Absolute { value: w, .. }, Bound::Absolute { value: c, .. })
            if w.unit == c.unit =>
        {
            match good {
                Good::High => c.value() >= w.value(),
                Good::Low => c.value() <= w.value(),
            }
        }
        (
            Bound::Relative {
                amount: w,
                direction: dw,
                ..
            },
            Bound::Relative {
                amount: c,
                direction: dc,
                ..
            },
        ) if w.unit == c.unit && dw == dc => c.value() <= w.value(),
        (
            Bound::Outside {
                low: wl, high: wh, ..
            },
            Bound::Outside {
                low: cl, high: ch, ..
            },
        ) => cl.value() > wl.value() || ch.value() < wh.value(),
        _ => false,
    };
    if wrong {
        let expected = match good {
            Good::High => "for a good-high metric the critical bound must be below the warn bound",
            Good::Low => "for a good-low metric the critical bound must be above the warn bound",
        };
        cx.error(
            Diagnostic::new(
                codes::BOUND_ORDER,
                "the critical bound is not beyond the warn bound",
            )
            .at_labelled(critical.span, "critical")
            .with_label(warn.span, "warn")
            .with_help(expected),
        );
    }
}

impl Cx<'_> {
    pub(super) fn pair(
        &mut self,
        journey: &ast::Journey,
        p: &ast::Pair,
        metrics: &IndexMap<String, model::Metric>,
        settings: &model::Settings,
        tier: Option<&model::TierPolicy>,
    ) -> Option<model::Pair> {
        let floor = tier.and_then(|t| t.min_sample).unwrap_or(0);
        let pair_min = p.min_sample.as_ref().map(|m| m.node);
        let mut sides = Vec::new();
        for (name, side) in [
            (SideName::Security, &p.security),
            (SideName::Experience, &p.experience),
        ] {
            let Some(side) = side else {
                let word = if name == SideName::Security {
                    "security"
                } else {
                    "experience"
                };
                self.error(
                    Diagnostic::new(codes::MISSING_KEY, format!("pair `{}` has no {word} side", p.name.node))
                        .at(p.name.span)
                        .with_help("a pair judges a security metric and an experience or outcome metric together"),
                );
                sides.push(None);
                continue;
            };
            sides.push(self.side(journey, p, name, side, metrics, settings, pair_min, floor));
        }
        let maps = self.mappings(&p.maps);
        let tradeoff = p.tradeoff.as_ref().map(|t| {
            self.tradeoff(t, p, metrics);
            t.node.clone()
        });
        let mut sides = sides.into_iter();
        let (security, experience) = (sides.next().flatten()?, sides.next().flatten()?);
        Some(model::Pair {
            name: p.name.node.clone(),
            journey: journey.name.node.clone(),
            security,
            experience,
            tradeoff,
            action: p.action.as_ref().map(|a| a.node.clone()),
            maps: maps?,
            min_sample: p.min_sample.as_ref().map(|m| m.node),
            span: p.span,
        })
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one call site; the inputs are the resolution scope"
    )]
    fn side(
        &mut self,
        journey: &ast::Journey,
        p: &ast::Pair,
        name: SideName,
        side: &ast::PairSide,
        metrics: &IndexMap<String, model::Metric>,
        settings: &model::Settings,
        pair_min: Option<u64>,
        floor: u64,
    ) -> Option<model::PairSide> {
        // The most specific min_sample wins: side, pair, metric, journey,
        // scorecard; the tier policy is a floor under all of them.
        let journey_min = journey.min_sample.as_ref().map(|m| m.node);
        if self.broken.contains(&side.metric.node) {
            return None;
        }
        let Some(metric) = metrics.get(&side.metric.node) else {
            if !journey
                .metrics
                .iter()
                .any(|m| m.name.node == side.metric.node)
            {
                self.error(
                    Diagnostic::new(
                        codes::UNKNOWN_METRIC,
                        format!("unknown metric `{}`", side.metric.node),
                    )
                    .at(side.metric.span)
                    .with_help_opt(did_you_mean(
                        &side.metric.node,
                        journey.metrics.iter().map(|m| m.name.node.as_str()),
                    )),
                );
            }
            return None;
        };
        if metric.journey != journey.name.node {
            self.error(
                Diagnostic::new(
                    codes::PAIR_OTHER_JOURNEY,
                    format!("pair `{}` uses `{}` of journey `{}`", p.name.node, metric.name, metric.journey),
                )
                .at(side.metric.span)
                .with_label(metric.span, "declared here")
                .with_help("both sides of a pair measure the same journey; declare the metric in this journey"),
            );
        }
        match (name, metric.side) {
            (SideName::Security, Side::Security) | (SideName::Experience, Side::Experience | Side::Outcome) => {}
            (SideName::Security, _) => self.error(
                Diagnostic::new(codes::PAIR_SECURITY_SIDE, format!("`{}` is not a security metric", metric.name))
                    .at(side.metric.span)
                    .with_label(metric.span, "declared here")
                    .with_help("the security side of a pair is a metric with `side: security`"),
            ),
            (SideName::Experience, _) => self.error(
                Diagnostic::new(codes::PAIR_EXPERIENCE_SIDE, format!("`{}` is a security metric", metric.name))
                    .at(side.metric.span)
                    .with_label(metric.span, "declared here")
                    .with_help("the experience side of a pair is a metric with `side: experience` or `side: outcome`"),
            ),
        }
        let measure = Measure::of(&metric.kind);
        let what = format!("`{}`", metric.name);
        self.bounds(&side.warn, &side.critical, measure, metric.good, &what);
        let min_sample = side
            .min_sample
            .as_ref()
            .map(|m| m.node)
            .or(pair_min)
            .or(metric.min_sample)
            .or(journey_min)
            .unwrap_or(settings.min_sample)
            .max(floor);
        let mut overrides: Vec<model::CohortOverride> = Vec::new();
        for o in &side.overrides {
            if !journey.cohorts.iter().any(|c| c.node == o.dimension.node) {
                self.error(
                    Diagnostic::new(
                        codes::BAD_OVERRIDE,
                        format!(
                            "journey `{}` is not broken down by `{}`",
                            journey.name.node, o.dimension.node
                        ),
                    )
                    .at(o.dimension.span)
                    .with_help_opt(did_you_mean(
                        &o.dimension.node,
                        journey.cohorts.iter().map(|c| c.node.as_str()),
                    ))
                    .with_note(format!(
                        "its cohorts are {}",
                        if journey.cohorts.is_empty() {
                            "none".to_string()
                        } else {
                            journey
                                .cohorts
                                .iter()
                                .map(|c| format!("`{}`", c.node))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    )),
                );
            }
            if overrides
                .iter()
                .any(|x| x.dimension == o.dimension.node && x.value == o.value.node)
            {
                self.error(
                    Diagnostic::new(
                        codes::BAD_OVERRIDE,
                        format!(
                            "the cohort `{} = {}` is overridden twice",
                            o.dimension.node, o.value.node
                        ),
                    )
                    .at(o.span),
                );
            }
            let warn = o.warn.clone().or_else(|| side.warn.clone());
            let critical = o.critical.clone().or_else(|| side.critical.clone());
            self.bounds(&o.warn, &o.critical, measure, metric.good, &what);
            if let (Some(w), Some(c)) = (&warn, &critical)
                && (o.warn.is_some() || o.critical.is_some())
            {
                check_order(self, w, c, metric.good);
            }
            overrides.push(model::CohortOverride {
                dimension: o.dimension.node.clone(),
                value: o.value.node.clone(),
                warn,
                critical,
                min_sample: o
                    .min_sample
                    .as_ref()
                    .map_or(min_sample, |m| m.node.max(floor)),
            });
        }
        Some(model::PairSide {
            metric: metric.name.clone(),
            warn: side.warn.clone(),
            critical: side.critical.clone(),
            min_sample,
            overrides,
        })
    }

    fn bounds(
        &mut self,
        warn: &Option<Threshold>,
        critical: &Option<Threshold>,
        measure: Measure,
        good: Good,
        what: &str,
    ) {
        let metric = what.trim_matches('`');
        for t in [warn, critical].into_iter().flatten() {
            check_units(self, t, measure, what);
            check_direction(self, t, good, metric);
        }
        if let (Some(w), Some(c)) = (warn, critical) {
            check_order(self, w, c, good);
        }
    }

    fn tradeoff(
        &mut self,
        t: &crate::span::Spanned<ast::Tradeoff>,
        p: &ast::Pair,
        metrics: &IndexMap<String, model::Metric>,
    ) {
        let rule = &t.node;
        if rule.degrading.node == rule.improving.node {
            self.error(
                Diagnostic::new(codes::BAD_TRADEOFF, "a trade-off rule names the same side twice")
                    .at(t.span)
                    .with_help("one side worsens while the other improves: `experience worsens 3pp while security improves vs 28d`"),
            );
        }
        let degrading = match rule.degrading.node {
            SideName::Security => p.security.as_ref(),
            SideName::Experience => p.experience.as_ref(),
        };
        let measure = degrading
            .and_then(|s| metrics.get(&s.metric.node))
            .map_or(Measure::Any, |m| Measure::of(&m.kind));
        match rule.amount.unit {
            QuantityUnit::Percent => {}
            QuantityUnit::Points if matches!(measure, Measure::Fraction | Measure::Any) => {}
            QuantityUnit::Points => self.error(
                Diagnostic::new(
                    codes::BAD_TRADEOFF,
                    format!("`pp` measures rates, but that side is {}", measure.noun()),
                )
                .at(rule.amount.span)
                .with_help("write the change in percent"),
            ),
            _ => self.error(
                Diagnostic::new(
                    codes::BAD_TRADEOFF,
                    "a trade-off amount is written in `%` or `pp`",
                )
                .at(rule.amount.span),
            ),
        }
        if let Some(sev) = &rule.severity
            && !crate::syntax::yaml::shape::SEVERITIES.contains(&sev.node.as_str())
        {
            self.error(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    format!("unknown severity `{}`", sev.node),
                )
                .at(sev.span)
                .with_help("a severity is `warn` or `critical`"),
            );
        }
    }

    /// Resolves framework references; `None` if any failed.
    pub(super) fn mappings(
        &mut self,
        refs: &[crate::span::Spanned<String>],
    ) -> Option<Vec<model::Mapping>> {
        let mut out = Vec::new();
        let mut failed = false;
        for r in refs {
            // Scorecards repeat the same few references on many pairs.
            let resolved = match self.resolved.get(&r.node) {
                Some(hit) => hit.clone(),
                None => {
                    let fresh = self.catalogs.resolve(&r.node).map(|x| {
                        (
                            x.catalog.framework.clone(),
                            x.control.id.clone(),
                            x.control.title.clone(),
                        )
                    });
                    let fresh = fresh.map_err(|e| (e.code(), e.message(), e.help()));
                    self.resolved.insert(r.node.clone(), fresh.clone());
                    fresh
                }
            };
            match resolved {
                Ok((framework, id, title)) => {
                    if out
                        .iter()
                        .any(|m: &model::Mapping| m.framework == framework && m.id == id)
                    {
                        continue;
                    }
                    out.push(model::Mapping {
                        reference: r.node.clone(),
                        framework,
                        id,
                        title,
                    });
                }
                // A user catalog that failed to load was reported; its
                // framework then looks unknown, which is no news.
                Err((code, _, _)) if self.catalog_failed && code == codes::UNKNOWN_FRAMEWORK => {
                    failed = true
                }
                Err((code, message, help)) => {
                    failed = true;
                    self.error(
                        Diagnostic::new(code, message)
                            .at(r.span)
                            .with_help_opt(help),
                    );
                }
            }
        }
        (!failed).then_some(out)
    }

    pub(super) fn change(
        &mut self,
        journey: &ast::Journey,
        c: &ast::ControlChange,
        journeys: &IndexMap<String, model::Journey>,
        metrics: &IndexMap<String, model::Metric>,
    ) -> Option<model::ControlChange> {
        let date = match &c.date {
            Some(d) => match d.node.parse::<jiff::civil::Date>() {
                Ok(date) => Some(date),
                Err(_) => {
                    self.error(
                        Diagnostic::new(
                            codes::BAD_DATE,
                            format!("`{}` is not a calendar date", d.node),
                        )
                        .at(d.span)
                        .with_help("write the date as YYYY-MM-DD, e.g. 2026-03-15"),
                    );
                    None
                }
            },
            None => {
                self.error(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        format!("control change `{}` has no date", c.name.node),
                    )
                    .at(c.name.span)
                    .with_help("add the date the change took effect"),
                );
                None
            }
        };
        let mut touched = vec![journey.name.node.clone()];
        for j in &c.journeys {
            if !self.journey_known(j, journeys) {
                continue;
            }
            if !touched.contains(&j.node) {
                touched.push(j.node.clone());
            }
        }
        let mut outcomes = Vec::new();
        for o in &c.outcomes {
            match metrics.get(&o.node) {
                None => self.error(
                    Diagnostic::new(codes::UNKNOWN_METRIC, format!("unknown metric `{}`", o.node))
                        .at(o.span)
                        .with_help_opt(did_you_mean(&o.node, metrics.keys().map(String::as_str))),
                ),
                Some(m) if !touched.contains(&m.journey) => self.error(
                    Diagnostic::new(
                        codes::CHANGE_OUTCOME,
                        format!("`{}` measures journey `{}`, which the change does not touch", o.node, m.journey),
                    )
                    .at(o.span)
                    .with_help(format!("add `{}` to the change's journeys, or trace an outcome of the touched journeys", m.journey)),
                ),
                Some(_) => outcomes.push(o.node.clone()),
            }
        }
        let window = c
            .window
            .as_ref()
            .map_or(ast::Duration::days(14), |w| w.node);
        if let Some(w) = &c.window
            && (w.node.seconds == 0 || w.node.seconds % 3600 != 0)
        {
            self.error(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    "a comparison window is a whole number of hours or more",
                )
                .at(w.span)
                .with_help("write it in days or weeks: `14d`, `4w`"),
            );
        }
        let compare = match &c.compare {
            None => None,
            Some(ast::Comparison::Cohort { dimension, value }) => {
                if !journey.cohorts.iter().any(|x| x.node == dimension.node) {
                    self.error(
                        Diagnostic::new(
                            codes::BAD_COMPARISON,
                            format!(
                                "journey `{}` is not broken down by `{}`",
                                journey.name.node, dimension.node
                            ),
                        )
                        .at(dimension.span)
                        .with_help(
                            "compare with a cohort of one of the journey's cohort dimensions",
                        ),
                    );
                }
                Some(model::Comparison::Cohort {
                    dimension: dimension.node.clone(),
                    value: value.node.clone(),
                })
            }
            Some(ast::Comparison::Journey(j)) => {
                if self.journey_known(j, journeys) && touched.contains(&j.node) {
                    self.error(
                        Diagnostic::new(
                            codes::BAD_COMPARISON,
                            format!("journey `{}` is touched by the change itself", j.node),
                        )
                        .at(j.span)
                        .with_help("a comparison must be something the change did not touch"),
                    );
                }
                Some(model::Comparison::Journey(j.node.clone()))
            }
        };
        Some(model::ControlChange {
            name: c.name.node.clone(),
            title: c.title.as_ref().map(|t| t.node.clone()),
            date: date?,
            journeys: touched,
            outcomes,
            window,
            washout: c.washout.as_ref().map(|w| w.node),
            compare,
            span: c.span,
        })
    }

    /// Whether a journey is declared; reports it with a did-you-mean if not.
    fn journey_known(
        &mut self,
        j: &ast::Name,
        journeys: &IndexMap<String, model::Journey>,
    ) -> bool {
        self.lookup(codes::UNKNOWN_JOURNEY, "journey", j, journeys)
            .is_some()
    }
}

//! Checking metrics: formulas resolved against events and sources, keys
//! that sequence metrics need, derived metrics and their cycles, cohort
//! attribution, and the cohorts each metric can be broken down by.

use indexmap::IndexMap;

use super::Cx;
use crate::codes;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{self, Good, Side};
use crate::span::Span;
use crate::syntax::ast::{self, Arith, Formula, Key};

/// What a metric can refer to.
pub(crate) struct Scope<'a> {
    pub(crate) settings: &'a model::Settings,
    pub(crate) sources: &'a IndexMap<String, model::Source>,
    pub(crate) events: &'a IndexMap<String, model::Event>,
    pub(crate) journeys: &'a [&'a ast::Journey],
}

impl Cx<'_> {
    pub(super) fn metric(
        &mut self,
        journey: &ast::Journey,
        m: &ast::Metric,
        scope: &Scope<'_>,
    ) -> Option<model::Metric> {
        let formula = m.formula.as_ref()?;
        let kind = self.kind(journey, &m.name.node, &formula.node, scope)?;
        let attribution = m
            .attribution
            .as_ref()
            .and_then(|a| self.attribution(a, &kind, journey, scope));
        let cohorts = self.metric_cohorts(journey, &kind, attribution.as_ref(), scope);
        use crate::syntax::yaml::shape;
        let side_ok = m
            .side
            .as_ref()
            .is_none_or(|s| self.word(s, shape::SIDES, "side", codes::INVALID_VALUE));
        let good_ok = m
            .good
            .as_ref()
            .is_none_or(|g| self.word(g, shape::DIRECTIONS, "direction", codes::INVALID_VALUE));
        if !(side_ok && good_ok) {
            self.broken.insert(m.name.node.clone());
        }
        let side = match m.side.as_ref().map(|s| s.node.as_str()) {
            Some("security") => Side::Security,
            Some("outcome") => Side::Outcome,
            Some("experience") => Side::Experience,
            _ => {
                if m.side.is_none() {
                    self.missing(m, "side", "security, experience or outcome");
                }
                return None;
            }
        };
        let good = match m.good.as_ref().map(|s| s.node.as_str()) {
            Some("high") => Good::High,
            Some("low") => Good::Low,
            _ => {
                if m.good.is_none() {
                    self.missing(m, "good", "high or low");
                }
                return None;
            }
        };
        Some(model::Metric {
            name: m.name.node.clone(),
            journey: journey.name.node.clone(),
            side,
            good,
            kind,
            unit: m.unit.as_ref().map(|u| u.node.clone()),
            description: m.description.as_ref().map(|d| d.node.clone()),
            min_sample: m.min_sample.as_ref().map(|x| x.node),
            attribution,
            cohorts,
            span: m.span,
        })
    }

    fn missing(&mut self, m: &ast::Metric, key: &str, values: &str) {
        self.error(
            Diagnostic::new(
                codes::MISSING_KEY,
                format!("metric `{}` does not say its `{key}`", m.name.node),
            )
            .at(m.name.span)
            .with_help(format!("add `{key}`: {values}")),
        );
    }

    fn kind(
        &mut self,
        journey: &ast::Journey,
        name: &str,
        f: &Formula,
        scope: &Scope<'_>,
    ) -> Option<model::MetricKind> {
        Some(match f {
            Formula::Count(unit) => model::MetricKind::Count(self.unit(unit, scope)?),
            Formula::Sum { value, unit } => {
                let unit_model = self.unit(unit, scope)?;
                let source = &scope.sources[&unit_model.source];
                let value = self.fragment(value, &source.columns, &source.name)?;
                if let sqlparser::ast::Expr::Identifier(id) = &value
                    && let Some(ty) = source.columns.get(&id.value)
                    && !["integer", "decimal", "double"]
                        .contains(&ty.split('(').next().unwrap_or(""))
                {
                    self.error(
                        Diagnostic::new(
                            codes::NOT_NUMERIC,
                            format!("`{}` is a {ty} column and cannot be summed", id.value),
                        )
                        .at(unit.span)
                        .with_help("sum an integer, decimal or double column"),
                    );
                }
                model::MetricKind::Sum {
                    value,
                    unit: unit_model,
                }
            }
            Formula::Rate {
                numerator,
                denominator,
            } => {
                let n = self.unit(numerator, scope);
                let d = self.unit(denominator, scope);
                model::MetricKind::Rate {
                    numerator: n?,
                    denominator: d?,
                }
            }
            Formula::Conversion(seq) => model::MetricKind::Conversion(self.sequence(seq, scope)?),
            Formula::Duration {
                percentile,
                approximate,
                sequence,
            } => {
                if !(0.0..=100.0).contains(&percentile.node) {
                    self.error(
                        Diagnostic::new(
                            codes::PERCENTILE_RANGE,
                            format!("percentile p{} is outside 0 to 100", percentile.node),
                        )
                        .at(percentile.span)
                        .with_help("write the percentile in percent: `p50`, `p95`, `p99.9`"),
                    );
                }
                let sequence = self.sequence(sequence, scope)?;
                model::MetricKind::Duration {
                    percentile: percentile.node,
                    approximate: *approximate,
                    sequence,
                }
            }
            Formula::Derived(arith) => {
                self.derived_refs(journey, name, arith, scope);
                model::MetricKind::Derived(arith.clone())
            }
        })
    }

    fn unit(&mut self, u: &ast::Unit, scope: &Scope<'_>) -> Option<model::Unit> {
        let event = self.event_ref(&u.event, scope.events)?;
        let source = &scope.sources[&event.source];
        let distinct = match &u.distinct {
            Some(key) => Some(self.key(source, &key.node, key.span, "count distinct")?),
            None => None,
        };
        let filter = match &u.filter {
            Some(f) => Some(self.fragment(f, &source.columns, &source.name)?),
            None => None,
        };
        let frequency = match &u.frequency {
            Some(fr) => Some(model::Frequency {
                key: self.key(source, &fr.key.node, fr.key.span, "count events per key")?,
                op: fr.op,
                count: fr.count.node,
            }),
            None => None,
        };
        let followed_by = match &u.followed_by {
            Some(fb) => {
                let other = self.event_ref(&fb.event, scope.events)?;
                let other_source = &scope.sources[&other.source];
                let key = fb.by.as_ref().map_or(Key::Entity, |k| k.node.clone());
                let span = fb.by.as_ref().map_or(fb.span, |k| k.span);
                let a = self.key(
                    source,
                    &key,
                    span,
                    "relate an event to the one that follows it",
                );
                let b = self.key(
                    other_source,
                    &key,
                    span,
                    "relate an event to the one that follows it",
                );
                Some(model::FollowedBy {
                    event: other.name.clone(),
                    source: other.source.clone(),
                    within: fb.within.as_ref().map(|w| w.node),
                    key: a?,
                    other_key: b?,
                })
            }
            None => None,
        };
        Some(model::Unit {
            event: event.name.clone(),
            source: event.source.clone(),
            distinct,
            filter,
            frequency,
            followed_by,
        })
    }

    fn sequence(&mut self, s: &ast::Sequence, scope: &Scope<'_>) -> Option<model::Sequence> {
        let from = self.event_ref(&s.from, scope.events);
        let to = self.event_ref(&s.to, scope.events);
        let (from, to) = (from?, to?);
        let key = s.by.as_ref().map_or(Key::Entity, |k| k.node.clone());
        let span = s.by.as_ref().map_or(s.from.span.to(s.to.span), |k| k.span);
        let a = self.key(
            &scope.sources[&from.source],
            &key,
            span,
            "relate the two events",
        );
        let b = self.key(
            &scope.sources[&to.source],
            &key,
            span,
            "relate the two events",
        );
        if from.name == to.name {
            self.error(
                Diagnostic::new(
                    codes::METRIC_KIND,
                    format!("a sequence from `{}` to itself never completes", from.name),
                )
                .at(s.from.span.to(s.to.span))
                .with_help("an event never follows itself; name two different events"),
            );
            return None;
        }
        Some(model::Sequence {
            from: from.name.clone(),
            from_source: from.source.clone(),
            to: to.name.clone(),
            to_source: to.source.clone(),
            within: s.within.as_ref().map(|w| w.node),
            key: a?,
            other_key: b?,
        })
    }

    /// The column a key means in a source, or an error if it has none.
    fn key(
        &mut self,
        source: &model::Source,
        key: &Key,
        span: Span,
        purpose: &str,
    ) -> Option<String> {
        if let Some(column) = source.key_column(key) {
            return Some(column.to_string());
        }
        let declare = match key {
            Key::Entity => "declare `entity` on the source".to_string(),
            Key::Session => "declare `session` on the source".to_string(),
            Key::Column(c) => format!("add `{c}` to the columns of the source"),
        };
        self.error(
            Diagnostic::new(
                codes::MISSING_KEY_COLUMN,
                format!("source `{}` has no {key} key to {purpose}", source.name),
            )
            .at(span)
            .with_help(declare),
        );
        None
    }

    fn derived_refs(
        &mut self,
        journey: &ast::Journey,
        name: &str,
        arith: &Arith,
        scope: &Scope<'_>,
    ) {
        match arith {
            Arith::Number(_) => {}
            Arith::Neg(inner) => self.derived_refs(journey, name, inner, scope),
            Arith::Binary(l, _, r) => {
                self.derived_refs(journey, name, l, scope);
                self.derived_refs(journey, name, r, scope);
            }
            Arith::Metric(m) => {
                if journey.metrics.iter().any(|x| x.name.node == m.node) {
                    if m.node == name {
                        self.error(
                            Diagnostic::new(
                                codes::DERIVED_CYCLE,
                                format!("derived metric `{name}` refers to itself"),
                            )
                            .at(m.span),
                        );
                    }
                    return;
                }
                let other = scope
                    .journeys
                    .iter()
                    .find(|j| j.metrics.iter().any(|x| x.name.node == m.node));
                match other {
                    Some(j) => self.error(
                        Diagnostic::new(
                            codes::DERIVED_OTHER_JOURNEY,
                            format!("derived metric `{name}` uses `{}` of journey `{}`", m.node, j.name.node),
                        )
                        .at(m.span)
                        .with_help("derived metrics combine metrics of their own journey; declare the input in this journey"),
                    ),
                    None => self.error(
                        Diagnostic::new(codes::UNKNOWN_METRIC, format!("unknown metric `{}`", m.node))
                            .at(m.span)
                            .with_help_opt(did_you_mean(&m.node, journey.metrics.iter().map(|x| x.name.node.as_str()))),
                    ),
                }
            }
        }
    }

    /// Reports cycles among derived metrics (beyond direct self-reference).
    pub(super) fn derived_cycles(&mut self, journeys: &[&ast::Journey]) {
        for journey in journeys {
            let edges: IndexMap<&str, Vec<&ast::Name>> = journey
                .metrics
                .iter()
                .filter_map(|m| match m.formula.as_ref().map(|f| &f.node) {
                    Some(Formula::Derived(a)) => {
                        let mut refs = Vec::new();
                        metric_refs(a, &mut refs);
                        Some((m.name.node.as_str(), refs))
                    }
                    _ => None,
                })
                .collect();
            let mut reported: Vec<&str> = Vec::new();
            for start in edges.keys() {
                let mut path = vec![*start];
                if let Some(cycle) = find_cycle(&edges, start, &mut path)
                    && cycle.len() > 1
                    && !cycle.iter().any(|c| reported.contains(c))
                {
                    let m = journey
                        .metrics
                        .iter()
                        .find(|m| m.name.node == *start)
                        .map_or(journey.span, |m| m.name.span);
                    self.error(
                        Diagnostic::new(
                            codes::DERIVED_CYCLE,
                            format!("derived metrics form a cycle: {}", cycle.iter().chain([start]).map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" -> ")),
                        )
                        .at(m)
                        .with_help("a derived metric must be computable from metrics that do not depend on it"),
                    );
                    reported.extend(cycle);
                }
            }
        }
    }

    fn attribution(
        &mut self,
        a: &ast::Attribution,
        kind: &model::MetricKind,
        journey: &ast::Journey,
        scope: &Scope<'_>,
    ) -> Option<model::Attribution> {
        let event = self.event_ref(&a.event, scope.events)?;
        let from = &scope.sources[&event.source];
        if from.entity.is_none() {
            self.error(
                Diagnostic::new(codes::ATTRIBUTION, format!("source `{}` has no entity to attribute cohorts by", from.name))
                    .at(a.event.span)
                    .with_help("cohorts are taken from the same entity's earlier event; declare `entity` on that source"),
            );
        }
        for source in metric_sources(kind, scope) {
            if source.entity.is_none() {
                self.error(
                    Diagnostic::new(
                        codes::ATTRIBUTION,
                        format!(
                            "source `{}` has no entity to attribute cohorts to",
                            source.name
                        ),
                    )
                    .at(a.span)
                    .with_help("declare `entity` on the metric's source"),
                );
            }
        }
        let missing: Vec<&str> = journey
            .cohorts
            .iter()
            .map(|c| c.node.as_str())
            .filter(|c| !from.dimensions.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            self.error(
                Diagnostic::new(
                    codes::ATTRIBUTION,
                    format!(
                        "`{}` cannot provide the cohort {}",
                        event.name,
                        missing
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .at(a.event.span)
                .with_help(format!(
                    "attribute from an event whose source declares those dimensions; `{}` does not",
                    from.name
                )),
            );
        }
        if let Some(tb) = &a.tie_break {
            self.column_exists(&from.columns, &tb.node, tb.span, &from.name, "tie-break");
        }
        Some(model::Attribution {
            event: event.name.clone(),
            source: event.source.clone(),
            lookback: a
                .lookback
                .as_ref()
                .map_or(scope.settings.attribution_lookback, |l| l.node),
            tie_break: a.tie_break.as_ref().map(|t| t.node.clone()),
        })
    }

    /// The journey cohorts that every source of the metric provides; with
    /// attribution, those its attribution source provides. A derived metric
    /// starts from all of them; `derived_cohorts` narrows it to its inputs'.
    fn metric_cohorts(
        &self,
        journey: &ast::Journey,
        kind: &model::MetricKind,
        attribution: Option<&model::Attribution>,
        scope: &Scope<'_>,
    ) -> Vec<String> {
        let sources: Vec<&model::Source> = match attribution {
            Some(a) => vec![&scope.sources[&a.source]],
            None if matches!(kind, model::MetricKind::Derived(_)) => {
                return journey.cohorts.iter().map(|c| c.node.clone()).collect();
            }
            None => metric_sources(kind, scope),
        };
        journey
            .cohorts
            .iter()
            .map(|c| c.node.clone())
            .filter(|c| !sources.is_empty() && sources.iter().all(|s| s.dimensions.contains_key(c)))
            .collect()
    }
}

/// The sources whose rows a metric counts (not those of derived inputs).
pub(crate) fn metric_sources<'s>(
    kind: &model::MetricKind,
    scope: &Scope<'s>,
) -> Vec<&'s model::Source> {
    let names: Vec<&str> = match kind {
        model::MetricKind::Count(u) | model::MetricKind::Sum { unit: u, .. } => {
            vec![u.source.as_str()]
        }
        model::MetricKind::Rate {
            numerator,
            denominator,
        } => vec![numerator.source.as_str(), denominator.source.as_str()],
        model::MetricKind::Conversion(s) | model::MetricKind::Duration { sequence: s, .. } => {
            vec![s.from_source.as_str()]
        }
        model::MetricKind::Derived(_) => Vec::new(),
    };
    let mut out: Vec<&model::Source> = Vec::new();
    for name in names {
        if let Some(s) = scope.sources.get(name)
            && !out.iter().any(|o| o.name == s.name)
        {
            out.push(s);
        }
    }
    out
}

/// A derived metric is broken down by the cohorts all of its inputs share,
/// in its journey's order. Inputs may be derived themselves, so this runs to
/// a fixed point (cycles are already errors, and each pass only narrows).
pub(crate) fn derived_cohorts(metrics: &mut IndexMap<String, model::Metric>) {
    for _ in 0..metrics.len() {
        let mut changed = false;
        for i in 0..metrics.len() {
            let model::MetricKind::Derived(arith) = &metrics[i].kind else {
                continue;
            };
            let mut inputs = Vec::new();
            metric_refs(arith, &mut inputs);
            let cohorts: Vec<String> = metrics[i]
                .cohorts
                .iter()
                .filter(|c| {
                    inputs.iter().all(|input| {
                        metrics
                            .get(&input.node)
                            .is_some_and(|m| m.cohorts.contains(c))
                    })
                })
                .cloned()
                .collect();
            if cohorts != metrics[i].cohorts {
                metrics[i].cohorts = cohorts;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

fn metric_refs<'a>(a: &'a Arith, out: &mut Vec<&'a ast::Name>) {
    match a {
        Arith::Number(_) => {}
        Arith::Metric(m) => out.push(m),
        Arith::Neg(i) => metric_refs(i, out),
        Arith::Binary(l, _, r) => {
            metric_refs(l, out);
            metric_refs(r, out);
        }
    }
}

fn find_cycle<'a>(
    edges: &IndexMap<&'a str, Vec<&'a ast::Name>>,
    start: &str,
    path: &mut Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    let current = *path.last()?;
    for next in edges.get(current).into_iter().flatten() {
        let next = next.node.as_str();
        if next == start {
            return Some(path.clone());
        }
        if path.contains(&next) || !edges.contains_key(next) || path.len() > edges.len() {
            continue;
        }
        let key = edges.get_key_value(next).map(|(k, _)| *k)?;
        path.push(key);
        if let Some(c) = find_cycle(edges, start, path) {
            return Some(c);
        }
        path.pop();
    }
    None
}

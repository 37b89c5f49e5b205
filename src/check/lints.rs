//! Lints: advice from the seeds that a scorecard still compiles without.
//!
//! Each lint can be allowed on the item it fires on (or an enclosing
//! journey) with `allow: {CODE: reason}`; an allow that silences nothing is
//! itself reported, so allows do not outlive their reason.

use std::collections::BTreeSet;

use super::{Cx, Merged};
use crate::codes::{self, Code};
use crate::diagnostic::Diagnostic;
use crate::model::{self, MetricKind, Tier};
use crate::span::Span;
use crate::syntax::ast;

/// Runs every lint. `model` is `None` when checking failed; lints then
/// only look at the syntax.
/// Checks every `allow`: it names a lint and gives a reason. These are
/// errors, so they are reported even when the lints themselves do not run.
pub(super) fn check_allows(cx: &mut Cx<'_>, merged: &Merged<'_>) {
    for allow in all_allows(merged) {
        if codes::lookup(&allow.lint.node)
            .is_none_or(|c| c.code.severity() != crate::diagnostic::Severity::Warning)
        {
            cx.error(
                Diagnostic::new(
                    codes::UNKNOWN_CODE,
                    format!("`{}` is not a lint", allow.lint.node),
                )
                .at(allow.lint.span)
                .with_help_opt(crate::diagnostic::did_you_mean(
                    &allow.lint.node,
                    codes::ALL
                        .iter()
                        .filter(|c| c.code.as_str().starts_with('W'))
                        .flat_map(|c| [c.code.as_str(), c.name]),
                ))
                .with_note("only warnings (W codes) can be allowed"),
            );
        } else if allow.reason.node.trim().is_empty() {
            cx.error(
                Diagnostic::new(
                    codes::MISSING_KEY,
                    format!("allowing `{}` needs a reason", allow.lint.node),
                )
                .at(allow.reason.span)
                .with_help("say why the advice does not apply here"),
            );
        }
    }
}

/// Runs every lint on a scorecard that checked without errors.
pub(super) fn run(cx: &mut Cx<'_>, merged: &Merged<'_>, model: Option<&model::Scorecard>) {
    let mut linter = Linter {
        cx,
        used: BTreeSet::new(),
    };
    let Some(model) = model else {
        // Without a model the lints did not run, so no allow can be judged.
        return;
    };
    linter.sources(merged);
    linter.journeys(merged, model);
    linter.recovery_tier(merged, model);
    for allow in all_allows(merged) {
        let is_lint = codes::lookup(&allow.lint.node)
            .is_some_and(|c| c.code.severity() == crate::diagnostic::Severity::Warning);
        if is_lint && !linter.used.contains(&key(allow.lint.span)) {
            linter.cx.error(
                Diagnostic::new(
                    codes::UNUSED_ALLOW,
                    format!("`allow {}` silences nothing here", allow.lint.node),
                )
                .at(allow.lint.span)
                .with_help("remove the allow; the advice it silenced no longer fires"),
            );
        }
    }
}

struct Linter<'a, 'c> {
    cx: &'a mut Cx<'c>,
    used: BTreeSet<(u32, u32)>,
}

fn key(span: Span) -> (u32, u32) {
    (span.file.0, span.start)
}

fn all_allows<'a>(m: &Merged<'a>) -> Vec<&'a ast::Allow> {
    let mut out: Vec<&ast::Allow> = m.sources.iter().flat_map(|s| &s.allow).collect();
    for j in &m.journeys {
        out.extend(&j.allow);
        out.extend(j.metrics.iter().flat_map(|x| &x.allow));
        out.extend(j.pairs.iter().flat_map(|x| &x.allow));
        out.extend(j.changes.iter().flat_map(|x| &x.allow));
    }
    out
}

impl Linter<'_, '_> {
    /// Emits a lint unless one of `allows` (innermost first) silences it.
    fn lint(&mut self, allows: &[&[ast::Allow]], d: Diagnostic) {
        let code: Code = d.code;
        let info = code.info();
        for list in allows {
            if let Some(a) = list.iter().find(|a| {
                a.lint.node.eq_ignore_ascii_case(code.as_str()) || a.lint.node == info.name
            }) {
                self.used.insert(key(a.lint.span));
                return;
            }
        }
        self.cx.error(d.with_note(format!(
            "allow it on the item with `{}` and a reason",
            info.name
        )));
    }

    /// Signal integrity is security's part of every scorecard: a source
    /// that nobody watches for staleness can silently freeze every rate.
    fn sources(&mut self, merged: &Merged<'_>) {
        for s in &merged.sources {
            let fresh = s
                .integrity
                .freshness
                .as_ref()
                .is_some_and(|b| b.warn.is_some() || b.critical.is_some());
            if !fresh {
                self.lint(
                    &[&s.allow],
                    Diagnostic::new(codes::NO_FRESHNESS_CHECK, format!("source `{}` has no freshness check", s.name.node))
                        .at(s.name.span)
                        .with_help("add `integrity: { freshness: { warn: \"> 2h\", critical: \"> 6h\" } }` so a stalled feed is reported before its rates are read"),
                );
            }
        }
    }

    fn journeys(&mut self, merged: &Merged<'_>, model: &model::Scorecard) {
        let used = used_metrics(model);
        for j in &merged.journeys {
            let Some(journey) = model.journeys.get(&j.name.node) else {
                continue;
            };
            let policy = model.tiers.get(&journey.tier);
            let floor = policy.and_then(|p| p.min_sample).unwrap_or(0);
            if j.pairs.is_empty() {
                self.lint(
                    &[&j.allow],
                    Diagnostic::new(
                        codes::JOURNEY_WITHOUT_PAIR,
                        format!("journey `{}` has no pair", j.name.node),
                    )
                    .at(j.name.span)
                    .with_help(
                        "judge the journey by a security metric and an experience metric together",
                    ),
                );
            }
            if journey.tier >= Tier::High && j.cohorts.is_empty() {
                self.lint(
                    &[&j.allow],
                    Diagnostic::new(
                        codes::HIGH_TIER_NO_COHORTS,
                        format!("{}-tier journey `{}` has no cohorts", journey.tier.as_str(), j.name.node),
                    )
                    .at(j.tier.as_ref().map_or(j.name.span, |t| t.span))
                    .with_help("break it down (device_type, region...) so harm to one segment is not averaged away"),
                );
            }
            if let Some(policy) = policy {
                for required in &policy.required_cohorts {
                    if !journey.cohorts.contains(required) {
                        self.lint(
                            &[&j.allow],
                            Diagnostic::new(
                                codes::MISSING_REQUIRED_COHORT,
                                format!(
                                    "the {} tier requires the cohort `{required}`",
                                    journey.tier.as_str()
                                ),
                            )
                            .at(j.name.span)
                            .with_help(format!(
                                "add `{required}` to the cohorts of `{}`",
                                j.name.node
                            )),
                        );
                    }
                }
            }
            if j.security_owner.is_none() || j.product_owner.is_none() {
                let missing = match (&j.security_owner, &j.product_owner) {
                    (None, None) => "security or product owner",
                    (None, _) => "security owner",
                    _ => "product owner",
                };
                self.lint(
                    &[&j.allow],
                    Diagnostic::new(codes::MISSING_OWNER, format!("journey `{}` has no {missing}", j.name.node))
                        .at(j.name.span)
                        .with_help("security owns the signal; product owns the interpretation and the thresholds"),
                );
            }
            let mut min_samples: Vec<(&crate::span::Spanned<u64>, &[ast::Allow])> = Vec::new();
            min_samples.extend(j.min_sample.iter().map(|m| (m, j.allow.as_slice())));
            for m in &j.metrics {
                min_samples.extend(m.min_sample.iter().map(|x| (x, m.allow.as_slice())));
            }
            for p in &j.pairs {
                min_samples.extend(p.min_sample.iter().map(|x| (x, p.allow.as_slice())));
                for side in [&p.security, &p.experience].into_iter().flatten() {
                    min_samples.extend(side.min_sample.iter().map(|x| (x, p.allow.as_slice())));
                    for o in &side.overrides {
                        min_samples.extend(o.min_sample.iter().map(|x| (x, p.allow.as_slice())));
                    }
                }
            }
            for (m, allow) in min_samples {
                if m.node < floor {
                    self.lint(
                        &[allow, &j.allow],
                        Diagnostic::new(
                            codes::BELOW_TIER_MIN_SAMPLE,
                            format!("min_sample {} is below the {} tier's floor of {floor}", m.node, journey.tier.as_str()),
                        )
                        .at(m.span)
                        .with_help(format!("the tier policy raises it to {floor}; write {floor} or more, or change the policy")),
                    );
                }
            }
            for m in &j.metrics {
                let Some(metric) = model.metrics.get(&m.name.node) else {
                    continue;
                };
                if !used.contains(metric.name.as_str()) {
                    self.lint(
                        &[&m.allow, &j.allow],
                        Diagnostic::new(codes::UNUSED_METRIC, format!("metric `{}` is not used", m.name.node))
                            .at(m.name.span)
                            .with_help("pair it, derive from it, or trace it as a control change outcome; a metric nobody judges is noise"),
                    );
                }
                let missing: Vec<&String> = journey
                    .cohorts
                    .iter()
                    .filter(|c| !metric.cohorts.contains(c))
                    .collect();
                if !missing.is_empty() && !matches!(metric.kind, MetricKind::Derived(_)) {
                    self.lint(
                        &[&m.allow, &j.allow],
                        Diagnostic::new(
                            codes::COHORT_NOT_PROVIDED,
                            format!(
                                "`{}` cannot be broken down by {}",
                                m.name.node,
                                missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                            ),
                        )
                        .at(m.name.span)
                        .with_help("its sources lack those dimensions, so it is computed overall only; add them to the sources or attribute cohorts from another event"),
                    );
                }
            }
            for p in &j.pairs {
                self.pair(j, p, model);
            }
            for c in &j.changes {
                if c.outcomes.is_empty() {
                    self.lint(
                        &[&c.allow, &j.allow],
                        Diagnostic::new(codes::CHANGE_WITHOUT_OUTCOME, format!("control change `{}` traces no outcome", c.name.node))
                            .at(c.name.span)
                            .with_help("name the outcome metrics it should move (abandonment, fraud loss, support contacts)"),
                    );
                }
            }
        }
    }

    fn pair(&mut self, j: &ast::Journey, p: &ast::Pair, model: &model::Scorecard) {
        let allows: [&[ast::Allow]; 2] = [&p.allow, &j.allow];
        if p.action.as_ref().is_none_or(|a| a.node.trim().is_empty()) {
            self.lint(
                &allows,
                Diagnostic::new(
                    codes::PAIR_WITHOUT_ACTION,
                    format!("pair `{}` names no action", p.name.node),
                )
                .at(p.name.span)
                .with_help(
                    "a metric is shared only when both teams agree on the action it triggers",
                ),
            );
        }
        if p.maps.is_empty() {
            self.lint(
                &allows,
                Diagnostic::new(
                    codes::PAIR_WITHOUT_MAPPING,
                    format!("pair `{}` maps to no framework control", p.name.node),
                )
                .at(p.name.span)
                .with_help("say which controls it evidences, e.g. `csf:DE.AE-02`, `sp800-63:AAL2`"),
            );
        }
        if let Some(side) = &p.experience
            && let Some(metric) = model.metrics.get(&side.metric.node)
            && matches!(metric.kind, MetricKind::Count(_))
            && metric.side == model::Side::Experience
        {
            self.lint(
                &allows,
                Diagnostic::new(
                    codes::ACTIVITY_AS_VALUE,
                    format!("pair `{}` judges experience by `{}`, a plain count", p.name.node, metric.name),
                )
                .at(side.metric.span)
                .with_help("activity (login volume, enrolments) is not value; pair a rate or an outcome such as abandonment or fraud loss"),
            );
        }
    }

    /// Account recovery is the most abused flow: it must not be a lower
    /// tier than sign-in.
    fn recovery_tier(&mut self, merged: &Merged<'_>, model: &model::Scorecard) {
        // Journeys are recognised by name or title: recovery by "recover",
        // sign-in by "login", "log in", "sign in" (any separator).
        let words = |j: &ast::Journey| {
            let title = j
                .title
                .as_ref()
                .map(|t| t.node.as_str())
                .unwrap_or_default();
            format!("{} {}", j.name.node, title)
                .to_lowercase()
                .replace(['_', '-'], " ")
        };
        let recovery = merged
            .journeys
            .iter()
            .find(|j| words(j).contains("recover"));
        let login = merged.journeys.iter().find(|j| {
            let w = words(j);
            !w.contains("recover")
                && ["login", "log in", "sign in", "signin"]
                    .iter()
                    .any(|k| w.contains(k))
        });
        let (Some(recovery), Some(login)) = (recovery, login) else {
            return;
        };
        let (Some(r), Some(l)) = (
            model.journeys.get(&recovery.name.node),
            model.journeys.get(&login.name.node),
        ) else {
            return;
        };
        if r.tier < l.tier {
            self.lint(
                &[&recovery.allow],
                Diagnostic::new(
                    codes::RECOVERY_TIER,
                    format!(
                        "recovery journey `{}` is tier {}, below sign-in journey `{}` (tier {})",
                        r.name,
                        r.tier.as_str(),
                        l.name,
                        l.tier.as_str()
                    ),
                )
                .at(recovery.tier.as_ref().map_or(recovery.name.span, |t| t.span))
                .with_label(login.tier.as_ref().map_or(login.name.span, |t| t.span), "sign-in's tier")
                .with_help("account recovery is usually the most abused flow; give it at least sign-in's tier"),
            );
        }
    }
}

/// Metrics that a pair side, a derived metric or a control change uses.
fn used_metrics(model: &model::Scorecard) -> BTreeSet<&str> {
    let mut used = BTreeSet::new();
    for p in model.pairs.values() {
        used.insert(p.security.metric.as_str());
        used.insert(p.experience.metric.as_str());
    }
    for c in model.changes.values() {
        used.extend(c.outcomes.iter().map(String::as_str));
    }
    for m in model.metrics.values() {
        if let MetricKind::Derived(a) = &m.kind {
            collect(a, &mut used);
        }
    }
    used
}

fn collect<'a>(a: &'a ast::Arith, out: &mut BTreeSet<&'a str>) {
    match a {
        ast::Arith::Number(_) => {}
        ast::Arith::Metric(m) => {
            out.insert(m.node.as_str());
        }
        ast::Arith::Neg(i) => collect(i, out),
        ast::Arith::Binary(l, _, r) => {
            collect(l, out);
            collect(r, out);
        }
    }
}

//! Checking the scorecard-wide declarations: settings, tier policies,
//! sources (columns, keys, dimensions, filters, integrity bounds), events
//! and journeys (steps and cohorts).

use indexmap::IndexMap;

use super::{Cx, metrics, pairs, severity};
use crate::codes;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{self, Grain, Role, Tier, WeekStart};
use crate::syntax::ast::{self, Duration};

impl Cx<'_> {
    pub(super) fn settings(&mut self, d: &ast::Defaults) -> model::Settings {
        use crate::syntax::yaml::shape;
        if let Some(x) = &d.dialect {
            self.word(x, shape::DIALECTS, "dialect", codes::INVALID_VALUE);
        }
        if let Some(x) = &d.grain {
            self.word(x, shape::GRAINS, "grain", codes::INVALID_VALUE);
        }
        if let Some(x) = &d.week_start {
            self.word(x, shape::WEEK_STARTS, "week start", codes::INVALID_VALUE);
        }
        let timezone = d
            .timezone
            .as_ref()
            .map_or_else(|| "UTC".to_string(), |tz| tz.node.clone());
        if let Some(tz) = &d.timezone
            && jiff::tz::TimeZone::get(&tz.node).is_err()
        {
            let names = jiff::tz::db()
                .available()
                .map(|n| n.to_string())
                .collect::<Vec<_>>();
            self.error(
                Diagnostic::new(
                    codes::BAD_TIMEZONE,
                    format!("unknown time zone `{}`", tz.node),
                )
                .at(tz.span)
                .with_help(
                    did_you_mean(&tz.node, names.iter().map(String::as_str)).unwrap_or_else(|| {
                        "use an IANA name such as `UTC` or `Europe/Berlin`".to_string()
                    }),
                ),
            );
        }
        model::Settings {
            dialect: d
                .dialect
                .as_ref()
                .map_or_else(|| "duckdb".to_string(), |x| x.node.clone()),
            grain: match d.grain.as_ref().map(|g| g.node.as_str()) {
                Some("hour") => Grain::Hour,
                Some("week") => Grain::Week,
                Some("month") => Grain::Month,
                _ => Grain::Day,
            },
            timezone,
            min_sample: d.min_sample.as_ref().map_or(0, |m| m.node),
            week_start: match d.week_start.as_ref().map(|w| w.node.as_str()) {
                Some("sunday") => WeekStart::Sunday,
                _ => WeekStart::Monday,
            },
            dedupe_lookback: d
                .dedupe_lookback
                .as_ref()
                .map_or(Duration::days(1), |x| x.node),
            attribution_lookback: d
                .attribution_lookback
                .as_ref()
                .map_or(Duration::days(90), |x| x.node),
            rollups: d.rollups.as_ref().is_some_and(|r| r.node),
        }
    }

    pub(super) fn tiers(
        &mut self,
        declared: &[&ast::TierPolicy],
    ) -> IndexMap<Tier, model::TierPolicy> {
        let mut tiers: IndexMap<Tier, model::TierPolicy> = Tier::ALL
            .into_iter()
            .map(|t| {
                (
                    t,
                    model::TierPolicy {
                        min_sample: None,
                        required_cohorts: Vec::new(),
                        severity: None,
                        sign_off: Vec::new(),
                        span: None,
                    },
                )
            })
            .collect();
        let mut seen: Vec<&ast::Name> = Vec::new();
        use crate::syntax::yaml::shape;
        for policy in declared {
            if let Some(sev) = &policy.severity {
                self.word(sev, shape::SEVERITIES, "severity", codes::INVALID_VALUE);
            }
            for role in &policy.sign_off {
                self.word(role, shape::ROLES, "owner role", codes::INVALID_VALUE);
            }
            if !self.word(&policy.tier, shape::TIERS, "tier", codes::UNKNOWN_TIER) {
                continue;
            }
            let Some(tier) = Tier::parse(&policy.tier.node) else {
                continue;
            };
            if let Some(first) = seen.iter().find(|n| n.node == policy.tier.node) {
                self.duplicate("tier policy", &policy.tier, first.span);
                continue;
            }
            seen.push(&policy.tier);
            tiers.insert(
                tier,
                model::TierPolicy {
                    min_sample: policy.min_sample.as_ref().map(|m| m.node),
                    required_cohorts: policy
                        .required_cohorts
                        .iter()
                        .map(|c| c.node.clone())
                        .collect(),
                    severity: policy.severity.as_ref().map(|s| severity(&s.node)),
                    sign_off: policy
                        .sign_off
                        .iter()
                        .map(|r| {
                            if r.node == "security" {
                                Role::Security
                            } else {
                                Role::Product
                            }
                        })
                        .collect(),
                    span: Some(policy.span),
                },
            );
        }
        tiers
    }

    pub(super) fn sources(&mut self, declared: &[&ast::Source]) -> IndexMap<String, model::Source> {
        self.unique("source", declared.iter().map(|s| &s.name));
        let mut out = IndexMap::new();
        for s in declared {
            if out.contains_key(&s.name.node) {
                continue;
            }
            self.require(
                &s.table,
                "source",
                &s.name,
                "table",
                "the table or view, e.g. `analytics.auth_events`",
            );
            self.require(
                &s.timestamp,
                "source",
                &s.name,
                "timestamp",
                "the timestamp column",
            );
            let columns: IndexMap<String, String> = s
                .columns
                .iter()
                .map(|c| (c.name.node.clone(), c.ty.node.clone()))
                .collect();
            for column in &s.columns {
                // `decimal(12,2)` is checked by its base name.
                let base = column.ty.node.split('(').next().unwrap_or("").trim();
                let name = crate::span::Spanned::new(base.to_string(), column.ty.span);
                self.word(
                    &name,
                    crate::syntax::yaml::shape::COLUMN_TYPES,
                    "column type",
                    codes::INVALID_VALUE,
                );
            }
            let require = |cx: &mut Self, name: &Option<ast::Name>, role: &str| {
                if let Some(n) = name {
                    cx.column_exists(&columns, &n.node, n.span, &s.name.node, role);
                }
            };
            require(self, &s.timestamp, "timestamp");
            require(self, &s.entity, "entity");
            require(self, &s.session, "session");
            require(self, &s.dedupe_by, "dedupe key");
            require(self, &s.dedupe_order, "dedupe order");
            if s.dedupe_order.is_some() && s.dedupe_by.is_none() {
                self.error(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        format!(
                            "source `{}` has a dedupe order but no dedupe key",
                            s.name.node
                        ),
                    )
                    .at(s.dedupe_order.as_ref().map_or(s.span, |d| d.span))
                    .with_help("add `dedupe_by`, or remove `dedupe_order`"),
                );
            }
            let mut dimensions = IndexMap::new();
            for dim in &s.dimensions {
                if dimensions.contains_key(&dim.name.node) {
                    self.error(
                        Diagnostic::new(
                            codes::DUPLICATE_NAME,
                            format!("dimension `{}` is declared twice", dim.name.node),
                        )
                        .at(dim.name.span),
                    );
                    continue;
                }
                let expr = match &dim.expr {
                    Some(text) => self.fragment(text, &columns, &s.name.node),
                    None => {
                        self.column_exists(
                            &columns,
                            &dim.name.node,
                            dim.name.span,
                            &s.name.node,
                            "dimension",
                        );
                        None
                    }
                };
                dimensions.insert(
                    dim.name.node.clone(),
                    model::Dimension {
                        name: dim.name.node.clone(),
                        expr,
                    },
                );
            }
            let filter = s
                .filter
                .as_ref()
                .and_then(|f| self.fragment(f, &columns, &s.name.node));
            let bounds = |b: &Option<ast::Bounds>| model::Bounds {
                warn: b.as_ref().and_then(|b| b.warn.clone()),
                critical: b.as_ref().and_then(|b| b.critical.clone()),
            };
            let integrity = model::Integrity {
                freshness: bounds(&s.integrity.freshness),
                volume: bounds(&s.integrity.volume),
                duplicates: bounds(&s.integrity.duplicates),
            };
            self.integrity_units(s);
            // A source missing its table or timestamp was reported by the
            // front-end; keep it so references to it do not cascade.
            let table = s.table.as_ref().map(|t| t.node.clone()).unwrap_or_default();
            let timestamp = s
                .timestamp
                .as_ref()
                .map(|t| t.node.clone())
                .unwrap_or_default();
            out.insert(
                s.name.node.clone(),
                model::Source {
                    name: s.name.node.clone(),
                    table,
                    timestamp,
                    entity: s.entity.as_ref().map(|e| e.node.clone()),
                    session: s.session.as_ref().map(|e| e.node.clone()),
                    dedupe_by: s.dedupe_by.as_ref().map(|e| e.node.clone()),
                    dedupe_order: s.dedupe_order.as_ref().map(|e| e.node.clone()),
                    dimensions,
                    columns,
                    filter,
                    integrity,
                    span: s.span,
                },
            );
        }
        out
    }

    /// Integrity bounds: freshness in durations, duplicates as a share,
    /// volume relative to its baseline or as a count.
    fn integrity_units(&mut self, s: &ast::Source) {
        let checks = [
            (
                "freshness",
                &s.integrity.freshness,
                pairs::Measure::Duration,
            ),
            ("volume", &s.integrity.volume, pairs::Measure::Count),
            (
                "duplicates",
                &s.integrity.duplicates,
                pairs::Measure::Fraction,
            ),
        ];
        for (what, bounds, measure) in checks {
            let Some(bounds) = bounds else { continue };
            for t in [&bounds.warn, &bounds.critical].into_iter().flatten() {
                pairs::check_units(
                    self,
                    t,
                    measure,
                    &format!("the {what} check of `{}`", s.name.node),
                );
            }
        }
    }

    pub(super) fn events(
        &mut self,
        declared: &[&ast::Event],
        sources: &IndexMap<String, model::Source>,
    ) -> IndexMap<String, model::Event> {
        self.unique("event", declared.iter().map(|e| &e.name));
        let mut out = IndexMap::new();
        for e in declared {
            if out.contains_key(&e.name.node) {
                continue;
            }
            self.require(
                &e.source,
                "event",
                &e.name,
                "source",
                "the source the event reads",
            );
            let source = e
                .source
                .as_ref()
                .and_then(|name| self.source_ref(name, sources));
            let Some(source) = source else {
                // Reported already; remember the name so uses do not cascade.
                self.broken.insert(e.name.node.clone());
                continue;
            };
            let filter = e
                .filter
                .as_ref()
                .and_then(|f| self.fragment(f, &source.columns, &source.name));
            out.insert(
                e.name.node.clone(),
                model::Event {
                    name: e.name.node.clone(),
                    source: source.name.clone(),
                    filter,
                    description: e.description.as_ref().map(|d| d.node.clone()),
                    span: e.span,
                },
            );
        }
        out
    }

    pub(super) fn journey(
        &mut self,
        j: &ast::Journey,
        scope: &metrics::Scope<'_>,
    ) -> model::Journey {
        self.require(
            &j.tier,
            "journey",
            &j.name,
            "tier",
            "low, medium, high or critical",
        );
        if let Some(t) = &j.tier {
            self.word(
                t,
                crate::syntax::yaml::shape::TIERS,
                "tier",
                codes::UNKNOWN_TIER,
            );
        }
        for step in &j.steps {
            self.event_ref(step, scope.events);
        }
        let known_dimensions: Vec<&str> = scope
            .sources
            .values()
            .flat_map(|s| s.dimensions.keys().map(String::as_str))
            .collect();
        let mut cohorts: Vec<String> = Vec::new();
        for cohort in &j.cohorts {
            if cohorts.contains(&cohort.node) {
                self.error(
                    Diagnostic::new(
                        codes::DUPLICATE_NAME,
                        format!("cohort `{}` is listed twice", cohort.node),
                    )
                    .at(cohort.span),
                );
                continue;
            }
            if !known_dimensions.contains(&cohort.node.as_str()) {
                self.error(
                    Diagnostic::new(
                        codes::UNKNOWN_DIMENSION,
                        format!("no source declares the dimension `{}`", cohort.node),
                    )
                    .at(cohort.span)
                    .with_help_opt(did_you_mean(&cohort.node, known_dimensions.iter().copied())),
                );
            }
            cohorts.push(cohort.node.clone());
        }
        model::Journey {
            name: j.name.node.clone(),
            title: j.title.as_ref().map(|t| t.node.clone()),
            description: j.description.as_ref().map(|t| t.node.clone()),
            tier: j
                .tier
                .as_ref()
                .and_then(|t| Tier::parse(&t.node))
                .unwrap_or(Tier::Medium),
            steps: j.steps.iter().map(|s| s.node.clone()).collect(),
            security_owner: j.security_owner.as_ref().map(|o| o.node.clone()),
            product_owner: j.product_owner.as_ref().map(|o| o.node.clone()),
            cohorts,
            min_sample: j.min_sample.as_ref().map(|m| m.node),
            metrics: Vec::new(),
            pairs: Vec::new(),
            changes: Vec::new(),
            span: j.span,
        }
    }
}

//! The YAML front-end: a scorecard file in YAML to the spanned syntax tree.
//!
//! The YAML is read into a generic spanned tree ([`node`]) and walked here
//! against the key tables of [`shape`], so that every unknown key, wrong
//! type and duplicate of a file is reported in one run.

pub mod comments;
pub mod node;
pub mod print;
mod read;
pub mod shape;

use node::{Node, Value};

use super::ast::*;
use super::expr::{self, Entry};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span, Spanned};

/// Parses one YAML scorecard file. Returns what could be read, and every
/// problem found; the document is only trustworthy if there are none.
pub fn parse(file: FileId, text: &str) -> (Document, Vec<Diagnostic>) {
    let root = match node::parse(file, text) {
        Ok(root) => root,
        Err(d) => return (Document::default(), vec![d]),
    };
    let mut walker = Walker {
        file,
        text,
        diagnostics: Vec::new(),
        thresholds: std::collections::HashMap::new(),
    };
    let mut doc = walker.document(&root);
    super::comments::attach(comments::yaml_comments(text), &mut doc);
    (doc, walker.diagnostics)
}

struct Walker<'t> {
    file: FileId,
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
    /// Thresholds parsed so far, by text, with spans local to the text:
    /// scorecards repeat the same few bounds on many pairs.
    thresholds: std::collections::HashMap<String, Threshold>,
}

/// A mapping whose keys were checked against a shape.
struct Obj<'n> {
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
    span: Span,
}

impl<'n> Obj<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, _)| k.span)
    }
}

impl<'t> Walker<'t> {
    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn document(&mut self, root: &Node) -> Document {
        let mut doc = Document::default();
        if root.value == Value::Null {
            return doc;
        }
        let Some(obj) = self.obj(root, &shape::FILE) else {
            return doc;
        };
        if let Some(name) = obj.get("scorecard") {
            doc.header = self.header(&obj, name);
        } else {
            for key in ["title", "description", "defaults", "include", "catalogs"] {
                if let Some(span) = obj.key_span(key) {
                    self.error(
                        Diagnostic::new(
                            codes::MISPLACED,
                            format!("`{key}` belongs in the root file"),
                        )
                        .at(span)
                        .with_help(
                            "only the file with `scorecard:` may set scorecard-wide settings",
                        ),
                    );
                }
            }
        }
        doc.tiers = self.named(obj.get("tiers"), &shape::TIER, |w, name, o| w.tier(name, o));
        doc.sources = self.named(obj.get("sources"), &shape::SOURCE, |w, name, o| {
            w.source(name, o)
        });
        doc.events = self.named(obj.get("events"), &shape::EVENT, |w, name, o| {
            w.event(name, o)
        });
        doc.journeys = self.named(obj.get("journeys"), &shape::JOURNEY, |w, name, o| {
            w.journey(name, o)
        });
        doc
    }

    fn header(&mut self, obj: &Obj<'_>, name: &Node) -> Option<Header> {
        let name = self.text_value(name)?;
        let mut defaults = Defaults::default();
        if let Some(node) = obj.get("defaults")
            && let Some(d) = self.obj(node, &shape::DEFAULTS)
        {
            defaults.dialect = d
                .get("dialect")
                .and_then(|n| self.word(n, shape::DIALECTS, "dialect"));
            defaults.grain = d
                .get("grain")
                .and_then(|n| self.word(n, shape::GRAINS, "grain"));
            defaults.timezone = d.get("timezone").and_then(|n| self.text_value(n));
            defaults.min_sample = d.get("min_sample").and_then(|n| self.count(n));
            defaults.week_start = d
                .get("week_start")
                .and_then(|n| self.word(n, shape::WEEK_STARTS, "week start"));
            defaults.dedupe_lookback = d.get("dedupe_lookback").and_then(|n| self.duration(n));
            defaults.attribution_lookback =
                d.get("attribution_lookback").and_then(|n| self.duration(n));
            defaults.rollups = d.get("rollups").and_then(|n| self.boolean(n));
        }
        Some(Header {
            span: name.span,
            name,
            title: obj.get("title").and_then(|n| self.text_value(n)),
            description: obj.get("description").and_then(|n| self.text_value(n)),
            defaults,
            includes: self.list(obj.get("include"), |w, n| w.text_value(n)),
            catalogs: self.list(obj.get("catalogs"), |w, n| w.text_value(n)),
            comments: Vec::new(),
        })
    }

    fn tier(&mut self, name: Name, o: Obj<'_>) -> TierPolicy {
        let tier = name;
        TierPolicy {
            span: tier.span.to(o.span),
            tier,
            min_sample: o.get("min_sample").and_then(|n| self.count(n)),
            required_cohorts: self.list(o.get("require"), |w, n| w.name(n)),
            severity: o
                .get("severity")
                .and_then(|n| self.word(n, shape::SEVERITIES, "severity")),
            sign_off: self.list(o.get("sign_off"), |w, n| {
                w.word(n, shape::ROLES, "owner role")
            }),
            comments: Vec::new(),
        }
    }

    fn source(&mut self, name: Name, o: Obj<'_>) -> Source {
        let mut integrity = Integrity::default();
        if let Some(node) = o.get("integrity")
            && let Some(i) = self.obj(node, &shape::INTEGRITY)
        {
            integrity.freshness = i.get("freshness").and_then(|n| self.bounds(n));
            integrity.volume = i.get("volume").and_then(|n| self.bounds(n));
            integrity.duplicates = i.get("duplicates").and_then(|n| self.bounds(n));
        }
        let columns = match o.get("columns") {
            Some(node) => self
                .pairs(node, "columns")
                .into_iter()
                .filter_map(|(k, v)| {
                    let name = self.name(k)?;
                    let ty = self.text_value(v)?;
                    Some(Column { name, ty })
                })
                .collect(),
            None => Vec::new(),
        };
        Source {
            span: name.span.to(o.span),
            name,
            table: o.get("table").and_then(|n| self.text_value(n)),
            timestamp: o.get("timestamp").and_then(|n| self.name(n)),
            entity: o.get("entity").and_then(|n| self.name(n)),
            session: o.get("session").and_then(|n| self.name(n)),
            dedupe_by: o.get("dedupe_by").and_then(|n| self.name(n)),
            dedupe_order: o.get("dedupe_order").and_then(|n| self.name(n)),
            dimensions: self.list(o.get("dimensions"), |w, n| w.dimension(n)),
            columns,
            filter: o.get("filter").and_then(|n| self.sql(n)),
            integrity,
            allow: self.allow(o.get("allow")),
            comments: Vec::new(),
        }
    }

    fn dimension(&mut self, node: &Node) -> Option<Dimension> {
        if let Value::Map(entries) = &node.value {
            if entries.len() != 1 {
                self.error(
                    Diagnostic::new(
                        codes::WRONG_TYPE,
                        "a computed dimension is one `name: sql` entry",
                    )
                    .at(node.extent),
                );
                return None;
            }
            let (k, v) = &entries[0];
            return Some(Dimension {
                name: self.name(k)?,
                expr: Some(self.sql(v)?),
            });
        }
        Some(Dimension {
            name: self.name(node)?,
            expr: None,
        })
    }

    fn bounds(&mut self, node: &Node) -> Option<Bounds> {
        let o = self.obj(node, &shape::BOUNDS)?;
        Some(Bounds {
            warn: o.get("warn").and_then(|n| self.threshold(n)),
            critical: o.get("critical").and_then(|n| self.threshold(n)),
            span: o.span,
        })
    }

    fn event(&mut self, name: Name, o: Obj<'_>) -> Event {
        Event {
            span: name.span.to(o.span),
            name,
            source: o.get("source").and_then(|n| self.name(n)),
            filter: o.get("where").and_then(|n| self.sql(n)),
            description: o.get("description").and_then(|n| self.text_value(n)),
            comments: Vec::new(),
        }
    }

    fn journey(&mut self, name: Name, o: Obj<'_>) -> Journey {
        let (mut security_owner, mut product_owner) = (None, None);
        if let Some(node) = o.get("owners")
            && let Some(owners) = self.obj(node, &shape::OWNERS)
        {
            security_owner = owners.get("security").and_then(|n| self.text_value(n));
            product_owner = owners.get("product").and_then(|n| self.text_value(n));
        }
        Journey {
            span: name.span.to(o.span),
            name,
            title: o.get("title").and_then(|n| self.text_value(n)),
            description: o.get("description").and_then(|n| self.text_value(n)),
            tier: o
                .get("tier")
                .and_then(|n| self.word(n, shape::TIERS, "tier")),
            steps: self.list(o.get("steps"), |w, n| w.name(n)),
            security_owner,
            product_owner,
            cohorts: self.list(o.get("cohorts"), |w, n| w.name(n)),
            min_sample: o.get("min_sample").and_then(|n| self.count(n)),
            metrics: self.named(o.get("metrics"), &shape::METRIC, |w, name, o| {
                w.metric(name, o)
            }),
            pairs: self.named(o.get("pairs"), &shape::PAIR, |w, name, o| w.pair(name, o)),
            changes: self.named(o.get("changes"), &shape::CHANGE, |w, name, o| {
                w.change(name, o)
            }),
            allow: self.allow(o.get("allow")),
            comments: Vec::new(),
        }
    }

    fn metric(&mut self, name: Name, o: Obj<'_>) -> Metric {
        let given: Vec<(&str, &Node)> = shape::FORMULA_KEYS
            .iter()
            .filter_map(|k| o.get(k).map(|n| (*k, n)))
            .collect();
        let formula = match given.as_slice() {
            [] => {
                self.error(
                    Diagnostic::new(codes::METRIC_KIND, format!("metric `{}` has no formula", name.node))
                        .at(name.span)
                        .with_help("give one of `count`, `sum`, `rate`, `conversion`, `duration`, `derived` or `formula`"),
                );
                None
            }
            [(key, node)] => self.formula(key, node),
            [(first, _), (second, node), ..] => {
                self.error(
                    Diagnostic::new(
                        codes::METRIC_KIND,
                        format!(
                            "metric `{}` has two formulas, `{first}` and `{second}`",
                            name.node
                        ),
                    )
                    .at(o.key_span(second).unwrap_or(node.span))
                    .with_help(
                        "a metric measures one thing; declare a second metric for the other",
                    ),
                );
                None
            }
        };
        let attribution = o.get("attribute").and_then(|node| {
            let a = self.obj(node, &shape::ATTRIBUTE)?;
            Some(Attribution {
                event: a.get("from").and_then(|n| self.name(n))?,
                lookback: a.get("within").and_then(|n| self.duration(n)),
                tie_break: a.get("tie_break").and_then(|n| self.name(n)),
                span: a.span,
            })
        });
        Metric {
            span: name.span.to(o.span),
            name,
            side: o
                .get("side")
                .and_then(|n| self.word(n, shape::SIDES, "side")),
            good: o
                .get("good")
                .and_then(|n| self.word(n, shape::DIRECTIONS, "direction")),
            formula,
            unit: o.get("unit").and_then(|n| self.text_value(n)),
            description: o.get("description").and_then(|n| self.text_value(n)),
            min_sample: o.get("min_sample").and_then(|n| self.count(n)),
            attribution,
            allow: self.allow(o.get("allow")),
            comments: Vec::new(),
        }
    }

    fn formula(&mut self, key: &str, node: &Node) -> Option<Spanned<Formula>> {
        let entry = match key {
            "count" => Entry::Count,
            "sum" => Entry::Sum,
            "rate" => Entry::Rate,
            "conversion" => Entry::Conversion,
            "duration" => Entry::Duration,
            "derived" => Entry::Derived,
            _ => Entry::Formula,
        };
        let (text, origin) = self.scalar_origin(node)?;
        match expr::parse_formula(entry, &text, &origin) {
            Ok(formula) => Some(Spanned::new(formula, node.span)),
            Err(d) => {
                self.error(d);
                None
            }
        }
    }

    fn pair(&mut self, name: Name, o: Obj<'_>) -> Pair {
        let tradeoff = o.get("tradeoff").and_then(|node| {
            let (text, origin) = self.scalar_origin(node)?;
            match expr::parse_tradeoff(&text, &origin) {
                Ok(t) => Some(Spanned::new(t, node.span)),
                Err(d) => {
                    self.error(d);
                    None
                }
            }
        });
        Pair {
            span: name.span.to(o.span),
            name,
            security: o.get("security").and_then(|n| self.side(n)),
            experience: o.get("experience").and_then(|n| self.side(n)),
            tradeoff,
            action: o.get("action").and_then(|n| self.text_value(n)),
            maps: self.list(o.get("maps"), |w, n| w.text_value(n)),
            min_sample: o.get("min_sample").and_then(|n| self.count(n)),
            allow: self.allow(o.get("allow")),
            comments: Vec::new(),
        }
    }

    fn side(&mut self, node: &Node) -> Option<PairSide> {
        let o = self.obj(node, &shape::SIDE)?;
        let overrides = self.list(o.get("overrides"), |w, n| {
            let ov = w.obj(n, &shape::OVERRIDE)?;
            let (dimension, value) =
                w.single_entry(ov.get("when")?, "the cohort of an override")?;
            Some(CohortOverride {
                dimension,
                value,
                warn: ov.get("warn").and_then(|n| w.threshold(n)),
                critical: ov.get("critical").and_then(|n| w.threshold(n)),
                min_sample: ov.get("min_sample").and_then(|n| w.count(n)),
                span: ov.span,
            })
        });
        Some(PairSide {
            metric: o.get("metric").and_then(|n| self.name(n))?,
            warn: o.get("warn").and_then(|n| self.threshold(n)),
            critical: o.get("critical").and_then(|n| self.threshold(n)),
            min_sample: o.get("min_sample").and_then(|n| self.count(n)),
            overrides,
            span: o.span,
        })
    }

    fn change(&mut self, name: Name, o: Obj<'_>) -> ControlChange {
        let compare = o.get("compare").and_then(|node| {
            let c = self.obj(node, &shape::COMPARE)?;
            match (c.get("cohort"), c.get("journey")) {
                (Some(cohort), None) => {
                    let (dimension, value) = self.single_entry(cohort, "a comparison cohort")?;
                    Some(Comparison::Cohort { dimension, value })
                }
                (None, Some(journey)) => Some(Comparison::Journey(self.name(journey)?)),
                _ => {
                    self.error(
                        Diagnostic::new(
                            codes::BAD_COMPARISON,
                            "give exactly one of `cohort` or `journey` to compare with",
                        )
                        .at(c.span),
                    );
                    None
                }
            }
        });
        ControlChange {
            span: name.span.to(o.span),
            name,
            title: o.get("title").and_then(|n| self.text_value(n)),
            date: o.get("date").and_then(|n| self.text_value(n)),
            journeys: self.list(o.get("journeys"), |w, n| w.name(n)),
            outcomes: self.list(o.get("outcomes"), |w, n| w.name(n)),
            window: o.get("window").and_then(|n| self.duration(n)),
            washout: o.get("washout").and_then(|n| self.duration(n)),
            compare,
            allow: self.allow(o.get("allow")),
            comments: Vec::new(),
        }
    }

    fn allow(&mut self, node: Option<&Node>) -> Vec<Allow> {
        let Some(node) = node else {
            return Vec::new();
        };
        self.pairs(node, "allow")
            .into_iter()
            .filter_map(|(k, v)| {
                Some(Allow {
                    lint: self.text_value(k)?,
                    reason: self.text_value(v)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

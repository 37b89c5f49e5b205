//! The YAML front-end: a scorecard file in YAML to the spanned syntax tree.
//!
//! The YAML is read into a generic spanned tree ([`node`]) and walked here
//! against the key tables of [`shape`], so that every unknown key, wrong
//! type and duplicate of a file is reported in one run.

pub mod comments;
pub mod node;
pub mod print;
pub mod shape;

use node::{Node, Value};
use shape::{Field, Shape, Ty};

use super::ast::*;
use super::expr::{self, Entry, Origin};
use crate::codes;
use crate::diagnostic::{Diagnostic, did_you_mean};
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
    };
    let mut doc = walker.document(&root);
    super::comments::attach(comments::yaml_comments(text), &mut doc);
    (doc, walker.diagnostics)
}

struct Walker<'t> {
    file: FileId,
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
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
                    .at(node_span(node, entries)),
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

    // --- Generic helpers -------------------------------------------------

    /// Checks that `node` is a mapping with only the shape's keys, each once,
    /// and all required keys present.
    fn obj<'n>(&mut self, node: &'n Node, shape: &Shape) -> Option<Obj<'n>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                Diagnostic::new(
                    codes::WRONG_TYPE,
                    format!(
                        "expected a mapping for the {}, found {}",
                        shape.what,
                        node.value.kind()
                    ),
                )
                .at(node.span),
            );
            return None;
        };
        let mut obj = Obj {
            entries: Vec::new(),
            span: node_span(node, entries),
        };
        for (k, v) in entries {
            let Value::Str(key) = &k.value else {
                self.error(Diagnostic::new(codes::WRONG_TYPE, "expected a text key").at(k.span));
                continue;
            };
            if shape.field(key).is_none() {
                let keys = shape.fields.iter().map(|f| f.key);
                let help = did_you_mean(key, keys).unwrap_or_else(|| {
                    format!(
                        "{} has {}",
                        with_article(shape.what),
                        shape
                            .fields
                            .iter()
                            .map(|f| format!("`{}`", f.key))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                self.error(
                    Diagnostic::new(
                        codes::UNKNOWN_KEY,
                        format!("unknown key `{key}` in {}", with_article(shape.what)),
                    )
                    .at(k.span)
                    .with_help(help),
                );
                continue;
            }
            if let Some((_, first, _)) = obj.entries.iter().find(|(name, _, _)| name == key) {
                self.error(
                    Diagnostic::new(codes::DUPLICATE_KEY, format!("key `{key}` is given twice"))
                        .at_labelled(k.span, "given again here")
                        .with_label(first.span, "first given here")
                        .with_help("YAML keeps only one of them; remove or rename the other"),
                );
                continue;
            }
            obj.entries.push((key.as_str(), k, v));
        }
        // Required keys of declarations are checked by `check`, for both
        // syntaxes; here only those without which a node cannot be built.
        let checked_later = [
            "source",
            "event",
            "journey",
            "metric",
            "pair",
            "control change",
        ];
        for field in shape
            .fields
            .iter()
            .filter(|f| f.required && !checked_later.contains(&shape.what))
        {
            if obj.get(field.key).is_none() {
                self.error(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        format!("the {} lacks `{}`", shape.what, field.key),
                    )
                    .at(obj.span)
                    .with_help(format!(
                        "add `{}`: {}",
                        field.key,
                        field_hint(field)
                    )),
                );
            }
        }
        Some(obj)
    }

    /// A mapping from names to mappings of `shape`, in written order.
    fn named<T>(
        &mut self,
        node: Option<&Node>,
        shape: &Shape,
        mut build: impl FnMut(&mut Self, Name, Obj<'_>) -> T,
    ) -> Vec<T> {
        let Some(node) = node else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen: Vec<Name> = Vec::new();
        for (k, v) in self.pairs(node, shape.what) {
            let Some(name) = self.name(k) else { continue };
            if let Some(first) = seen.iter().find(|s| s.node == name.node) {
                self.error(
                    Diagnostic::new(
                        codes::DUPLICATE_KEY,
                        format!("{} `{}` is declared twice", shape.what, name.node),
                    )
                    .at_labelled(name.span, "declared again here")
                    .with_label(first.span, "first declared here"),
                );
                continue;
            }
            seen.push(name.clone());
            let obj = if v.value == Value::Null {
                // `name:` with nothing under it: treat as an empty mapping so
                // that the missing keys are reported.
                let empty = Node {
                    value: Value::Map(Vec::new()),
                    span: k.span,
                };
                self.obj(&empty, shape).map(|o| Obj {
                    entries: Vec::new(),
                    span: o.span,
                })
            } else {
                self.obj(v, shape)
            };
            if let Some(obj) = obj {
                out.push(build(self, name, obj));
            }
        }
        out
    }

    /// The entries of a mapping, or an error if it is not one.
    fn pairs<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n Node, &'n Node)> {
        match &node.value {
            Value::Map(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
            Value::Null => Vec::new(),
            other => {
                self.error(
                    Diagnostic::new(
                        codes::WRONG_TYPE,
                        format!("expected a mapping of {what}, found {}", other.kind()),
                    )
                    .at(node.span),
                );
                Vec::new()
            }
        }
    }

    fn list<T>(
        &mut self,
        node: Option<&Node>,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match node.map(|n| (n, &n.value)) {
            None | Some((_, Value::Null)) => Vec::new(),
            Some((_, Value::Seq(items))) => items.iter().filter_map(|n| item(self, n)).collect(),
            // A single value where a list is expected is a list of one.
            Some((n, _)) => item(self, n).into_iter().collect(),
        }
    }

    fn single_entry(&mut self, node: &Node, what: &str) -> Option<(Name, Spanned<String>)> {
        match &node.value {
            Value::Map(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                Some((self.name(k)?, self.text_value(v)?))
            }
            _ => {
                self.error(
                    Diagnostic::new(
                        codes::WRONG_TYPE,
                        format!("{what} is one `dimension: value` entry"),
                    )
                    .at(node.span)
                    .with_help("write it as `{device_type: mobile}`"),
                );
                None
            }
        }
    }

    /// Any scalar as text, spelled as written for numbers and booleans.
    fn text_value(&mut self, node: &Node) -> Option<Spanned<String>> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                let raw = self.text.get(node.span.range()).unwrap_or("").trim();
                if raw.is_empty() {
                    match &node.value {
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => String::new(),
                    }
                } else {
                    raw.trim_matches(|c| c == '"' || c == '\'').to_string()
                }
            }
            other => {
                self.error(
                    Diagnostic::new(
                        codes::WRONG_TYPE,
                        format!("expected text, found {}", other.kind()),
                    )
                    .at(node.span),
                );
                return None;
            }
        };
        Some(Spanned::new(text, node.span))
    }

    fn name(&mut self, node: &Node) -> Option<Name> {
        let text = self.text_value(node)?;
        let valid = text
            .node
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && text
                .node
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            self.error(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    format!("`{}` is not a valid name", text.node),
                )
                .at(node.span)
                .with_help("names start with a letter or `_` and hold letters, digits and `_`"),
            );
            return None;
        }
        Some(text)
    }

    /// A word such as a tier or a side. Which words are allowed is checked
    /// by `check`, for both syntaxes alike.
    fn word(&mut self, node: &Node, _words: &[&str], _what: &str) -> Option<Name> {
        self.text_value(node)
    }

    fn count(&mut self, node: &Node) -> Option<Spanned<u64>> {
        match &node.value {
            Value::Int(i) if *i >= 0 => Some(Spanned::new(*i as u64, node.span)),
            Value::Int(_) | Value::Float(_) => {
                self.error(
                    Diagnostic::new(
                        codes::INVALID_VALUE,
                        "expected a whole number of zero or more",
                    )
                    .at(node.span)
                    .with_help("samples and counts are whole numbers such as `200`"),
                );
                None
            }
            other => {
                self.error(
                    Diagnostic::new(
                        codes::WRONG_TYPE,
                        format!(
                            "expected a whole number of zero or more, found {}",
                            other.kind()
                        ),
                    )
                    .at(node.span),
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node) -> Option<Spanned<bool>> {
        match &node.value {
            Value::Bool(b) => Some(Spanned::new(*b, node.span)),
            other => {
                self.error(
                    Diagnostic::new(
                        codes::WRONG_TYPE,
                        format!("expected `true` or `false`, found {}", other.kind()),
                    )
                    .at(node.span),
                );
                None
            }
        }
    }

    fn duration(&mut self, node: &Node) -> Option<Spanned<Duration>> {
        let (text, origin) = self.scalar_origin(node)?;
        match expr::parse_duration(&text, &origin) {
            Ok(d) => Some(Spanned::new(d, node.span)),
            Err(d) => {
                self.error(d.with_help(
                    "a duration is a number and a unit: `90s`, `30m`, `24h`, `14d`, `2w`",
                ));
                None
            }
        }
    }

    fn threshold(&mut self, node: &Node) -> Option<Threshold> {
        let (text, origin) = self.scalar_origin(node)?;
        match expr::parse_threshold(&text, &origin) {
            Ok(t) => Some(t),
            Err(d) => {
                self.error(d.with_help("a threshold reads like `< 95%`, `> 2% for 3 windows` or `drops 20% vs 28d`; quote it in YAML"));
                None
            }
        }
    }

    fn sql(&mut self, node: &Node) -> Option<SqlText> {
        let (text, origin) = self.scalar_origin(node)?;
        Some(SqlText {
            text,
            span: origin.span,
            offsets: origin.offsets,
        })
    }

    /// The text of a scalar and how its bytes map into the file.
    fn scalar_origin(&mut self, node: &Node) -> Option<(String, Origin)> {
        let text = self.text_value(node)?.node;
        let offsets = align(self.text, node.span.start as usize, &text);
        let span = match (offsets.first(), offsets.last()) {
            (Some(&s), Some(&e)) => Span::new(self.file, s as usize..e as usize + 1),
            _ => node.span,
        };
        Some((
            text,
            Origin {
                file: self.file,
                span,
                offsets,
            },
        ))
    }
}

/// Maps each byte of a scalar's value to a byte of the file, by walking the
/// file from the scalar's start and matching characters in order. Quotes,
/// escapes and block indentation are skipped over; if the value cannot be
/// matched (an escape that changes a character), returns no offsets and
/// diagnostics fall back to the whole scalar.
fn align(file: &str, start: usize, value: &str) -> Vec<u32> {
    let mut offsets = Vec::with_capacity(value.len());
    let mut rest = file.get(start..).unwrap_or("").char_indices();
    for c in value.chars() {
        let found = loop {
            match rest.next() {
                Some((i, f)) if f == c => break Some(start + i),
                Some((_, f))
                    if f.is_whitespace()
                        || matches!(f, '"' | '\'' | '\\' | '|' | '>' | '-' | '+') =>
                {
                    continue;
                }
                Some(_) | None => break None,
            }
        };
        let Some(at) = found else {
            return Vec::new();
        };
        offsets.extend(std::iter::repeat_n(at as u32, c.len_utf8()));
    }
    offsets
}

/// `a source`, `an event`.
fn with_article(what: &str) -> String {
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {what}")
}

/// The span from a mapping's start to the end of its last descendant, so a
/// declaration's span covers everything written inside it.
fn node_span(node: &Node, entries: &[(Node, Node)]) -> Span {
    entries
        .iter()
        .fold(node.span, |span, (k, v)| span.to(k.span).to(extent(v)))
}

fn extent(node: &Node) -> Span {
    match &node.value {
        Value::Map(entries) => node_span(node, entries),
        Value::Seq(items) => items
            .iter()
            .fold(node.span, |span, item| span.to(extent(item))),
        _ => node.span,
    }
}

fn field_hint(field: &Field) -> &'static str {
    match field.ty {
        Ty::Name => "a name",
        Ty::Text => "text",
        Ty::Threshold => "a threshold",
        Ty::Obj(_) => "a mapping",
        Ty::Word(_) => "one of its words",
        Ty::Date => "a date such as 2026-03-15",
        _ => field.doc,
    }
}

#[cfg(test)]
mod tests;

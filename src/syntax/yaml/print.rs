//! Prints a syntax tree as canonical YAML: fixed key order, two-space
//! indentation, comments above the declaration they belong to. Used by
//! `scorec fmt` and `scorec convert --to yaml`; printing is lossless.

use std::fmt::Write as _;

use crate::syntax::ast::*;
use crate::syntax::print_expr;

/// Prints a document as canonical YAML.
pub fn print(doc: &Document) -> String {
    let mut p = Printer::default();
    if let Some(h) = &doc.header {
        p.comments(0, &h.comments);
        p.kv(0, "scorecard", &h.name.node);
        p.text(0, "title", h.title.as_ref().map(|t| t.node.as_str()));
        p.text(
            0,
            "description",
            h.description.as_ref().map(|t| t.node.as_str()),
        );
        let d = &h.defaults;
        let defaults: Vec<(&str, String)> = [
            ("dialect", d.dialect.as_ref().map(|x| x.node.clone())),
            ("grain", d.grain.as_ref().map(|x| x.node.clone())),
            ("timezone", d.timezone.as_ref().map(|x| x.node.clone())),
            (
                "min_sample",
                d.min_sample.as_ref().map(|x| x.node.to_string()),
            ),
            ("week_start", d.week_start.as_ref().map(|x| x.node.clone())),
            (
                "dedupe_lookback",
                d.dedupe_lookback.as_ref().map(|x| x.node.to_string()),
            ),
            (
                "attribution_lookback",
                d.attribution_lookback.as_ref().map(|x| x.node.to_string()),
            ),
            ("rollups", d.rollups.as_ref().map(|x| x.node.to_string())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        if !defaults.is_empty() {
            p.key(0, "defaults");
            for (k, v) in defaults {
                if matches!(
                    k,
                    "min_sample" | "rollups" | "dedupe_lookback" | "attribution_lookback"
                ) {
                    p.raw(1, k, &v);
                } else {
                    p.kv(1, k, &v);
                }
            }
        }
        p.list(0, "include", h.includes.iter().map(|i| i.node.as_str()));
        p.list(0, "catalogs", h.catalogs.iter().map(|i| i.node.as_str()));
    }
    if !doc.tiers.is_empty() {
        p.key(0, "tiers");
        for t in &doc.tiers {
            p.comments(1, &t.comments);
            p.key(1, &t.tier.node);
            p.count(2, "min_sample", t.min_sample.as_ref());
            p.list(
                2,
                "require",
                t.required_cohorts.iter().map(|c| c.node.as_str()),
            );
            p.opt(2, "severity", t.severity.as_ref().map(|s| s.node.as_str()));
            p.list(2, "sign_off", t.sign_off.iter().map(|c| c.node.as_str()));
            p.empty_map_if_bare(2);
        }
    }
    if !doc.sources.is_empty() {
        p.key(0, "sources");
        for s in &doc.sources {
            p.source(s);
        }
    }
    if !doc.events.is_empty() {
        p.key(0, "events");
        for e in &doc.events {
            p.comments(1, &e.comments);
            p.key(1, &e.name.node);
            p.opt(2, "source", e.source.as_ref().map(|s| s.node.as_str()));
            p.opt(2, "where", e.filter.as_ref().map(|f| f.text.as_str()));
            p.text(
                2,
                "description",
                e.description.as_ref().map(|d| d.node.as_str()),
            );
            p.empty_map_if_bare(2);
        }
    }
    if !doc.journeys.is_empty() {
        p.key(0, "journeys");
        for j in &doc.journeys {
            p.journey(j);
        }
    }
    p.comments(0, &doc.trailing_comments);
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    /// Length of `out` after the last key that opened a mapping.
    opened_at: Option<(usize, usize)>,
}

impl Printer {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    fn comments(&mut self, level: usize, comments: &[String]) {
        for c in comments {
            self.indent(level);
            if c.is_empty() {
                self.out.push_str("#\n");
            } else {
                let _ = writeln!(self.out, "# {c}");
            }
        }
    }

    /// `key:` opening a nested mapping or list.
    fn key(&mut self, level: usize, key: &str) {
        self.indent(level);
        let _ = writeln!(self.out, "{}:", scalar(key));
        self.opened_at = Some((self.out.len(), level + 1));
    }

    /// A mapping key with nothing under it prints as `{}` so it stays a mapping.
    fn empty_map_if_bare(&mut self, level: usize) {
        if let Some((at, l)) = self.opened_at
            && at == self.out.len()
            && l == level
        {
            self.out.pop();
            self.out.push_str(" {}\n");
        }
        self.opened_at = None;
    }

    fn kv(&mut self, level: usize, key: &str, value: &str) {
        self.indent(level);
        let _ = writeln!(self.out, "{key}: {}", scalar(value));
    }

    /// A value printed as is (numbers, booleans).
    fn raw(&mut self, level: usize, key: &str, value: &str) {
        self.indent(level);
        let _ = writeln!(self.out, "{key}: {value}");
    }

    fn opt(&mut self, level: usize, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.kv(level, key, v);
        }
    }

    /// Prose (titles, descriptions, actions): folded when long.
    fn text(&mut self, level: usize, key: &str, value: Option<&str>) {
        let Some(v) = value else { return };
        match folded(v, level + 1) {
            Some(block) => {
                self.indent(level);
                let _ = writeln!(self.out, "{key}: >-");
                self.out.push_str(&block);
            }
            None => self.kv(level, key, v),
        }
    }

    fn count(&mut self, level: usize, key: &str, value: Option<&crate::span::Spanned<u64>>) {
        if let Some(v) = value {
            self.raw(level, key, &v.node.to_string());
        }
    }

    fn duration(
        &mut self,
        level: usize,
        key: &str,
        value: Option<&crate::span::Spanned<Duration>>,
    ) {
        if let Some(v) = value {
            self.raw(level, key, &print_expr::duration(v.node));
        }
    }

    fn list<'a>(&mut self, level: usize, key: &str, items: impl Iterator<Item = &'a str>) {
        let items: Vec<String> = items.map(scalar_in_flow).collect();
        if items.is_empty() {
            return;
        }
        let inline = format!("{key}: [{}]", items.join(", "));
        if inline.len() + level * 2 <= 100 {
            self.indent(level);
            self.out.push_str(&inline);
            self.out.push('\n');
        } else {
            self.indent(level);
            let _ = writeln!(self.out, "{key}:");
            for item in items {
                self.indent(level + 1);
                let _ = writeln!(self.out, "- {item}");
            }
        }
    }

    fn allow(&mut self, level: usize, allow: &[Allow]) {
        if allow.is_empty() {
            return;
        }
        self.key(level, "allow");
        for a in allow {
            self.kv(level + 1, &a.lint.node, &a.reason.node);
        }
    }

    fn threshold(&mut self, level: usize, key: &str, t: Option<&Threshold>) {
        if let Some(t) = t {
            self.kv(level, key, &print_expr::threshold(t));
        }
    }

    fn bounds(&mut self, level: usize, key: &str, b: Option<&Bounds>) {
        let Some(b) = b else { return };
        self.key(level, key);
        self.threshold(level + 1, "warn", b.warn.as_ref());
        self.threshold(level + 1, "critical", b.critical.as_ref());
        self.empty_map_if_bare(level + 1);
    }

    fn source(&mut self, s: &Source) {
        self.comments(1, &s.comments);
        self.key(1, &s.name.node);
        self.opt(2, "table", s.table.as_ref().map(|t| t.node.as_str()));
        self.opt(
            2,
            "timestamp",
            s.timestamp.as_ref().map(|t| t.node.as_str()),
        );
        self.opt(2, "entity", s.entity.as_ref().map(|t| t.node.as_str()));
        self.opt(2, "session", s.session.as_ref().map(|t| t.node.as_str()));
        self.opt(
            2,
            "dedupe_by",
            s.dedupe_by.as_ref().map(|t| t.node.as_str()),
        );
        self.opt(
            2,
            "dedupe_order",
            s.dedupe_order.as_ref().map(|t| t.node.as_str()),
        );
        if s.dimensions.iter().all(|d| d.expr.is_none()) {
            self.list(
                2,
                "dimensions",
                s.dimensions.iter().map(|d| d.name.node.as_str()),
            );
        } else {
            self.indent(2);
            self.out.push_str("dimensions:\n");
            for d in &s.dimensions {
                self.indent(3);
                match &d.expr {
                    None => {
                        let _ = writeln!(self.out, "- {}", scalar(&d.name.node));
                    }
                    Some(e) => {
                        let _ = writeln!(self.out, "- {}: {}", d.name.node, scalar(&e.text));
                    }
                }
            }
        }
        if !s.columns.is_empty() {
            self.key(2, "columns");
            for c in &s.columns {
                self.kv(3, &c.name.node, &c.ty.node);
            }
        }
        self.opt(2, "filter", s.filter.as_ref().map(|f| f.text.as_str()));
        let i = &s.integrity;
        if i.freshness.is_some() || i.volume.is_some() || i.duplicates.is_some() {
            self.key(2, "integrity");
            self.bounds(3, "freshness", i.freshness.as_ref());
            self.bounds(3, "volume", i.volume.as_ref());
            self.bounds(3, "duplicates", i.duplicates.as_ref());
        }
        self.allow(2, &s.allow);
        self.empty_map_if_bare(2);
    }

    fn journey(&mut self, j: &Journey) {
        self.comments(1, &j.comments);
        self.key(1, &j.name.node);
        self.text(2, "title", j.title.as_ref().map(|t| t.node.as_str()));
        self.text(
            2,
            "description",
            j.description.as_ref().map(|t| t.node.as_str()),
        );
        self.opt(2, "tier", j.tier.as_ref().map(|t| t.node.as_str()));
        self.list(2, "steps", j.steps.iter().map(|s| s.node.as_str()));
        if j.security_owner.is_some() || j.product_owner.is_some() {
            self.key(2, "owners");
            self.opt(
                3,
                "security",
                j.security_owner.as_ref().map(|o| o.node.as_str()),
            );
            self.opt(
                3,
                "product",
                j.product_owner.as_ref().map(|o| o.node.as_str()),
            );
        }
        self.list(2, "cohorts", j.cohorts.iter().map(|s| s.node.as_str()));
        self.count(2, "min_sample", j.min_sample.as_ref());
        if !j.metrics.is_empty() {
            self.key(2, "metrics");
            for m in &j.metrics {
                self.metric(m);
            }
        }
        if !j.pairs.is_empty() {
            self.key(2, "pairs");
            for p in &j.pairs {
                self.pair(p);
            }
        }
        if !j.changes.is_empty() {
            self.key(2, "changes");
            for c in &j.changes {
                self.change(c);
            }
        }
        self.allow(2, &j.allow);
        self.empty_map_if_bare(2);
    }

    fn metric(&mut self, m: &Metric) {
        self.comments(3, &m.comments);
        self.key(3, &m.name.node);
        self.opt(4, "side", m.side.as_ref().map(|s| s.node.as_str()));
        self.opt(4, "good", m.good.as_ref().map(|s| s.node.as_str()));
        if let Some(f) = &m.formula {
            let (key, body) = print_expr::formula_key_and_body(&f.node);
            self.kv(4, key, &body);
        }
        self.opt(4, "unit", m.unit.as_ref().map(|s| s.node.as_str()));
        self.text(
            4,
            "description",
            m.description.as_ref().map(|s| s.node.as_str()),
        );
        self.count(4, "min_sample", m.min_sample.as_ref());
        if let Some(a) = &m.attribution {
            self.key(4, "attribute");
            self.kv(5, "from", &a.event.node);
            self.duration(5, "within", a.lookback.as_ref());
            self.opt(
                5,
                "tie_break",
                a.tie_break.as_ref().map(|t| t.node.as_str()),
            );
        }
        self.allow(4, &m.allow);
        self.empty_map_if_bare(4);
    }

    fn pair(&mut self, p: &Pair) {
        self.comments(3, &p.comments);
        self.key(3, &p.name.node);
        for (key, side) in [("security", &p.security), ("experience", &p.experience)] {
            let Some(side) = side else { continue };
            self.key(4, key);
            self.kv(5, "metric", &side.metric.node);
            self.threshold(5, "warn", side.warn.as_ref());
            self.threshold(5, "critical", side.critical.as_ref());
            self.count(5, "min_sample", side.min_sample.as_ref());
            if !side.overrides.is_empty() {
                self.indent(5);
                self.out.push_str("overrides:\n");
                for o in &side.overrides {
                    self.indent(6);
                    let _ = writeln!(
                        self.out,
                        "- when: {{{}: {}}}",
                        o.dimension.node,
                        scalar_in_flow(&o.value.node)
                    );
                    self.threshold(7, "warn", o.warn.as_ref());
                    self.threshold(7, "critical", o.critical.as_ref());
                    self.count(7, "min_sample", o.min_sample.as_ref());
                }
            }
        }
        if let Some(t) = &p.tradeoff {
            self.kv(4, "tradeoff", &print_expr::tradeoff(&t.node));
        }
        self.text(4, "action", p.action.as_ref().map(|a| a.node.as_str()));
        self.list(4, "maps", p.maps.iter().map(|m| m.node.as_str()));
        self.count(4, "min_sample", p.min_sample.as_ref());
        self.allow(4, &p.allow);
        self.empty_map_if_bare(4);
    }

    fn change(&mut self, c: &ControlChange) {
        self.comments(3, &c.comments);
        self.key(3, &c.name.node);
        self.text(4, "title", c.title.as_ref().map(|t| t.node.as_str()));
        if let Some(d) = &c.date {
            self.raw(4, "date", &scalar(&d.node));
        }
        self.list(4, "journeys", c.journeys.iter().map(|s| s.node.as_str()));
        self.list(4, "outcomes", c.outcomes.iter().map(|s| s.node.as_str()));
        self.duration(4, "window", c.window.as_ref());
        self.duration(4, "washout", c.washout.as_ref());
        match &c.compare {
            Some(Comparison::Cohort { dimension, value }) => {
                self.key(4, "compare");
                self.indent(5);
                let _ = writeln!(
                    self.out,
                    "cohort: {{{}: {}}}",
                    dimension.node,
                    scalar_in_flow(&value.node)
                );
            }
            Some(Comparison::Journey(j)) => {
                self.key(4, "compare");
                self.kv(5, "journey", &j.node);
            }
            None => {}
        }
        self.allow(4, &c.allow);
        self.empty_map_if_bare(4);
    }
}

/// A YAML scalar in block context: plain when that reads back as the same
/// string, otherwise double-quoted with JSON escapes (valid YAML).
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s, false) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A YAML scalar inside a flow collection (`[a, b]`, `{k: v}`), where `,`
/// and brackets are indicators.
pub fn scalar_in_flow(s: &str) -> String {
    if is_plain_safe(s, true) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

fn is_plain_safe(s: &str, flow: bool) -> bool {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    if RESERVED.contains(&s.to_lowercase().as_str())
        || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
    {
        return false;
    }
    if s.ends_with(' ') || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if flow && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    (first.is_alphanumeric() || first == '_' || first == '/')
        && s.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '_' | '-'
                        | '.'
                        | ' '
                        | '/'
                        | '('
                        | ')'
                        | ','
                        | '>'
                        | '*'
                        | '+'
                        | '\''
                        | '='
                        | ':'
                        | ';'
                        | '&'
                        | '?'
                        | '!'
                )
        })
}

/// Folds long prose into a `>-` block so it stays readable; `None` when
/// folding would not read back as exactly the same text.
fn folded(s: &str, indent: usize) -> Option<String> {
    let width = 80usize.saturating_sub(indent * 2).max(40);
    if s.len() <= width
        || s.contains('\n')
        || s.contains("  ")
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.contains('\t')
    {
        return None;
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    let pad = "  ".repeat(indent);
    Some(lines.iter().map(|l| format!("{pad}{l}\n")).collect())
}

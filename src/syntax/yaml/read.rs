//! The YAML walker's generic readers: mappings checked against a shape,
//! named maps, lists, scalars of each type, and the alignment that maps a
//! scalar's characters back to the file.

use super::node::{Node, Value};
use super::shape::{Field, Shape, Ty};
use super::{Obj, Walker};
use crate::codes;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::expr::{self, Origin};

impl Walker<'_> {
    /// Checks that `node` is a mapping with only the shape's keys, each once,
    /// and all required keys present.
    pub(super) fn obj<'n>(&mut self, node: &'n Node, shape: &Shape) -> Option<Obj<'n>> {
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
            span: node.extent,
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
    pub(super) fn named<T>(
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
                let empty = Node::leaf(Value::Map(Vec::new()), k.span);
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
    pub(super) fn pairs<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n Node, &'n Node)> {
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

    pub(super) fn list<T>(
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

    pub(super) fn single_entry(
        &mut self,
        node: &Node,
        what: &str,
    ) -> Option<(Name, Spanned<String>)> {
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
    pub(super) fn text_value(&mut self, node: &Node) -> Option<Spanned<String>> {
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

    pub(super) fn name(&mut self, node: &Node) -> Option<Name> {
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
    pub(super) fn word(&mut self, node: &Node, _words: &[&str], _what: &str) -> Option<Name> {
        self.text_value(node)
    }

    pub(super) fn count(&mut self, node: &Node) -> Option<Spanned<u64>> {
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

    pub(super) fn boolean(&mut self, node: &Node) -> Option<Spanned<bool>> {
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

    pub(super) fn duration(&mut self, node: &Node) -> Option<Spanned<Duration>> {
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

    pub(super) fn threshold(&mut self, node: &Node) -> Option<Threshold> {
        let (text, origin) = self.scalar_origin(node)?;
        let place = |s: Span| origin.span(s.start as usize..s.end as usize);
        if let Some(cached) = self.thresholds.get(&text) {
            let mut t = cached.clone();
            expr::respan_threshold(&mut t, &place);
            return Some(t);
        }
        let local = Origin::direct(self.file, 0, text.len());
        match expr::parse_threshold(&text, &local) {
            Ok(t) => {
                let mut placed = t.clone();
                self.thresholds.insert(text, t);
                expr::respan_threshold(&mut placed, &place);
                Some(placed)
            }
            // Parse again against the file so the error points into it.
            Err(_) => match expr::parse_threshold(&text, &origin) {
                Ok(t) => Some(t),
                Err(d) => {
                    self.error(d.with_help("a threshold reads like `< 95%`, `> 2% for 3 windows` or `drops 20% vs 28d`; quote it in YAML"));
                    None
                }
            },
        }
    }

    pub(super) fn sql(&mut self, node: &Node) -> Option<SqlText> {
        let (text, origin) = self.scalar_origin(node)?;
        Some(SqlText {
            text,
            span: origin.span,
            offsets: origin.offsets,
        })
    }

    /// The text of a scalar and how its bytes map into the file.
    pub(super) fn scalar_origin(&mut self, node: &Node) -> Option<(String, Origin)> {
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
pub(super) fn align(file: &str, start: usize, value: &str) -> Vec<u32> {
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
pub(super) fn with_article(what: &str) -> String {
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {what}")
}

pub(super) fn field_hint(field: &Field) -> &'static str {
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

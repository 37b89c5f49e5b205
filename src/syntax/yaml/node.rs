//! A generic, spanned YAML tree read with serde-saphyr.
//!
//! We read YAML into this tree rather than straight into typed structs so
//! that one pass can report every unknown key, wrong type and duplicate in
//! a file, each with its span, and so that scalars that hold formulas or SQL
//! keep the position of every character.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::options::DuplicateKeyPolicy;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// A YAML value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Byte span; for a scalar the scalar itself, for a collection its start.
    pub span: Span,
}

/// The shapes a YAML value can take.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Any other scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in the order written.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The word for this kind of value in messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Parses one YAML document into a spanned tree.
pub fn parse(file: FileId, text: &str) -> Result<Node, Diagnostic> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            span: Span::new(file, 0..0),
        });
    }
    // Duplicate keys are kept here and reported by the walker with both
    // spans. The budget bounds nesting, nodes and alias expansion, so a
    // hostile file (deep nesting, billion laughs) fails fast with E0106.
    let options = serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_depth: 48,
            max_nodes: 2_000_000,
            max_aliases: 1_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 1_000,
        },
    };
    let raw: serde_saphyr::Spanned<Raw> = serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| {
            let message = e.without_snippet().to_string();
            let message = message.lines().next().unwrap_or("invalid YAML").to_string();
            // Errors carry a line and column; byte offsets are not always set.
            let offset = e.location().map_or(0, |l| {
                l.span()
                    .byte_offset()
                    .map(|o| o as usize)
                    .filter(|&o| o > 0 || (l.line() <= 1 && l.column() <= 1))
                    .unwrap_or_else(|| offset_of(text, l.line() as usize, l.column() as usize))
            });
            let lower = message.to_lowercase();
            let limit = ["budget", "limit", "depth", "alias"]
                .iter()
                .any(|w| lower.contains(w));
            let code = if limit {
                codes::YAML_LIMIT
            } else {
                codes::YAML_SYNTAX
            };
            // The position is shown by the renderer; keep the message short.
            let message = match message.find(" at line ") {
                Some(at) => message[..at].to_string(),
                None => message,
            };
            let message = if lower.contains("depth") || lower.contains("recursion") {
                "it nests deeper than scorec accepts (48 levels)".to_string()
            } else if lower.contains("alias") {
                "its aliases expand to more than scorec accepts (100,000 events)".to_string()
            } else if lower.contains("multiple") && lower.contains("document") {
            "a scorecard file holds one YAML document; remove the `---` separator or split the file".to_string()
        } else if limit {
                format!("it exceeds a size limit ({message})")
            } else {
                message
            };
            let offset = offset.min(text.len());
            let end = next_boundary(text, offset);
            Diagnostic::new(code, format!("invalid YAML: {}", first_lower(&message)))
                .at(Span::new(file, offset..end))
        })?;
    Ok(convert(file, text, raw))
}

/// Byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    rest.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

fn next_boundary(text: &str, offset: usize) -> usize {
    text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8())
}

fn first_lower(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn convert(file: FileId, text: &str, raw: serde_saphyr::Spanned<Raw>) -> Node {
    let start = raw
        .referenced
        .span()
        .byte_offset()
        .map_or(0, |o| o as usize)
        .min(text.len());
    let len = raw.referenced.span().byte_len().map_or(0, |l| l as usize);
    let span = Span::new(file, start..(start + len).min(text.len()));
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|i| convert(file, text, i)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(file, text, k), convert(file, text, v)))
                .collect(),
        ),
    };
    Node { value, span }
}

/// The unspanned tree serde-saphyr fills; spans come from its `Spanned`.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<Raw>>),
    Map(Vec<(serde_saphyr::Spanned<Raw>, serde_saphyr::Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Raw, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

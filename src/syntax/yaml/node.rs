//! A generic, spanned YAML tree, built from the event stream of
//! serde-saphyr's parser.
//!
//! We read YAML into this tree rather than straight into typed structs so
//! that one pass can report every unknown key, wrong type and duplicate in
//! a file, each with its span, and so that scalars that hold formulas or SQL
//! keep the position of every character. The tree is built from parser
//! events rather than through serde's `Spanned<T>`: the events carry the
//! same spans at a third of the cost, which matters for scorecards of
//! thousands of journeys (see BENCHMARKS.md). Nesting, node counts and alias
//! expansion are bounded here, so hostile input fails fast.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan};

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// Deepest nesting of collections accepted.
pub const MAX_DEPTH: usize = 48;
/// Most nodes one file may hold, aliases expanded.
pub const MAX_NODES: usize = 2_000_000;
/// Most nodes that aliases may copy in one file (no billion laughs).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A YAML value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Byte span; for a scalar the scalar itself, for a collection its start.
    pub span: Span,
    /// From the start to the end of the last value inside, so the extent of
    /// a declaration covers everything written in it.
    pub extent: Span,
}

impl Node {
    /// A node whose extent is its span.
    pub fn leaf(value: Value, span: Span) -> Node {
        Node {
            value,
            span,
            extent: span,
        }
    }
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
        return Ok(Node::leaf(Value::Null, Span::new(file, 0..0)));
    }
    let mut builder = Builder {
        file,
        text,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        documents: 0,
        nodes: 0,
        alias_nodes: 0,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| scan_error(file, text, &e))?;
        builder.event(event, span)?;
    }
    Ok(builder
        .root
        .unwrap_or(Node::leaf(Value::Null, Span::new(file, 0..0))))
}

/// A collection being read.
enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        start: Span,
        anchor: usize,
    },
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
    alias_nodes: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<(), Diagnostic> {
        let at = self.span(&span);
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Diagnostic::new(
                        codes::YAML_SYNTAX,
                        "invalid YAML: a scorecard file holds one YAML document",
                    )
                    .at(at)
                    .with_help("remove the `---` separator, or split the file and include both"));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| t.suffix().to_string());
                let node = Node::leaf(resolve(&value, style, tag.as_deref()), at);
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => self.open(Frame::Seq {
                items: Vec::new(),
                start: at,
                anchor,
            })?,
            Event::MappingStart(_, anchor, _) => self.open(Frame::Map {
                entries: Vec::new(),
                key: None,
                start: at,
                anchor,
            })?,
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        start,
                        anchor,
                    }) => {
                        let extent = items.iter().fold(start, |e, i| e.to(i.extent));
                        (
                            Node {
                                value: Value::Seq(items),
                                span: start,
                                extent,
                            },
                            anchor,
                        )
                    }
                    Some(Frame::Map {
                        entries,
                        start,
                        anchor,
                        ..
                    }) => {
                        let extent = entries
                            .iter()
                            .fold(start, |e, (k, v)| e.to(k.extent).to(v.extent));
                        (
                            Node {
                                value: Value::Map(merge_keys(entries)),
                                span: start,
                                extent,
                            },
                            anchor,
                        )
                    }
                    None => return Ok(()),
                };
                self.finish(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    return Err(Diagnostic::new(
                        codes::YAML_SYNTAX,
                        "invalid YAML: an alias names no anchor",
                    )
                    .at(at));
                };
                self.alias_nodes += count(&node);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(Diagnostic::new(
                        codes::YAML_LIMIT,
                        "invalid YAML: its aliases expand to more than scorec accepts (100,000 values)",
                    )
                    .at(at)
                    .with_help("aliases may repeat a block, not multiply it; write the repeated part out"));
                }
                self.finish(node, 0)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            let at = match &frame {
                Frame::Seq { start, .. } | Frame::Map { start, .. } => *start,
            };
            return Err(Diagnostic::new(
                codes::YAML_LIMIT,
                format!("invalid YAML: it nests deeper than scorec accepts ({MAX_DEPTH} levels)"),
            )
            .at(at));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Places a finished node in its parent (or as the root).
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), Diagnostic> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Diagnostic::new(
                codes::YAML_LIMIT,
                "invalid YAML: it holds more than scorec accepts (2,000,000 values)",
            )
            .at(node.span));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }

    fn span(&self, span: &YamlSpan) -> Span {
        let start = offset(
            self.text,
            span.start.byte_offset(),
            span.start.line(),
            span.start.col(),
        );
        let end = offset(
            self.text,
            span.end.byte_offset(),
            span.end.line(),
            span.end.col(),
        );
        Span::new(self.file, start..end.max(start))
    }
}

/// The value of a scalar under the YAML 1.2 core schema: quoted scalars are
/// strings; plain ones may be null, booleans, integers or floats.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::Str(text.to_string()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain && tag.is_none() {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().map_or_else(
            |_| Value::Float(text.parse().unwrap_or(f64::NAN)),
            Value::Int,
        );
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(n);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(n) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(n);
    }
    let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f);
    }
    match digits {
        ".inf" | ".Inf" | ".INF" => Value::Float(if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        ".nan" | ".NaN" | ".NAN" if digits.len() == text.len() => Value::Float(f64::NAN),
        _ => Value::Str(text.to_string()),
    }
}

/// Applies YAML merge keys (`<<: *defaults`): the merged mapping's entries
/// are added unless the mapping already has the key.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return entries;
    }
    let mut own = Vec::new();
    let mut merged = Vec::new();
    for (k, v) in entries {
        if !is_merge_key(&k) {
            own.push((k, v));
            continue;
        }
        let sources = match v.value {
            Value::Seq(items) => items,
            other => vec![Node::leaf(other, v.span)],
        };
        for source in sources {
            if let Value::Map(more) = source.value {
                merged.extend(more);
            }
        }
    }
    for (k, v) in merged {
        if !own.iter().any(|(o, _)| o.value == k.value) {
            own.push((k, v));
        }
    }
    own
}

fn is_merge_key(node: &Node) -> bool {
    node.value == Value::Str("<<".to_string())
}

/// Nodes in a tree, for the alias budget.
fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
        _ => 0,
    }
}

/// A byte offset from a marker: its byte offset when known, otherwise
/// from its line (1-based) and column (0-based, in characters).
fn offset(text: &str, byte: Option<usize>, line: usize, column: usize) -> usize {
    if let Some(b) = byte {
        return b.min(text.len());
    }
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    rest.char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| start + i)
}

fn scan_error(file: FileId, text: &str, e: &ScanError) -> Diagnostic {
    let message = e.to_string();
    let message = message
        .split(" at char ")
        .next()
        .unwrap_or("invalid YAML")
        .to_string();
    let mark = e.marker();
    let at = offset(text, mark.byte_offset(), mark.line(), mark.col());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let help = message.contains("quote").then_some(
        "a quoted value may run on from an earlier line; check that every quote opened above is closed".to_string(),
    );
    let limit = message.contains("nest") || message.contains("limit");
    let message = if message.contains("recursion limit") {
        format!("it nests deeper than scorec accepts ({MAX_DEPTH} levels)")
    } else {
        message
    };
    let code = if limit {
        codes::YAML_LIMIT
    } else {
        codes::YAML_SYNTAX
    };
    Diagnostic::new(code, format!("invalid YAML: {message}"))
        .at(Span::new(file, at..end))
        .with_help_opt(help)
}

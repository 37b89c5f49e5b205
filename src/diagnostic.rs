//! Diagnostics: what scorec tells a user about their scorecard.
//!
//! A [`Diagnostic`] holds byte spans only. Rendering (text like rustc's, or
//! JSON) resolves them to `file:line:col` against a [`SourceMap`].

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::codes::Code;
use crate::span::{FileId, SourceMap, Span};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice; the scorecard still compiles.
    Warning,
    /// The scorecard cannot be compiled.
    Error,
}

/// A secondary label: another place that explains the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One finding, with a stable code, a primary span and optional help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code (`E0102`, `W0103`); `scorec explain CODE` documents it.
    pub code: Code,
    /// One line, lowercase, no trailing period, names in backticks.
    pub message: String,
    /// Where the problem is; `None` only for problems without a file.
    pub span: Option<Span>,
    /// Text under the primary underline.
    pub label: Option<String>,
    /// Other places worth showing.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// Extra facts, one per line.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A finding with the severity its code carries.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            span: None,
            label: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Sets the primary span.
    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    /// Sets the primary span and its label.
    pub fn at_labelled(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.span = Some(span);
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `did you mean `x`?` for the closest candidate, if one is close enough.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `name`, if it is plausibly a misspelling.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Sorts diagnostics by file, position and code, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        (
            d.span
                .map_or((u32::MAX, 0, 0), |s| (s.file.0, s.start, s.end)),
            d.code,
            d.message.clone(),
        )
    });
}

/// Options for text rendering.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Emit ANSI colours.
    pub color: bool,
}

/// Renders diagnostics the way rustc does: code, message, location, the
/// source line with the span underlined, labels and help.
pub fn render_text(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: RenderOptions,
) -> String {
    let mut buffer = if options.color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    let files = CsFiles(sources);
    for diagnostic in diagnostics {
        // Rendering into an in-memory buffer only fails on a bad span, which
        // the fallback below covers by printing the message without a snippet.
        if term::emit_to_write_style(&mut buffer, &config, &files, &to_codespan(diagnostic))
            .is_err()
        {
            let mut plain = diagnostic.clone();
            plain.span = None;
            plain.labels.clear();
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &to_codespan(&plain));
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<FileId> {
    let base = match d.severity {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(
            cs::Label::primary(span.file, span.range())
                .with_message(d.label.clone().unwrap_or_default()),
        );
    }
    for label in &d.labels {
        labels.push(
            cs::Label::secondary(label.span.file, label.span.range())
                .with_message(label.message.clone()),
        );
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    base.with_code(d.code.as_str())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// A diagnostic as JSON: positions resolved to file, line and column.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable code.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// Primary location.
    pub location: Option<JsonLocation>,
    /// Label under the primary location.
    pub label: Option<String>,
    /// Secondary labels.
    pub labels: Vec<JsonLabel>,
    /// Help line.
    pub help: Option<String>,
    /// Notes.
    pub notes: Vec<String>,
}

/// A resolved position range.
#[derive(Debug, Serialize)]
pub struct JsonLocation {
    /// File path as shown to the user.
    pub file: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, in characters.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column of the end, in characters.
    pub end_column: usize,
}

/// A secondary label as JSON.
#[derive(Debug, Serialize)]
pub struct JsonLabel {
    /// Where.
    pub location: JsonLocation,
    /// What.
    pub message: String,
}

/// Resolves a span to file, line and column.
pub fn locate(sources: &SourceMap, span: Span) -> JsonLocation {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col(span.end as usize);
    JsonLocation {
        file: file.name.clone(),
        line,
        column,
        end_line,
        end_column,
    }
}

/// Converts diagnostics to their JSON form.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            code: d.code.as_str(),
            message: d.message.clone(),
            location: d.span.map(|s| locate(sources, s)),
            label: d.label.clone(),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    location: locate(sources, l.span),
                    message: l.message.clone(),
                })
                .collect(),
            help: d.help.clone(),
            notes: d.notes.clone(),
        })
        .collect()
}

/// Adapter so codespan-reporting can read our [`SourceMap`].
struct CsFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for CsFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let starts = self.0.get(id).line_starts();
        Ok(starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let file = self.0.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

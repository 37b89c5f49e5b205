//! Unit tests of the YAML walker: spans, every problem reported at once.

use super::*;
use crate::span::SourceMap;

fn parse_text(text: &str) -> (Document, Vec<Diagnostic>, SourceMap) {
    let mut sources = SourceMap::new();
    let id = sources.add("t.yaml", text);
    let (doc, diagnostics) = parse(id, text);
    (doc, diagnostics, sources)
}

fn codes_of(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn reports_every_unknown_key_of_a_file_with_did_you_mean() {
    let (_, d, _) = parse_text("sources:\n  a:\n    tabel: t\n    timestmp: ts\n");
    assert_eq!(codes_of(&d), ["E0102", "E0102"]);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `table`?"));
    assert_eq!(d[1].help.as_deref(), Some("did you mean `timestamp`?"));
}

#[test]
fn duplicate_keys_point_at_both() {
    let (_, d, sources) = parse_text("sources:\n  a:\n    table: t\n    table: u\n");
    assert_eq!(codes_of(&d), ["E0103"]);
    let at = d[0].span.expect("span");
    assert_eq!(sources.get(at.file).line_col(at.start as usize), (4, 5));
    assert_eq!(d[0].labels.len(), 1);
}

#[test]
fn sql_fragment_offsets_map_into_the_file() {
    let text = "events:\n  e:\n    source: s\n    where: \"a = 'x' AND b > 1\"\n";
    let (doc, d, _) = parse_text(text);
    assert!(d.is_empty(), "{d:?}");
    let filter = doc.events[0].filter.as_ref().expect("filter");
    let b = filter.text.find('b').expect("b");
    let span = filter.span_of(b..b + 1);
    assert_eq!(&text[span.range()], "b");
}

#[test]
fn formula_errors_point_inside_the_scalar() {
    let text = "journeys:\n  j:\n    tier: low\n    metrics:\n      m: { side: security, good: low, rate: \"a / / b\" }\n";
    let (_, d, sources) = parse_text(text);
    assert_eq!(codes_of(&d), ["E0108"]);
    let at = d[0].span.expect("span");
    assert_eq!(&text[at.range()], "/");
    assert_eq!(sources.get(at.file).line_col(at.start as usize).0, 5);
}

#[test]
fn wrong_types_are_named() {
    let (_, d, _) =
        parse_text("journeys:\n  j:\n    tier: low\n    min_sample: lots\n    cohorts: {a: b}\n");
    assert_eq!(codes_of(&d), ["E0104", "E0104"]);
}

#[test]
fn aliases_work_and_are_bounded() {
    let (doc, d, _) = parse_text("events:\n  a: &e { source: s }\n  b: *e\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(doc.events.len(), 2);
}

#[test]
fn empty_text_is_an_empty_document() {
    let (doc, d, _) = parse_text("  \n");
    assert!(d.is_empty());
    assert_eq!(doc, Document::default());
}

//! `scorec build`: every statement of a scorecard for each dialect, laid
//! out as files, with a manifest. The library returns the files; the CLI
//! writes them (all or nothing).
//!
//! Per dialect folder:
//!
//! | file | holds |
//! |---|---|
//! | `00_time_zone.sql` | DuckDB only: the time-zone macros the views call |
//! | `sources/<stream>.sql` | view `counts_<stream>`: the fused aggregation of one source (and grain), dense |
//! | `journeys/<journey>.sql` | view `journey_<journey>`: the journey's metrics in the output shape |
//! | `scorecard.sql` | view `scorecard`: every metric in the output shape |
//! | `scorecard_pairs.sql` | view `scorecard_pairs`: pairs, sides, owners, thresholds, actions, mappings |
//! | `signal_integrity.sql` | view `signal_integrity`: freshness, volume and duplicates per source |
//! | `adhoc/*.sql` | the same as plain `SELECT`s with `start`, `end` and `as_of` parameters |

use indexmap::IndexMap;
use serde_json::json;

use crate::model::Scorecard;
use crate::sql::plan::{Plan, Selection};
use crate::sql::{self, Bounds, Dialect, Options, RenderError};

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Contents.
    pub text: String,
    /// Dialect, for SQL files.
    pub dialect: Option<Dialect>,
    /// Metrics the file computes.
    pub metrics: Vec<String>,
}

/// An input file and its text, for the manifest.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// Path as loaded.
    pub path: String,
    /// Contents.
    pub text: &'a str,
}

/// Every file of a build, the manifest last.
pub fn build(
    model: &Scorecard,
    dialects: &[Dialect],
    options: &Options,
    inputs: &[Input<'_>],
) -> Result<Vec<Artifact>, RenderError> {
    let mut out = Vec::new();
    for &dialect in dialects {
        dialect_files(model, dialect, options, &mut out)?;
    }
    let manifest = manifest(model, dialects, options, inputs, &out);
    out.push(Artifact {
        path: "manifest.json".to_string(),
        text: manifest,
        dialect: None,
        metrics: Vec::new(),
    });
    Ok(out)
}

fn dialect_files(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
    out: &mut Vec<Artifact>,
) -> Result<(), RenderError> {
    let dir = dialect.name();
    let file = |path: String, text: String, metrics: Vec<String>| Artifact {
        path: format!("{dir}/{path}"),
        text,
        dialect: Some(dialect),
        metrics,
    };
    if let Some(prelude) = sql::prelude_sql(model, dialect, options) {
        out.push(file("00_time_zone.sql".to_string(), prelude?, Vec::new()));
    }
    let all = Plan::new(model, Selection::All);
    for stream in all.streams.values() {
        let text = sql::stream_sql(model, dialect, &stream.name, Bounds::View, options)?;
        let metrics = metrics_of_stream(&all, &stream.name);
        out.push(file(format!("sources/{}.sql", stream.name), text, metrics));
    }
    for journey in model.journeys.values() {
        let view = format!("journey_{}", journey.name);
        let text = sql::metrics_sql(
            model,
            dialect,
            Selection::Journey(&journey.name),
            Bounds::View,
            Some(&view),
            options,
        )?;
        out.push(file(
            format!("journeys/{}.sql", journey.name),
            text,
            journey.metrics.clone(),
        ));
    }
    let every: Vec<String> = model.metrics.keys().cloned().collect();
    let text = sql::metrics_sql(
        model,
        dialect,
        Selection::All,
        Bounds::View,
        Some("scorecard"),
        options,
    )?;
    out.push(file("scorecard.sql".to_string(), text, every.clone()));
    out.push(file(
        "scorecard_pairs.sql".to_string(),
        sql::pairs_sql(model, dialect, options)?,
        Vec::new(),
    ));
    let text = sql::integrity_sql(
        model,
        dialect,
        Bounds::View,
        Some("signal_integrity"),
        options,
    )?;
    out.push(file("signal_integrity.sql".to_string(), text, Vec::new()));
    let text = sql::metrics_sql(
        model,
        dialect,
        Selection::All,
        Bounds::Parameters,
        None,
        options,
    )?;
    out.push(file("adhoc/scorecard.sql".to_string(), text, every));
    let text = sql::integrity_sql(model, dialect, Bounds::Parameters, None, options)?;
    out.push(file(
        "adhoc/signal_integrity.sql".to_string(),
        text,
        Vec::new(),
    ));
    Ok(())
}

fn metrics_of_stream(plan: &Plan<'_>, stream: &str) -> Vec<String> {
    // Counter columns are named `<metric>__<role>`.
    let metrics: indexmap::IndexSet<&str> = plan.streams[stream]
        .counters
        .keys()
        .filter_map(|column| column.rsplit_once("__").map(|(metric, _)| metric))
        .collect();
    metrics.into_iter().map(str::to_string).collect()
}

fn manifest(
    model: &Scorecard,
    dialects: &[Dialect],
    options: &Options,
    inputs: &[Input<'_>],
    files: &[Artifact],
) -> String {
    let inputs: Vec<_> = inputs
        .iter()
        .map(|i| json!({ "path": i.path, "sha256": sha256(i.text) }))
        .collect();
    let outputs: Vec<_> = files
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "sha256": sha256(&f.text),
                "dialect": f.dialect.map(Dialect::name),
                "metrics": f.metrics,
            })
        })
        .collect();
    let value = json!({
        "scorec": env!("CARGO_PKG_VERSION"),
        "scorecard": model.name,
        "schema": options.schema,
        "dialects": dialects.iter().map(|d| d.name()).collect::<Vec<_>>(),
        "inputs": inputs,
        "outputs": outputs,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The SHA-256 of a text, in hex, computed by the embedded DuckDB (which
/// scorec links anyway) so that no second hashing library is needed.
pub fn sha256(text: &str) -> String {
    thread_local! {
        static DB: Option<duckdb::Connection> = duckdb::Connection::open_in_memory().ok();
    }
    DB.with(|db| {
        db.as_ref()
            .and_then(|db| {
                db.query_row("SELECT sha256(?)", [text], |row| row.get::<_, String>(0))
                    .ok()
            })
            .unwrap_or_default()
    })
}

/// The file each metric is declared in, relative to the scorecard folder.
pub fn metric_files(
    model: &Scorecard,
    sources: &crate::span::SourceMap,
    root: &std::path::Path,
) -> IndexMap<String, String> {
    model
        .metrics
        .values()
        .map(|m| {
            let name = &sources.get(m.span.file).name;
            let path = std::path::Path::new(name);
            let rel = path.strip_prefix(root).unwrap_or(path);
            (m.name.clone(), rel.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! `scorec build`: every statement of a scorecard for each dialect, laid
//! out as files, with a manifest. The library renders the files and hands
//! each to a writer as soon as it is rendered; the CLI writes them into a
//! new folder that replaces the old one when every file is written (all
//! or nothing).
//!
//! Per dialect folder:
//!
//! | file | holds |
//! |---|---|
//! | `00_time_zone.sql` | DuckDB only: the time-zone macros the views call |
//! | `sources/<stream>.sql` | view `counts_<stream>`: the fused aggregation of one source (and grain), dense |
//! | `journeys.sql` | a view `journey_<journey>` per journey: the journey's rows of `scorecard` (create them after `scorecard`) |
//! | `scorecard.sql` | view `scorecard`: every metric in the output shape |
//! | `scorecard_pairs.sql` | view `scorecard_pairs`: pairs, sides, owners, thresholds, actions, mappings |
//! | `signal_integrity.sql` | view `signal_integrity`: freshness, volume and duplicates per source |
//! | `adhoc/*.sql` | the same as plain `SELECT`s with `start`, `end` and `as_of` parameters |

use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use sha2::{Digest, Sha256};

use crate::model::Scorecard;
use crate::sql::plan::Plan;
use crate::sql::{self, Bounds, Dialect, Options, Plans, RenderError};

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Contents.
    pub text: String,
    /// Dialect, for SQL files.
    pub dialect: Option<Dialect>,
    /// Metrics the file computes (shared by the files of every dialect).
    pub metrics: Arc<[String]>,
}

/// An input file and its text, for the manifest.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// Path as loaded.
    pub path: String,
    /// Contents.
    pub text: &'a str,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The scorecard cannot be written in a dialect (before any file).
    Render(RenderError),
    /// Writing a file failed.
    Write(std::io::Error),
}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        BuildError::Render(e)
    }
}

/// Every file of a build, the manifest last, in memory.
pub fn build(
    model: &Scorecard,
    dialects: &[Dialect],
    options: &Options,
    inputs: &[Input<'_>],
) -> Result<Vec<Artifact>, RenderError> {
    let files = Mutex::new(Vec::new());
    let result = build_each(model, dialects, options, inputs, &|file: Artifact| {
        files
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .push(file);
        Ok(())
    });
    let order = match result {
        Ok(order) => order,
        Err(BuildError::Render(e)) => return Err(e),
        // Collecting in memory does not fail.
        Err(BuildError::Write(_)) => Vec::new(),
    };
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by_key(|f| order.iter().position(|p| p == &f.path));
    Ok(files)
}

/// Renders every file of a build and hands each to `write` as soon as it
/// is rendered, so that a large build never holds all its text: the
/// pieces of every dialect (`Job`) render on parallel threads (one per
/// core), the manifest comes last. Returns the paths in manifest order.
/// Identifiers are checked for every dialect before the first file.
pub fn build_each(
    model: &Scorecard,
    dialects: &[Dialect],
    options: &Options,
    inputs: &[Input<'_>],
    write: &(dyn Fn(Artifact) -> std::io::Result<()> + Sync),
) -> Result<Vec<String>, BuildError> {
    for &dialect in dialects {
        sql::check_identifiers(model, dialect, &options.schema)?;
    }
    let plans = Plans::new(model);
    let lists = MetricLists::new(&plans.all);
    // Every dialect's scorecard first, the small pieces last, so that the
    // threads finish together.
    let jobs: Vec<(usize, Job)> = Job::ALL
        .iter()
        .flat_map(|&job| (0..dialects.len()).map(move |d| (d, job)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Done = Mutex<Option<std::io::Result<Vec<(Part, Entry)>>>>;
    let done: Vec<Done> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len());
    // The calling thread renders too rather than wait.
    let work = || {
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(d, job)) = jobs.get(i) else {
                break;
            };
            let mut entries = Vec::new();
            let result = job_files(
                &plans,
                &lists,
                dialects[d],
                job,
                options,
                &mut |part, file| {
                    entries.push((part, Entry::of(&file)));
                    write(file)
                },
            );
            if let Ok(mut slot) = done[i].lock() {
                *slot = Some(result.map(|()| entries));
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    // Back in manifest order: by dialect, then by part; files of one part
    // in the order they were written.
    let mut placed = Vec::new();
    for (&(d, _), slot) in jobs.iter().zip(done) {
        match slot.into_inner().ok().flatten() {
            Some(Ok(e)) => placed.extend(e.into_iter().map(|(part, entry)| (d, part, entry))),
            Some(Err(e)) => return Err(BuildError::Write(e)),
            None => {
                return Err(BuildError::Write(std::io::Error::other(
                    "a build thread failed",
                )));
            }
        }
    }
    placed.sort_by_key(|&(d, part, _)| (d, part));
    let entries: Vec<Entry> = placed.into_iter().map(|(_, _, e)| e).collect();
    let manifest = Artifact {
        path: "manifest.json".to_string(),
        text: manifest(model, dialects, options, inputs, &entries),
        dialect: None,
        metrics: Arc::new([]),
    };
    let mut order: Vec<String> = entries.into_iter().map(|e| e.path).collect();
    order.push(manifest.path.clone());
    write(manifest).map_err(BuildError::Write)?;
    Ok(order)
}

/// What the manifest keeps of a file once it is written.
struct Entry {
    path: String,
    sha256: String,
    dialect: Option<Dialect>,
    metrics: Arc<[String]>,
}

impl Entry {
    fn of(file: &Artifact) -> Entry {
        Entry {
            path: file.path.clone(),
            sha256: sha256(&file.text),
            dialect: file.dialect,
            metrics: Arc::clone(&file.metrics),
        }
    }
}

/// The metrics each kind of file computes, made once for every dialect:
/// a large scorecard's lists hold 80,000 names per dialect.
struct MetricLists {
    none: Arc<[String]>,
    every: Arc<[String]>,
    in_journeys: Arc<[String]>,
    by_stream: IndexMap<String, Arc<[String]>>,
}

impl MetricLists {
    fn new(plan: &Plan<'_>) -> MetricLists {
        let model = plan.model;
        MetricLists {
            none: Arc::new([]),
            every: model.metrics.keys().cloned().collect(),
            in_journeys: model
                .journeys
                .values()
                .flat_map(|j| j.metrics.iter().cloned())
                .collect(),
            by_stream: metrics_by_stream(plan),
        }
    }
}

/// The pieces of a dialect's folder that threads take one at a time,
/// largest first.
#[derive(Clone, Copy)]
enum Job {
    /// The `scorecard` view and its ad-hoc form (they share their values).
    Scorecard,
    Pairs,
    Journeys,
    /// The time-zone prelude, the sources and signal integrity.
    Rest,
}

impl Job {
    const ALL: [Job; 4] = [Job::Scorecard, Job::Pairs, Job::Journeys, Job::Rest];
}

/// A file's place in its dialect's manifest order (the order a team
/// deploys the files in).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Prelude,
    Sources,
    Scorecard,
    Journeys,
    Pairs,
    Integrity,
    AdhocScorecard,
    AdhocIntegrity,
}

fn job_files(
    plans: &Plans<'_>,
    lists: &MetricLists,
    dialect: Dialect,
    job: Job,
    options: &Options,
    emit: &mut dyn FnMut(Part, Artifact) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let model = plans.all.model;
    let dir = dialect.name();
    let file = |path: &str, text: String, metrics: &Arc<[String]>| Artifact {
        path: format!("{dir}/{path}"),
        text,
        dialect: Some(dialect),
        metrics: Arc::clone(metrics),
    };
    // Identifiers are checked: the statements below cannot fail.
    let checked = |r: Result<String, RenderError>| r.unwrap_or_default();
    match job {
        Job::Scorecard => {
            let scorecard = sql::ScorecardSql::new(&plans.all, dialect, options);
            let view = file("scorecard.sql", scorecard.view(), &lists.every);
            emit(Part::Scorecard, view)?;
            let adhoc = file("adhoc/scorecard.sql", scorecard.adhoc(), &lists.every);
            emit(Part::AdhocScorecard, adhoc)
        }
        Job::Pairs => {
            let text = sql::pairs_statement(model, &plans.pairs, dialect, options);
            emit(Part::Pairs, file("scorecard_pairs.sql", text, &lists.none))
        }
        // One file for every journey's view: a scorecard of 1,000 journeys
        // would otherwise write 1,000 small files per dialect, and creating
        // them took more time than rendering them (BENCHMARKS.md).
        Job::Journeys => {
            let text = sql::journeys_sql(plans, dialect, options);
            emit(
                Part::Journeys,
                file("journeys.sql", text, &lists.in_journeys),
            )
        }
        Job::Rest => {
            if let Some(prelude) = sql::prelude_sql(model, dialect, options) {
                let prelude = file("00_time_zone.sql", checked(prelude), &lists.none);
                emit(Part::Prelude, prelude)?;
            }
            for (stream, metrics) in &lists.by_stream {
                let text = sql::stream_statement(plans, dialect, stream, Bounds::View, options);
                emit(
                    Part::Sources,
                    file(&format!("sources/{stream}.sql"), text, metrics),
                )?;
            }
            let integrity =
                |bounds, view| checked(sql::integrity_sql(model, dialect, bounds, view, options));
            let text = integrity(Bounds::View, Some("signal_integrity"));
            emit(
                Part::Integrity,
                file("signal_integrity.sql", text, &lists.none),
            )?;
            let text = integrity(Bounds::Parameters, None);
            emit(
                Part::AdhocIntegrity,
                file("adhoc/signal_integrity.sql", text, &lists.none),
            )
        }
    }
}

/// Per stream, in stream order, the metrics whose counters it computes.
fn metrics_by_stream(plan: &Plan<'_>) -> IndexMap<String, Arc<[String]>> {
    let mut lists: IndexMap<&str, Vec<String>> = plan
        .streams
        .keys()
        .map(|s| (s.as_str(), Vec::new()))
        .collect();
    for m in plan.metrics.values() {
        for col in m.value.cols() {
            // A metric's counters may share a stream: list it once.
            if let Some(list) = lists.get_mut(col.stream.as_str())
                && list.last() != Some(&m.metric.name)
            {
                list.push(m.metric.name.clone());
            }
        }
    }
    lists
        .into_iter()
        .map(|(stream, list)| (stream.to_string(), list.into()))
        .collect()
}

/// `manifest.json`, serialized from borrowed rows: a `serde_json::Value`
/// of a large build's outputs (80,000 metric names per dialect) cost
/// twice the memory of the text.
#[derive(serde::Serialize)]
struct Manifest<'a> {
    scorec: &'static str,
    scorecard: &'a str,
    schema: &'a str,
    dialects: Vec<&'static str>,
    inputs: Vec<ManifestInput<'a>>,
    outputs: Vec<ManifestOutput<'a>>,
}

#[derive(serde::Serialize)]
struct ManifestInput<'a> {
    path: &'a str,
    sha256: String,
}

#[derive(serde::Serialize)]
struct ManifestOutput<'a> {
    path: &'a str,
    sha256: &'a str,
    dialect: Option<&'static str>,
    metrics: &'a [String],
}

fn manifest(
    model: &Scorecard,
    dialects: &[Dialect],
    options: &Options,
    inputs: &[Input<'_>],
    files: &[Entry],
) -> String {
    let manifest = Manifest {
        scorec: env!("CARGO_PKG_VERSION"),
        scorecard: &model.name,
        schema: &options.schema,
        dialects: dialects.iter().map(|d| d.name()).collect(),
        inputs: inputs
            .iter()
            .map(|i| ManifestInput {
                path: &i.path,
                sha256: sha256(i.text),
            })
            .collect(),
        outputs: files
            .iter()
            .map(|f| ManifestOutput {
                path: &f.path,
                sha256: &f.sha256,
                dialect: f.dialect.map(Dialect::name),
                metrics: &f.metrics,
            })
            .collect(),
    };
    // Sized up front: a large build's manifest runs to tens of MB, and
    // growing it by doubling would copy it five times.
    let size: usize = files
        .iter()
        .map(|f| 256 + f.metrics.iter().map(|m| m.len() + 12).sum::<usize>())
        .sum();
    let mut text = Vec::with_capacity(size);
    // Serializing borrowed strings into memory does not fail.
    let _ = serde_json::to_writer_pretty(&mut text, &manifest);
    text.push(b'\n');
    String::from_utf8(text).unwrap_or_default()
}

/// The SHA-256 of a text, in hex.
pub fn sha256(text: &str) -> String {
    use std::fmt::Write as _;
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(text.as_bytes()) {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
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

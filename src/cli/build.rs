//! `scorec build` and `scorec sql`.

use std::path::{Path, PathBuf};

use clap::Args;
use jiff::civil::DateTime;

use super::commands::{exit_code, report};
use super::fs::{OsFs, replace_dir, write_dir_atomic, write_new};
use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE, Format, OutputArgs};
use crate::build::{self, BuildError, Input};
use crate::check;
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, Loaded};
use crate::model::Scorecard;
use crate::sql::plan::{Plan, Selection};
use crate::sql::{self, Bounds, Dialect, Options};

/// `--dialect` of `scorec sql`: one dialect's word.
fn one_dialect() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Dialect::ALL.map(Dialect::name))
}

/// `--dialect` of `scorec build`: one dialect's word or `all`.
pub(super) fn dialects_or_all() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        Dialect::ALL.map(Dialect::name).into_iter().chain(["all"]),
    )
}

/// `scorec build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The scorecard: a folder with a root file, or a root file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Dialect to build, or `all`; default: the scorecard's `defaults.dialect`.
    #[arg(long, value_parser = dialects_or_all())]
    pub dialect: Option<String>,
    /// Folder to write; it is replaced as a whole, and only when the build succeeds.
    #[arg(long, default_value = "build")]
    pub out: PathBuf,
    /// Schema (dataset) the views are created in.
    #[arg(long, default_value = "scorec")]
    pub schema: String,
    /// Output options for diagnostics.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `scorec sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// A metric, a journey, a source, `scorecard`, `integrity` or `pairs`.
    pub item: String,
    /// The scorecard: a folder with a root file, or a root file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Dialect; default: the scorecard's `defaults.dialect`.
    #[arg(long, value_parser = one_dialect())]
    pub dialect: Option<String>,
    /// First bucket (wall-clock in the scorecard's time zone, `2026-03-01`
    /// or `2026-03-01T06:00`); with `--end`, the range is written into
    /// the SQL instead of parameters.
    #[arg(long, requires = "end", value_parser = parse_time)]
    pub start: Option<DateTime>,
    /// End of the range, exclusive.
    #[arg(long, requires = "start", value_parser = parse_time)]
    pub end: Option<DateTime>,
    /// Watermark (wall-clock) instead of the data's newest timestamp.
    #[arg(long, requires = "start", value_parser = parse_time)]
    pub as_of: Option<DateTime>,
    /// Print the `CREATE VIEW` form instead of a plain `SELECT`.
    #[arg(long, conflicts_with = "start")]
    pub view: bool,
    /// Schema (dataset) of views and macros.
    #[arg(long, default_value = "scorec")]
    pub schema: String,
    /// Output options for diagnostics.
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn parse_time(text: &str) -> Result<DateTime, String> {
    // A civil date-time also reads a bare date (as midnight); a civil date
    // would read `2026-03-01T06:00` too, dropping the time.
    text.parse::<DateTime>()
        .map_err(|e| format!("not a date or date-time (`2026-03-01`, `2026-03-01T06:00`): {e}"))
}

/// Loads and checks; reports diagnostics; the model when there are no errors.
/// With `sql_on_stdout` (`scorec sql`, whose output is piped to a
/// warehouse) the whole report goes to stderr.
pub(super) fn checked(
    path: &Path,
    output: OutputArgs,
    sql_on_stdout: bool,
) -> Result<(Loaded, Scorecard), u8> {
    let loaded = load::load(&OsFs, path);
    let result = check::check(&loaded, check::Options::default());
    let mut diagnostics = result.diagnostics;
    diagnostic::sort(&mut diagnostics);
    if !diagnostics.is_empty() && sql_on_stdout {
        report_to_stderr(&loaded, &diagnostics, output);
    } else if !diagnostics.is_empty() {
        report(&loaded, &diagnostics, output, serde_json::Value::Null);
    }
    match result.model {
        Some(model) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((loaded, model)),
        _ => Err(exit_code(&loaded, &diagnostics).max(EXIT_ERRORS)),
    }
}

/// What `report` prints, all on stderr.
fn report_to_stderr(loaded: &Loaded, diagnostics: &[Diagnostic], output: OutputArgs) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if output.format == Format::Json {
        let value = serde_json::json!({
            "ok": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "summary": null,
            "diagnostics": diagnostic::to_json(diagnostics, &loaded.sources),
        });
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return;
    }
    let options = diagnostic::RenderOptions {
        color: output.color_on_stderr(),
    };
    eprint!(
        "{}",
        diagnostic::render_text(diagnostics, &loaded.sources, options)
    );
    let s = |n: usize| if n == 1 { "" } else { "s" };
    eprintln!(
        "{errors} error{}, {warnings} warning{}",
        s(errors),
        s(warnings)
    );
}

fn dialects(word: Option<&str>, model: &Scorecard) -> Vec<Dialect> {
    match word {
        Some("all") => Dialect::ALL.to_vec(),
        Some(w) => Dialect::parse(w).into_iter().collect(),
        None => Dialect::parse(&model.settings.dialect)
            .into_iter()
            .collect(),
    }
}

fn options(loaded: &Loaded, model: &Scorecard, schema: &str) -> Options {
    Options {
        schema: schema.to_string(),
        metric_files: build::metric_files(model, &loaded.sources, &loaded.root_dir),
    }
}

pub(super) fn build(args: &BuildArgs) -> u8 {
    let (mut loaded, model) = match checked(&args.path, args.output, false) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // The checked model is all the build reads: free the syntax trees
    // (a large scorecard's trees outweigh its model) before rendering.
    loaded.documents = Vec::new();
    let dialects = dialects(args.dialect.as_deref(), &model);
    let options = options(&loaded, &model, &args.schema);
    let inputs: Vec<Input<'_>> = loaded
        .sources
        .files()
        .map(|(_, f)| Input {
            path: relative(&f.name, &loaded.root_dir),
            text: &f.text,
        })
        .collect();
    if let Err(code) = refuse_inside(&args.out, &loaded, "a build") {
        return code;
    }
    // Files are written as they are rendered, into a new folder that
    // replaces the old one only when the build succeeds.
    let mut refused = None;
    let written = replace_dir(&args.out, |staged| {
        let write =
            |file: build::Artifact| write_new(&staged.join(&file.path), file.text.as_bytes());
        match build::build_each(&model, &dialects, &options, &inputs, &write) {
            Ok(order) => Ok(order.len()),
            Err(BuildError::Write(e)) => Err(e),
            Err(BuildError::Render(e)) => {
                refused = Some(e);
                Err(std::io::Error::other("refused"))
            }
        }
    });
    let files = match (written, refused) {
        (_, Some(e)) => return render_failed(&e),
        (Ok(files), None) => files,
        (Err(e), None) => {
            eprintln!("error: cannot write {}: {e}", args.out.display());
            return EXIT_USAGE;
        }
    };
    let names: Vec<&str> = dialects.iter().map(|d| d.name()).collect();
    println!(
        "built `{}` for {}: {} files in {}",
        model.name,
        names.join(", "),
        files,
        args.out.display()
    );
    // The process ends here: freeing a large scorecard's model node by
    // node takes longer than letting the operating system reclaim it.
    std::mem::forget(model);
    std::mem::forget(loaded);
    EXIT_OK
}

/// Reports SQL that scorec generated wrong (always a bug); the exit code.
pub(super) fn render_failed(e: &sql::RenderError) -> u8 {
    eprintln!("error: {}", e.message);
    EXIT_ERRORS
}

/// Replaces the folder `out` with the artifacts, all or nothing; refuses a
/// folder that holds the scorecard. `what` names the command in the error.
pub(super) fn write_out(
    out: &Path,
    loaded: &Loaded,
    artifacts: &[build::Artifact],
    what: &str,
) -> Result<(), u8> {
    refuse_inside(out, loaded, what)?;
    let files: Vec<(PathBuf, &[u8])> = artifacts
        .iter()
        .map(|a| (PathBuf::from(&a.path), a.text.as_bytes()))
        .collect();
    write_dir_atomic(out, &files).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", out.display());
        EXIT_USAGE
    })
}

/// Refuses an output folder that holds the scorecard (a command that
/// replaces it as a whole would delete the scorecard). `what` names the
/// command in the error.
fn refuse_inside(out: &Path, loaded: &Loaded, what: &str) -> Result<(), u8> {
    match input_inside(out, loaded) {
        Some(input) => {
            eprintln!(
                "error: cannot write {}: {what} replaces that folder as a whole, and it holds the scorecard ({input}); choose another --out",
                out.display()
            );
            Err(EXIT_USAGE)
        }
        None => Ok(()),
    }
}

/// The scorecard's folder or an input file, if it lies inside `out` (which
/// a build replaces as a whole).
fn input_inside(out: &Path, loaded: &Loaded) -> Option<String> {
    let out = std::fs::canonicalize(out).ok()?;
    let root = loaded.root_dir.to_string_lossy();
    std::iter::once(root.as_ref())
        .chain(loaded.sources.files().map(|(_, f)| f.name.as_str()))
        .find(|name| std::fs::canonicalize(name).is_ok_and(|p| p.starts_with(&out)))
        .map(|name| format!("`{name}`"))
}

fn relative(name: &str, root: &Path) -> String {
    let path = Path::new(name);
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

pub(super) fn sql(args: &SqlArgs) -> u8 {
    let (loaded, model) = match checked(&args.path, args.output, true) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let Some(&dialect) = dialects(args.dialect.as_deref(), &model).first() else {
        eprintln!(
            "error: the scorecard's default dialect `{}` is unknown",
            model.settings.dialect
        );
        return EXIT_USAGE;
    };
    let options = options(&loaded, &model, &args.schema);
    for (flag, time) in [("--start", args.start), ("--end", args.end)] {
        if let Some(t) = time
            && !sql::is_bucket_start(t, model.settings.grain, model.settings.week_start)
        {
            eprintln!(
                "error: {flag} {t} is not the start of a {} bucket; the range is whole buckets",
                sql::dialect::grain_word(model.settings.grain)
            );
            return EXIT_USAGE;
        }
    }
    let bounds = match (args.start, args.end) {
        (Some(start), Some(end)) if start < end => Bounds::Literal {
            start,
            end,
            as_of: args.as_of,
        },
        (Some(_), Some(_)) => {
            eprintln!("error: --start must be before --end");
            return EXIT_USAGE;
        }
        _ => Bounds::Parameters,
    };
    let item = args.item.as_str();
    let view = |name: String| if args.view { Some(name) } else { None };
    let streams = Plan::new(&model, Selection::All);
    let result = if model.metrics.contains_key(item) {
        sql::metrics_sql(
            &model,
            dialect,
            Selection::Metric(item),
            bounds,
            view(format!("metric_{item}")).as_deref(),
            &options,
        )
    } else if model.journeys.contains_key(item) && args.view {
        // The view `build` writes: the journey's rows of `scorecard`.
        sql::check_identifiers(&model, dialect, &options.schema)
            .map(|()| sql::journey_view_sql(&sql::Plans::new(&model), dialect, item, &options))
    } else if model.journeys.contains_key(item) {
        sql::metrics_sql(
            &model,
            dialect,
            Selection::Journey(item),
            bounds,
            view(format!("journey_{item}")).as_deref(),
            &options,
        )
    } else if item == "scorecard" {
        sql::metrics_sql(
            &model,
            dialect,
            Selection::All,
            bounds,
            view("scorecard".to_string()).as_deref(),
            &options,
        )
    } else if item == "integrity" {
        sql::integrity_sql(
            &model,
            dialect,
            bounds,
            view("signal_integrity".to_string()).as_deref(),
            &options,
        )
    } else if item == "pairs" {
        sql::pairs_sql(&model, dialect, &options)
    } else if streams.streams.contains_key(item) {
        sql::stream_sql(&model, dialect, item, bounds, &options)
    } else {
        let candidates = model
            .metrics
            .keys()
            .chain(model.journeys.keys())
            .chain(streams.streams.keys())
            .map(String::as_str)
            .chain(["scorecard", "integrity", "pairs"]);
        let hint = diagnostic::did_you_mean(item, candidates)
            .map(|s| format!("\n  help: {s}"))
            .unwrap_or_default();
        eprintln!(
            "error: `{item}` is not a metric, journey or source of `{}`, nor `scorecard`, `integrity` or `pairs`{hint}",
            model.name
        );
        return EXIT_USAGE;
    };
    match result {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(e) => render_failed(&e),
    }
}

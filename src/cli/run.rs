//! `scorec run`: binds the sources to local data, runs the scorecard's SQL
//! on the embedded DuckDB and prints the report.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::{Args, ValueEnum};
use indexmap::IndexMap;
use jiff::civil::DateTime;

use super::build::{checked, parse_time};
use super::fs::write_atomic;
use super::{Color, EXIT_OK, EXIT_USAGE, Format, OutputArgs, use_color};
use crate::diagnostic::{self, Diagnostic};
use crate::load::Loaded;
use crate::model::Scorecard;
use crate::run::bind::{self, Data};
use crate::run::engine::Engine;
use crate::run::report::{self, DataSource, Filter};
use crate::run::{self as runner, Level, Range, Stage, format};
use crate::sql;

/// Exit code: a breach at or above `--fail-on`.
pub(super) const EXIT_BREACH: u8 = 3;

/// Output format of `scorec run`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    /// The terminal view.
    #[default]
    Text,
    /// Every status, value, numerator and denominator (docs/run.md).
    Json,
    /// One row per status and metric row.
    Csv,
    /// Tables for pull requests and wikis.
    Markdown,
    /// One self-contained page with charts.
    Html,
    /// The gauges the Prometheus rules of `scorec alerts` read.
    Openmetrics,
}

/// The lowest breach that fails the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A warn or critical alert exits 3.
    Warn,
    /// A critical alert exits 3.
    Critical,
    /// Never exit 3.
    #[default]
    Never,
}

/// `scorec run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scorecard: a folder with a root file, or a root file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The data: a folder of Parquet, CSV or JSON files named after the
    /// sources' tables, or a `.duckdb` file; default: the scorecard
    /// folder's `data/`.
    #[arg(long, value_name = "DIR|FILE.duckdb")]
    pub data: Option<PathBuf>,
    /// Bind one source to a file or folder of Parquet files (repeatable).
    #[arg(long, value_name = "SOURCE=FILE", value_parser = parse_bind)]
    pub bind: Vec<(String, PathBuf)>,
    /// First bucket shown (wall-clock in the scorecard's time zone); the
    /// history before it is read for baselines.
    #[arg(long, value_parser = parse_time)]
    pub from: Option<DateTime>,
    /// End of the range, exclusive; default: after the newest data.
    #[arg(long, value_parser = parse_time)]
    pub to: Option<DateTime>,
    /// Judge as of this time (wall-clock) instead of the newest row.
    #[arg(long, value_parser = parse_time)]
    pub as_of: Option<DateTime>,
    /// Only this journey.
    #[arg(long)]
    pub journey: Option<String>,
    /// Only this cohort, as `dimension=value`; its values are the headline.
    #[arg(long, value_name = "DIM=VALUE", value_parser = parse_cohort)]
    pub cohort: Option<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RunFormat::Text)]
    pub format: RunFormat,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Exit 3 when an alert is at or above this level.
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// When to colour the text view and diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

fn parse_bind(text: &str) -> Result<(String, PathBuf), String> {
    let (source, file) = text
        .split_once('=')
        .ok_or_else(|| "expected SOURCE=FILE".to_string())?;
    Ok((source.trim().to_string(), PathBuf::from(file)))
}

fn parse_cohort(text: &str) -> Result<(String, String), String> {
    let (dim, value) = text
        .split_once('=')
        .ok_or_else(|| "expected DIMENSION=VALUE, like device_type=mobile".to_string())?;
    Ok((dim.trim().to_string(), value.to_string()))
}

pub(super) fn run(args: &RunArgs) -> u8 {
    let output = OutputArgs {
        format: Format::Text,
        color: args.color,
    };
    let (loaded, model) = match checked(&args.path, output, true) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Err(message) = check_flags(args, &model) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    let data = match data_location(args, &loaded, &model) {
        Ok(d) => d,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let show = |p: &Path| p.to_string_lossy().into_owned();
    let overrides: IndexMap<String, PathBuf> = args.bind.iter().cloned().collect();
    let engine = match Engine::open(&data) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot open the data: {}", bind::first_line(&e));
            return EXIT_USAGE;
        }
    };
    let mut bindings = match bind::locate(&model, &data, &overrides, &show) {
        Ok(b) => b,
        Err(problems) => return data_problems(&loaded, &problems, args.color),
    };
    let problems = bind::check(engine.connection(), &model, &mut bindings, &show);
    if !problems.is_empty() {
        return data_problems(&loaded, &problems, args.color);
    }
    if let Err(e) = engine.install(&bindings) {
        eprintln!("error: cannot bind the data: {}", bind::first_line(&e));
        return EXIT_USAGE;
    }
    let sources: Vec<DataSource> = bindings
        .iter()
        .map(|b| DataSource {
            source: b.source.name.clone(),
            table: b.source.table.clone(),
            path: show(&b.path),
            format: b.format.name().to_string(),
        })
        .collect();
    let options = sql::Options {
        schema: "scorec".to_string(),
        metric_files: crate::build::metric_files(&model, &loaded.sources, &loaded.root_dir),
    };
    let range = Range {
        from: args.from,
        to: args.to,
        as_of: args.as_of,
    };
    let filter = Filter {
        journey: args.journey.clone(),
        cohort: args.cohort.clone(),
    };
    let color = args.out.is_none() && use_color(args.color, std::io::stdout().is_terminal());
    // The text view's first lines are known before the scans: say at once
    // what is being read.
    let early = args.format == RunFormat::Text && args.out.is_none();
    if early {
        let empty = report::build(
            &model,
            &runner::Evaluation::default(),
            sources.clone(),
            &filter,
        );
        print!("{}", format::text::header(&empty, color));
        let _ = std::io::Write::flush(&mut std::io::stdout());
    }
    let progress = Progress::start(&engine);
    let evaluation = runner::evaluate(&engine, &model, &options, range, &|s| progress.stage(s));
    progress.finish();
    let evaluation = match evaluation {
        Ok(e) => e,
        Err(e) => {
            let d = Diagnostic::new(
                crate::codes::DATA_UNREADABLE,
                format!("the scorecard's SQL failed on the data: {}", bind::first_line(&e)),
            )
            .with_help("if the data binds cleanly, this is a bug in scorec; `scorec sql scorecard --dialect duckdb` prints the SQL");
            return data_problems(&loaded, &[d], args.color);
        }
    };
    let report = report::build(&model, &evaluation, sources, &filter);
    let text = match args.format {
        RunFormat::Text if early => format::text::body(&report, color),
        RunFormat::Text => format::text::text(&report, color),
        RunFormat::Json => format::json(&report),
        RunFormat::Csv => format::csv::csv(&report),
        RunFormat::Markdown => format::markdown::markdown(&report),
        RunFormat::Html => format::html::html(&report),
        RunFormat::Openmetrics => format::openmetrics(&evaluation.gauges),
    };
    match &args.out {
        Some(path) => {
            if let Err(e) = write_atomic(path, text.as_bytes()) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
        None => print!("{text}"),
    }
    let fail = match args.fail_on {
        FailOn::Warn => Some(Level::Warn),
        FailOn::Critical => Some(Level::Critical),
        FailOn::Never => None,
    };
    match fail {
        Some(level) if report::breaches_at(&report, level) > 0 => EXIT_BREACH,
        _ => EXIT_OK,
    }
}

/// Flags that name things in the scorecard, and the range.
fn check_flags(args: &RunArgs, model: &Scorecard) -> Result<(), String> {
    if let Some(j) = &args.journey
        && !model.journeys.contains_key(j)
    {
        let hint = diagnostic::did_you_mean(j, model.journeys.keys().map(String::as_str))
            .map(|s| format!("\n  help: {s}"))
            .unwrap_or_default();
        return Err(format!(
            "--journey `{j}` is not a journey of `{}`{hint}",
            model.name
        ));
    }
    if let Some((dim, _)) = &args.cohort {
        let dims: Vec<&str> = model
            .journeys
            .values()
            .flat_map(|j| j.cohorts.iter().map(String::as_str))
            .collect();
        if !dims.contains(&dim.as_str()) {
            let hint = diagnostic::did_you_mean(dim, dims.iter().copied())
                .map(|s| format!("\n  help: {s}"))
                .unwrap_or_default();
            return Err(format!(
                "--cohort `{dim}` is not a cohort dimension of any journey{hint}"
            ));
        }
    }
    let grain = model.settings.grain;
    for (flag, time) in [("--from", args.from), ("--to", args.to)] {
        if let Some(t) = time
            && !sql::is_bucket_start(t, grain, model.settings.week_start)
        {
            return Err(format!(
                "{flag} {t} is not the start of a {} bucket; the range is whole buckets",
                sql::dialect::grain_word(grain)
            ));
        }
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from >= to
    {
        return Err("--from must be before --to".to_string());
    }
    Ok(())
}

/// Where the data is: `--data`, else the scorecard folder's `data/`.
fn data_location(args: &RunArgs, loaded: &Loaded, model: &Scorecard) -> Result<Data, String> {
    let path = args
        .data
        .clone()
        .unwrap_or_else(|| loaded.root_dir.join("data"));
    if path.is_dir() {
        return Ok(Data::Folder(path));
    }
    if path.is_file() {
        return Ok(Data::Database(path));
    }
    // Every source bound by --bind: no folder is needed.
    let bound = |s: &String| args.bind.iter().any(|(b, _)| b == s);
    if args.data.is_none() && model.sources.keys().all(bound) {
        return Ok(Data::Folder(path));
    }
    Err(format!(
        "no data at {}: pass --data DIR (Parquet, CSV or JSON files named after the sources' tables) or --data FILE.duckdb",
        path.display()
    ))
}

/// Prints data problems as diagnostics on stderr; the exit code.
fn data_problems(loaded: &Loaded, problems: &[Diagnostic], color: Color) -> u8 {
    let options = diagnostic::RenderOptions {
        color: use_color(color, std::io::stderr().is_terminal()),
    };
    eprint!(
        "{}",
        diagnostic::render_text(problems, &loaded.sources, options)
    );
    let n = problems.len();
    eprintln!("{n} data error{}", if n == 1 { "" } else { "s" });
    EXIT_USAGE
}

/// The progress bar on stderr, only on a terminal: the stage, and DuckDB's
/// estimate of the running query.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    done: Arc<AtomicBool>,
    poller: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(engine: &Engine) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                done,
                poller: None,
            };
        }
        let bar = indicatif::ProgressBar::new(100);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg:<28} [{bar:30}] {pos:>3}%")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        let poller = engine.progress().map(|handle| {
            let bar = bar.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    if let Some(p) = handle.query_progress().percentage() {
                        bar.set_position(p.clamp(0.0, 100.0) as u64);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        });
        Progress {
            bar: Some(bar),
            done,
            poller,
        }
    }

    fn stage(&self, stage: Stage) {
        if let Some(bar) = &self.bar {
            bar.set_position(0);
            bar.set_message(match stage {
                Stage::Scan => "scanning the sources",
                Stage::Judge => "judging thresholds",
                Stage::Read => "reading the results",
            });
        }
    }

    fn finish(self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(p) = self.poller {
            let _ = p.join();
        }
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

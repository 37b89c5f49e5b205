//! `scorec diff`: reads two versions of a scorecard (git revisions, the
//! working tree, or two folders), checks both, and prints what changed in
//! meaning, its impact and who must review it.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::fs::OsFs;
use super::git::{Repo, TreeFs, WorktreeFs};
use super::{Color, EXIT_ERRORS, EXIT_OK, EXIT_USAGE, use_color};
use crate::check::{self, Checked};
use crate::codes;
use crate::diagnostic::{self, Diagnostic, RenderOptions};
use crate::diff::render::{self, Context, VersionLabel};
use crate::diff::{self, FailOn, Report, Version};
use crate::load::{self, Loaded, Vfs};
use crate::span::SourceMap;
use crate::sql::Dialect;

/// Output format of `scorec diff`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people, grouped by journey (coloured on a terminal).
    #[default]
    Text,
    /// A pull-request comment.
    Markdown,
    /// For tools and CI bots (schema in docs/diff.md).
    Json,
    /// GitHub workflow annotations at the changed lines.
    Github,
}

/// A `--fail-on` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// A loosened threshold, min_sample, tier, tier policy, or a removed pair.
    Loosened,
    /// A signal change (events, predicates, sources, units, conditions, windows).
    Signal,
    /// Any semantic change.
    Any,
}

/// `scorec diff`.
#[derive(Debug, Args)]
#[command(after_help = "\
Forms:
  scorec diff OLD               OLD revision against the working tree, scorecard in .
  scorec diff PATH OLD          the same for the scorecard at PATH (PATH exists on disk)
  scorec diff OLD NEW           two revisions (OLD is not a path on disk)
  scorec diff PATH OLD NEW      two revisions of the scorecard at PATH
  scorec diff --paths OLD NEW   two folders (or root files)

Exit codes:
  0  compared; no change met --fail-on
  1  a change met --fail-on, or a version has errors
  2  usage error, or a revision or file cannot be read")]
pub struct DiffArgs {
    /// `[PATH] OLD [NEW]`: revisions (`main`, `HEAD~1`, a tag or hash) of
    /// the scorecard at PATH; NEW defaults to the working tree.
    #[arg(value_name = "ARGS", required = true, num_args = 1..=3)]
    pub args: Vec<String>,
    /// Compare two folders (or root files) instead of git revisions.
    #[arg(long)]
    pub paths: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// When to use colour (text format).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Exit 1 when a change is loosened, a signal change, or any change
    /// (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<FailOnArg>,
    /// Dialect whose generated SQL is compared, or `all` (default).
    #[arg(long, value_parser = super::build::dialects_or_all())]
    pub dialect: Option<String>,
}

/// One version, read and checked.
struct Read {
    label: VersionLabel,
    loaded: Loaded,
    checked: Checked,
}

pub(super) fn diff(args: &DiffArgs) -> u8 {
    let (old, new) = match read_both(args) {
        Ok(x) => x,
        Err(Problem::Usage(message)) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
        Err(Problem::Git(message)) => {
            let d = Diagnostic::new(codes::GIT_FAILED, message)
                .with_help("name a commit, branch or tag (`git log --oneline` lists them), or compare two folders with --paths");
            eprint!(
                "{}",
                diagnostic::render_text(
                    &[d],
                    &SourceMap::new(),
                    RenderOptions {
                        color: use_color(args.color, std::io::stderr().is_terminal())
                    }
                )
            );
            return EXIT_USAGE;
        }
    };
    let mut failed = None;
    for (which, side) in [("old", &old), ("new", &new)] {
        if side.checked.model.is_none() {
            let errors: Vec<Diagnostic> = side
                .checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            eprintln!(
                "error: the {which} version ({}) does not check:",
                side.label.shown()
            );
            eprint!(
                "{}",
                diagnostic::render_text(
                    &errors,
                    &side.loaded.sources,
                    RenderOptions {
                        color: use_color(args.color, std::io::stderr().is_terminal())
                    }
                )
            );
            let code = super::commands::exit_code(&side.loaded, &errors).max(EXIT_ERRORS);
            failed = Some(failed.map_or(code, |c: u8| c.max(code)));
        }
    }
    if let Some(code) = failed {
        return code;
    }
    let (Some(om), Some(nm)) = (&old.checked.model, &new.checked.model) else {
        return EXIT_ERRORS;
    };
    let ov = Version {
        model: om,
        sources: &old.loaded.sources,
        root: &old.loaded.root_dir,
    };
    let nv = Version {
        model: nm,
        sources: &new.loaded.sources,
        root: &new.loaded.root_dir,
    };
    let dialects: Vec<Dialect> = match args.dialect.as_deref() {
        None | Some("all") => Dialect::ALL.to_vec(),
        Some(word) => Dialect::parse(word).into_iter().collect(),
    };
    let (changes, reviewers) = diff::diff(ov, nv);
    let impact = diff::impact::compute(ov, nv, &dialects, &changes);
    let report = Report {
        changes,
        impact,
        reviewers,
    };
    let fail_on: Vec<FailOn> = args
        .fail_on
        .iter()
        .map(|f| match f {
            FailOnArg::Loosened => FailOn::Loosened,
            FailOnArg::Signal => FailOn::Signal,
            FailOnArg::Any => FailOn::Any,
        })
        .collect();
    let cx = Context {
        scorecard: nm.name.clone(),
        old: old.label,
        new: new.label,
        fail_on: fail_on.clone(),
    };
    let text = match args.format {
        DiffFormat::Text => render::text(
            &report,
            &cx,
            use_color(args.color, std::io::stdout().is_terminal()),
        ),
        DiffFormat::Markdown => render::markdown(&report, &cx),
        DiffFormat::Json => render::json(&report, &cx),
        DiffFormat::Github => render::github(&report, &cx),
    };
    print!("{text}");
    let failing = diff::failing(&report.changes, &fail_on);
    if failing.is_empty() {
        EXIT_OK
    } else {
        if args.format != DiffFormat::Json {
            let words: Vec<&str> = fail_on.iter().map(|f| f.as_str()).collect();
            eprintln!(
                "error: {} change{} met --fail-on {}",
                failing.len(),
                if failing.len() == 1 { "" } else { "s" },
                words.join(",")
            );
        }
        EXIT_ERRORS
    }
}

/// Why the versions could not be read.
enum Problem {
    /// The arguments do not name two versions.
    Usage(String),
    /// git could not read a repository or revision.
    Git(String),
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem::Git(message)
    }
}

/// Reads and checks both versions.
fn read_both(args: &DiffArgs) -> Result<(Read, Read), Problem> {
    if args.paths {
        let [old, new] = args.args.as_slice() else {
            return Err(Problem::Usage(format!(
                "--paths compares two folders or root files (`scorec diff --paths OLD NEW`); {} given",
                args.args.len()
            )));
        };
        let read = |p: &String| {
            let path = PathBuf::from(p);
            let label = VersionLabel {
                label: p.clone(),
                commit: None,
                path: p.clone(),
            };
            checked(&OsFs, &path, label)
        };
        return Ok((read(old), read(new)));
    }
    let (path, old, new) = match args.args.as_slice() {
        [old] => (".", old.as_str(), None),
        [first, second] if Path::new(first).exists() => (first.as_str(), second.as_str(), None),
        [old, new] => (".", old.as_str(), Some(new.as_str())),
        [path, old, new] => (path.as_str(), old.as_str(), Some(new.as_str())),
        _ => return Err(Problem::Usage("give `[PATH] OLD [NEW]`".to_string())),
    };
    let repo = Repo::discover()?;
    let inside = repo.relative(Path::new(path))?;
    let shown = if inside.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        inside.clone()
    };
    let at = |revision: &str| -> Result<Read, Problem> {
        let commit = repo.commit(revision)?;
        let tree = TreeFs::read(&repo, &commit, &inside)?;
        let label = VersionLabel {
            label: revision.to_string(),
            commit: Some(commit),
            path: shown.to_string_lossy().into_owned(),
        };
        Ok(checked(&tree, &shown, label))
    };
    let old = at(old)?;
    let new = match new {
        Some(revision) => at(revision)?,
        None => checked(
            &WorktreeFs {
                toplevel: repo.toplevel.clone(),
            },
            &shown,
            VersionLabel {
                label: "working tree".to_string(),
                commit: None,
                path: shown.to_string_lossy().into_owned(),
            },
        ),
    };
    Ok((old, new))
}

fn checked(vfs: &dyn Vfs, path: &Path, label: VersionLabel) -> Read {
    let loaded = load::load(vfs, path);
    let checked = check::check(&loaded, check::Options::default());
    Read {
        label,
        loaded,
        checked,
    }
}

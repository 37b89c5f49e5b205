//! The subcommands: each loads, calls the library and prints.

use std::path::Path;

use serde_json::json;

use super::fs::{OsFs, write_atomic};
use super::{
    CatalogsArgs, CheckArgs, ConvertArgs, EXIT_ERRORS, EXIT_OK, EXIT_USAGE, ExplainArgs, FmtArgs,
    Format, InitArgs, OutputArgs, Target,
};
use crate::catalog::Catalogs;
use crate::check::{self, Checked};
use crate::codes;
use crate::diagnostic::{self, Diagnostic, RenderOptions};
use crate::load::{self, Loaded, Syntax};
use crate::rewrite;
use crate::span::SourceMap;

/// Codes that mean the scorecard could not be read at all.
const IO_CODES: &[codes::Code] = &[codes::READ_FAILED, codes::NO_ROOT];

pub(super) fn check(args: &CheckArgs) -> u8 {
    // Reading the built-in catalogs does not depend on the scorecard: do it
    // on another core while the scorecard loads.
    let (loaded, builtin) = std::thread::scope(|scope| {
        let builtin = scope.spawn(Catalogs::builtin);
        let loaded = load::load(&OsFs, &args.path);
        (
            loaded,
            builtin
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let checked = check::check_with(
        &loaded,
        check::Options {
            deny_warnings: args.deny.is_some(),
        },
        builtin,
    );
    report(
        &loaded,
        &checked.diagnostics,
        args.output,
        summary(&checked),
    );
    let code = exit_code(&loaded, &checked.diagnostics);
    // The process ends here: freeing a large scorecard node by node takes
    // longer than letting the operating system reclaim it.
    std::mem::forget(loaded);
    std::mem::forget(checked);
    code
}

fn summary(checked: &Checked) -> serde_json::Value {
    match &checked.model {
        Some(m) => json!({
            "scorecard": m.name,
            "journeys": m.journeys.len(),
            "metrics": m.metrics.len(),
            "pairs": m.pairs.len(),
            "sources": m.sources.len(),
            "events": m.events.len(),
            "control_changes": m.changes.len(),
        }),
        None => serde_json::Value::Null,
    }
}

pub(super) fn exit_code(loaded: &Loaded, diagnostics: &[Diagnostic]) -> u8 {
    if loaded.documents.is_empty() && diagnostics.iter().any(|d| IO_CODES.contains(&d.code)) {
        EXIT_USAGE
    } else if diagnostics.iter().any(Diagnostic::is_error) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

/// Prints findings: rendered on stderr and a summary on stdout for text,
/// one JSON object on stdout for json.
pub(super) fn report(
    loaded: &Loaded,
    diagnostics: &[Diagnostic],
    output: OutputArgs,
    summary: serde_json::Value,
) {
    report_in(&loaded.sources, diagnostics, output, summary);
}

fn report_in(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    output: OutputArgs,
    summary: serde_json::Value,
) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match output.format {
        Format::Json => {
            let value = json!({
                "ok": errors == 0,
                "errors": errors,
                "warnings": warnings,
                "summary": summary,
                "diagnostics": diagnostic::to_json(diagnostics, sources),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        Format::Text => {
            let text = diagnostic::render_text(
                diagnostics,
                sources,
                RenderOptions {
                    color: output.color_on_stderr(),
                },
            );
            eprint!("{text}");
            let counts = format!(
                "{errors} error{}, {warnings} warning{}",
                plural(errors),
                plural(warnings)
            );
            if let Some(name) = summary.get("scorecard").and_then(|n| n.as_str()) {
                let n = |k: &str| {
                    summary
                        .get(k)
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0)
                };
                println!(
                    "checked `{name}`: {} journeys, {} metrics, {} pairs, {} sources; {counts}",
                    n("journeys"),
                    n("metrics"),
                    n("pairs"),
                    n("sources")
                );
            } else if !diagnostics.is_empty() {
                println!("{counts}");
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads and reports syntax problems; `None` if the files do not parse.
fn load_parsed(path: &Path, output: OutputArgs) -> Result<Loaded, u8> {
    let loaded = load::load(&OsFs, path);
    if loaded.diagnostics.iter().any(Diagnostic::is_error) {
        let mut diagnostics = loaded.diagnostics.clone();
        diagnostic::sort(&mut diagnostics);
        report(&loaded, &diagnostics, output, serde_json::Value::Null);
        return Err(exit_code(&loaded, &diagnostics));
    }
    Ok(loaded)
}

pub(super) fn fmt(args: &FmtArgs) -> u8 {
    let loaded = match load_parsed(&args.path, args.output) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut changed = Vec::new();
    for out in rewrite::format(&loaded) {
        let current = loaded
            .sources
            .files()
            .find(|(_, f)| f.name == out.from)
            .map(|(_, f)| f.text.as_str());
        if current == Some(out.text.as_str()) {
            continue;
        }
        changed.push(out.from.clone());
        if !args.check
            && let Err(e) = write_atomic(Path::new(&out.from), out.text.as_bytes())
        {
            eprintln!("error: cannot write `{}`: {e}", out.from);
            return EXIT_USAGE;
        }
    }
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    match args.output.format {
        Format::Json => println!("{}", json!({ "changed": changed, "check": args.check })),
        Format::Text => {
            for file in &changed {
                println!("{verb} {file}");
            }
        }
    }
    if args.check && !changed.is_empty() {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

pub(super) fn convert(args: &ConvertArgs) -> u8 {
    let loaded = match load_parsed(&args.path, args.output) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let to = match args.to {
        Target::Yaml => Syntax::Yaml,
        Target::Dsl => Syntax::Dsl,
    };
    let outputs = rewrite::convert(&loaded, to);
    let Some(dir) = &args.out else {
        if let [single] = outputs.as_slice() {
            print!("{}", single.text);
            return EXIT_OK;
        }
        eprintln!(
            "error: this scorecard has {} files; give a folder to write them to with --out",
            outputs.len()
        );
        return EXIT_USAGE;
    };
    // Every file was rendered above, so a write fails only on I/O; each
    // file is replaced atomically, and files written before a failure stay.
    for out in &outputs {
        let path = dir.join(&out.relative);
        if let Err(e) = write_atomic(&path, out.text.as_bytes()) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return EXIT_USAGE;
        }
        println!("wrote {}", path.display());
    }
    EXIT_OK
}

pub(super) fn explain(args: &ExplainArgs) -> u8 {
    if args.code == "list" {
        for info in codes::ALL {
            println!("{}  {:<26} {}", info.code, info.name, info.summary);
        }
        return EXIT_OK;
    }
    match codes::lookup(&args.code) {
        Some(info) => {
            print!("{}", info.page);
            EXIT_OK
        }
        None => {
            let names = codes::ALL.iter().flat_map(|c| [c.code.as_str(), c.name]);
            let hint = diagnostic::did_you_mean(&args.code, names)
                .unwrap_or_else(|| "`scorec explain list` lists every code".into());
            eprintln!("error: no diagnostic code `{}`; {hint}", args.code);
            EXIT_USAGE
        }
    }
}

pub(super) fn catalogs(args: &CatalogsArgs) -> u8 {
    let catalogs = Catalogs::builtin();
    match (args.action.as_str(), &args.id) {
        ("list", _) => {
            match args.format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&catalogs.catalogs()).unwrap_or_default()
                ),
                Format::Text => print!("{}", catalogs.list_text()),
            }
            EXIT_OK
        }
        ("show", Some(id)) => match catalogs.show_text(id) {
            Some(text) => {
                match args.format {
                    Format::Json => {
                        let value = catalogs
                            .find_catalog(id)
                            .map(|c| serde_json::to_value(c).unwrap_or_default())
                            .or_else(|| {
                                catalogs
                                    .resolve(id)
                                    .ok()
                                    .map(|r| serde_json::to_value(r.control).unwrap_or_default())
                            });
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&value).unwrap_or_default()
                        );
                    }
                    Format::Text => print!("{text}"),
                }
                EXIT_OK
            }
            None => {
                let message = catalogs
                    .resolve(id)
                    .err()
                    .map_or_else(|| format!("no catalog or control `{id}`"), |e| e.message());
                eprintln!("error: {message}");
                EXIT_USAGE
            }
        },
        _ => {
            eprintln!(
                "error: `scorec catalogs show` needs a catalog or control, e.g. `csf` or `csf:DE.AE-02`"
            );
            EXIT_USAGE
        }
    }
}

/// The scorecard `scorec init` writes.
pub(super) const STARTER: &str = include_str!("../../examples/starter/scorecard.yaml");

pub(super) fn init(args: &InitArgs) -> u8 {
    let path = args.dir.join("scorecard.yaml");
    if let Some(existing) = load::ROOT_NAMES
        .iter()
        .map(|n| args.dir.join(n))
        .find(|p| p.exists())
    {
        eprintln!(
            "error: `{}` already exists; scorec init never overwrites a scorecard",
            existing.display()
        );
        return EXIT_USAGE;
    }
    if let Err(e) = write_atomic(&path, STARTER.as_bytes()) {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return EXIT_USAGE;
    }
    println!("wrote {}", path.display());
    println!("next: scorec check {}", args.dir.display());
    EXIT_OK
}

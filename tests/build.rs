//! `scorec build` and `scorec sql` as artifacts, through the real binary:
//! the DuckDB output of `examples/ciam` in full and every other dialect as
//! a diff against it (snapshots), every file re-parsed in its dialect,
//! determinism across runs and syntaxes, the manifest, the all-or-nothing
//! output folder, and `scorec sql` transcripts. `security` compiles a
//! scorecard full of quotes and comment markers and runs it.

mod security;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use scorec::sql::Dialect;
use serde_json::Value as Json;
use sqlparser::ast::Statement;
use sqlparser::parser::{Parser, ParserOptions};

use crate::support::{self, engines::TempDir, scorec, transcript};

fn temp(name: &str) -> TempDir {
    TempDir::new(name).expect("temp dir")
}

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Every file under `dir`, by `/`-separated path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                let key = text(relative).replace('\\', "/");
                out.insert(key, std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

/// The names in a folder, sorted (to see leftovers beside an output).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `scorec build <args> --out <out>`, which must succeed; the files.
fn build(args: &[&str], out: &Path) -> BTreeMap<String, String> {
    let out_text = text(out);
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    all.extend(["--out", out_text.as_str()]);
    let (code, stdout, stderr) = scorec(&all);
    assert_eq!(code, 0, "scorec {all:?}:\n{stdout}{stderr}");
    tree(out)
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8(v).expect("UTF-8 output")))
        .collect()
}

/// The dialect of a build file (its first path part).
fn dialect_of(path: &str) -> Option<Dialect> {
    path.split('/').next().and_then(Dialect::parse)
}

/// Parses SQL with the options scorec's renderer writes for: literals kept
/// as written (a backslash escape stays as it is).
fn parse(dialect: Dialect, sql: &str) -> Result<Vec<Statement>, String> {
    let parser = dialect.parser();
    Parser::new(&*parser)
        .with_options(
            ParserOptions::new()
                .with_trailing_commas(parser.supports_trailing_commas())
                .with_unescape(false),
        )
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| e.to_string())
}

/// The statements of every SQL file: one each, two in `00_time_zone.sql`,
/// with the options scorec's renderer assumes and with the dialect's
/// default (unescaping) tokenizer.
fn assert_files_parse(files: &BTreeMap<String, String>) {
    for (path, sql) in files {
        let Some(dialect) = dialect_of(path) else {
            continue;
        };
        let statements = parse(dialect, sql).unwrap_or_else(|e| panic!("{path}: {e}\n{sql}"));
        let expected = if path.ends_with("/00_time_zone.sql") {
            2
        } else if path.ends_with("/journeys.sql") {
            sql.matches("\n-- The rows of journey `").count()
        } else {
            1
        };
        assert_eq!(statements.len(), expected, "{path}: statements");
        // Also with the dialect's default (unescaping) tokenizer.
        let default = Parser::parse_sql(&*dialect.parser(), sql)
            .unwrap_or_else(|e| panic!("{path} (unescaped): {e}"));
        assert_eq!(default.len(), expected, "{path}: statements (unescaped)");
    }
}

/// The file without its `--` comment lines.
fn body(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The metric names a file's header lists (`--   name (journey, kind) ...`).
fn header_metrics(sql: &str) -> Vec<String> {
    // The header's list, or in `journeys.sql` the list above each view.
    sql.lines()
        .filter_map(|l| l.strip_prefix("--   "))
        .filter_map(|l| l.split(' ').next())
        .map(str::to_string)
        .collect()
}

/// A unified line diff (3 lines of context) by longest common subsequence.
fn unified_diff(old: &str, new: &str) -> String {
    const CONTEXT: usize = 3;
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let (n, m) = (a.len(), b.len());
    let at = |i: usize, j: usize| i * (m + 1) + j;
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    // (tag, line, old index, new index) per line of the edit script.
    let mut ops: Vec<(char, &str, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i], i, j));
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            ops.push(('-', a[i], i, j));
            i += 1;
        } else {
            ops.push(('+', b[j], i, j));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let olds = hunk.iter().filter(|o| o.0 != '+').count();
        let news = hunk.iter().filter(|o| o.0 != '-').count();
        let _ = writeln!(
            out,
            "@@ -{},{olds} +{},{news} @@",
            hunk[0].2 + 1,
            hunk[0].3 + 1
        );
        for (tag, line, _, _) in hunk {
            let _ = writeln!(out, "{tag}{line}");
        }
    }
    out
}

#[test]
fn the_line_diff_is_unified() {
    let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
    let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
    assert_eq!(
        unified_diff(old, new),
        "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -8,3 +8,4 @@\n h\n i\n j\n+k\n"
    );
    assert_eq!(unified_diff(old, old), "");
}

/// The DuckDB build of the example, one snapshot per file, and the list of
/// files (so a file that disappears fails too).
#[test]
fn the_duckdb_build_of_the_example() {
    let tmp = temp("build-duckdb");
    let files = build(
        &["examples/ciam", "--dialect", "duckdb"],
        &tmp.path().join("out"),
    );
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    insta::assert_snapshot!("duckdb_files", names.join("\n"));
    for (path, sql) in &files {
        if path != "manifest.json" {
            insta::assert_snapshot!(path.replace('/', "__"), sql);
        }
    }
}

/// Metrics that count the same thing share one aggregate: no counts CTE of
/// any dialect computes the same expression twice, and the example has
/// metrics that share counters (the same denominator, say), so that the
/// sharing is exercised.
#[test]
fn no_aggregate_is_computed_twice() {
    let tmp = temp("build-shared");
    let files = build(
        &["examples/ciam", "--dialect", "all"],
        &tmp.path().join("out"),
    );
    let mut shared = 0;
    for (path, sql) in files.iter().filter(|(p, _)| p.contains("/sources/")) {
        let mut seen = BTreeSet::new();
        let mut columns = BTreeSet::new();
        for line in sql.lines() {
            let line = line.trim().trim_end_matches(',');
            let Some((expression, column)) = line.rsplit_once(" AS ") else {
                continue;
            };
            let aggregate = ["count(", "sum(", "percentile", "quantile", "approx_"]
                .iter()
                .any(|f| expression.starts_with(f));
            if aggregate && expression.contains("CASE WHEN") {
                assert!(
                    seen.insert(expression.to_string()),
                    "{path}: twice: {expression}"
                );
                columns.insert(column.to_string());
            }
        }
        assert!(!columns.is_empty(), "{path}: no counters found");
        if path.starts_with("duckdb/") {
            shared += columns.len();
        }
    }
    // Some counter column is read by the values of two metrics.
    let scorecard = &files["duckdb/scorecard.sql"];
    let mut readers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut metric = String::new();
    for line in scorecard.lines() {
        if let Some(name) = line.strip_suffix("__values\" AS (") {
            metric = name.trim_matches(|c| c == '"' || c == ',').to_string();
        }
        for column in line.split("\"r\".\"").skip(1) {
            let column = column.split('"').next().unwrap_or_default();
            if column.contains("__") {
                readers
                    .entry(column.to_string())
                    .or_default()
                    .insert(metric.clone());
            }
        }
    }
    assert!(shared > 0);
    assert!(
        readers.values().any(|metrics| metrics.len() > 1),
        "no counter is shared: {readers:?}"
    );
}

/// Every other dialect as a diff against the DuckDB file of the same name;
/// the DuckDB files of `--dialect all` are those of `--dialect duckdb`.
#[test]
fn every_dialect_as_a_diff_against_duckdb() {
    let tmp = temp("build-diffs");
    let all = build(
        &["examples/ciam", "--dialect", "all"],
        &tmp.path().join("all"),
    );
    let duckdb = build(
        &["examples/ciam", "--dialect", "duckdb"],
        &tmp.path().join("duck"),
    );
    for (path, sql) in duckdb.iter().filter(|(p, _)| p.as_str() != "manifest.json") {
        assert_eq!(
            all.get(path),
            Some(sql),
            "{path} differs under --dialect all"
        );
    }
    for dialect in &Dialect::ALL[1..] {
        let prefix = format!("{}/", dialect.name());
        let mut names: BTreeSet<&str> =
            all.keys().filter_map(|p| p.strip_prefix(&prefix)).collect();
        names.extend(all.keys().filter_map(|p| p.strip_prefix("duckdb/")));
        let mut diff = String::new();
        for name in names {
            let old = all.get(&format!("duckdb/{name}"));
            let new = all.get(&format!("{prefix}{name}"));
            let _ = writeln!(diff, "=== {name}");
            match (old, new) {
                (Some(old), Some(new)) => diff.push_str(&unified_diff(old, new)),
                (Some(_), None) => diff.push_str("only in duckdb\n"),
                (None, _) => {
                    let _ = writeln!(diff, "only in {}", dialect.name());
                }
            }
        }
        insta::assert_snapshot!(format!("diff_vs_duckdb__{}", dialect.name()), diff);
    }
}

/// Every file of `--dialect all` parses in its dialect, statement by
/// statement.
#[test]
fn every_file_reparses_in_its_dialect() {
    let tmp = temp("build-parse");
    let files = build(
        &["examples/ciam", "--dialect", "all"],
        &tmp.path().join("out"),
    );
    // Every dialect writes the files DuckDB writes, but its time-zone macros.
    let names = |dialect: Dialect| -> BTreeSet<&str> {
        let prefix = format!("{}/", dialect.name());
        files
            .keys()
            .filter_map(|p| p.strip_prefix(&prefix))
            .filter(|p| *p != "00_time_zone.sql")
            .collect()
    };
    for dialect in Dialect::ALL {
        assert_eq!(names(dialect), names(Dialect::DuckDb), "{}", dialect.name());
    }
    assert!(files.contains_key("duckdb/00_time_zone.sql"));
    assert_files_parse(&files);
}

#[test]
fn builds_are_deterministic_across_runs_and_syntaxes() {
    let tmp = temp("build-determinism");
    let first = build(
        &["examples/ciam", "--dialect", "all"],
        &tmp.path().join("a"),
    );
    let second = build(
        &["examples/ciam", "--dialect", "all"],
        &tmp.path().join("b"),
    );
    assert!(first == second, "two builds of the same input differ");

    // The same scorecard in the DSL: the same SQL bodies.
    let dsl = tmp.path().join("dsl");
    let (code, _, stderr) = scorec(&[
        "convert",
        "examples/ciam",
        "--to",
        "dsl",
        "--out",
        &text(&dsl),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        tree(&dsl).keys().all(|p| !p.ends_with(".yaml")),
        "convert left YAML"
    );
    let converted = build(&[&text(&dsl), "--dialect", "all"], &tmp.path().join("c"));
    let paths = |f: &BTreeMap<String, String>| f.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(&first), paths(&converted));
    for (path, sql) in first.iter().filter(|(p, _)| p.ends_with(".sql")) {
        assert!(
            body(sql) == body(&converted[path]),
            "{path}: the DSL build differs:\n{}",
            unified_diff(sql, &converted[path])
        );
    }
    // The manifests agree but for the inputs.
    let manifest = |f: &BTreeMap<String, String>| {
        let mut m: Json = serde_json::from_str(&f["manifest.json"]).expect("JSON");
        for output in m["outputs"].as_array_mut().expect("outputs") {
            output["sha256"] = Json::Null;
        }
        m["inputs"] = Json::Null;
        m
    };
    assert_eq!(manifest(&first), manifest(&converted));
}

/// `sha256sum` of `paths` (relative to `dir`), by path.
fn sha256sum(dir: &Path, paths: &[&str]) -> BTreeMap<String, String> {
    let output = Command::new("sha256sum")
        .args(paths)
        .current_dir(dir)
        .output()
        .expect("sha256sum (coreutils)");
    assert!(output.status.success(), "sha256sum failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect()
}

#[test]
fn the_manifest_lists_outputs_inputs_dialects_and_metrics() {
    let tmp = temp("build-manifest");
    let out = tmp.path().join("out");
    let files = build(&["examples/ciam", "--dialect", "all"], &out);
    let manifest: Json = serde_json::from_str(&files["manifest.json"]).expect("JSON");
    assert_eq!(manifest["scorec"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["scorecard"], "northwind-ciam");
    assert_eq!(manifest["schema"], "scorec");
    let dialects: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
    assert_eq!(manifest["dialects"], serde_json::json!(dialects));

    // Outputs: every file but the manifest, once, with its hash.
    let outputs = manifest["outputs"].as_array().expect("outputs");
    let listed: Vec<&str> = outputs.iter().filter_map(|o| o["path"].as_str()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "a path is listed twice");
    let on_disk: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|p| *p != "manifest.json")
        .collect();
    assert_eq!(unique, on_disk);
    let hashes = sha256sum(&out, &listed);
    for output in outputs {
        let path = output["path"].as_str().expect("path");
        assert_eq!(
            output["sha256"].as_str(),
            Some(hashes[path].as_str()),
            "{path}"
        );
        assert_eq!(
            output["dialect"].as_str(),
            dialect_of(path).map(Dialect::name),
            "{path}"
        );
    }

    // Inputs: the scorecard's files, relative to its folder, with hashes.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam");
    let inputs = manifest["inputs"].as_array().expect("inputs");
    let input_paths: BTreeSet<&str> = inputs.iter().filter_map(|i| i["path"].as_str()).collect();
    // Every file of the folder but the example data of `scorec run`.
    let example_files: BTreeSet<String> = tree(&example)
        .into_keys()
        .filter(|path| !path.starts_with("data/"))
        .collect();
    let example_paths: BTreeSet<&str> = example_files.iter().map(String::as_str).collect();
    assert_eq!(input_paths, example_paths);
    let input_list: Vec<&str> = input_paths.iter().copied().collect();
    let hashes = sha256sum(&example, &input_list);
    for input in inputs {
        let path = input["path"].as_str().expect("path");
        assert_eq!(
            input["sha256"].as_str(),
            Some(hashes[path].as_str()),
            "{path}"
        );
    }

    // Metrics per file: what the header lists, what the model says.
    let (loaded, checked) = support::check(&example);
    let model = checked
        .model
        .as_ref()
        .unwrap_or_else(|| panic!("{}", support::rendered(&loaded, &checked)));
    let every: Vec<String> = model.metrics.keys().cloned().collect();
    let mut from_sources: BTreeSet<String> = BTreeSet::new();
    for output in outputs {
        let path = output["path"].as_str().expect("path");
        let metrics: Vec<String> = output["metrics"]
            .as_array()
            .expect("metrics")
            .iter()
            .map(|m| m.as_str().expect("name").to_string())
            .collect();
        assert_eq!(metrics, header_metrics(&files[path]), "{path}: header");
        let name = path.split_once('/').map_or(path, |(_, rest)| rest);
        let expected = match name.strip_suffix(".sql").unwrap_or(name) {
            "scorecard" | "adhoc/scorecard" => every.clone(),
            "scorecard_pairs" | "signal_integrity" | "adhoc/signal_integrity" | "00_time_zone" => {
                Vec::new()
            }
            "journeys" => model
                .journeys
                .values()
                .flat_map(|j| j.metrics.iter().cloned())
                .collect(),
            other if other.starts_with("sources/") => {
                assert!(!metrics.is_empty(), "{path} computes no metric");
                from_sources.extend(metrics.iter().cloned());
                metrics.clone()
            }
            other => panic!("unexpected output {other}"),
        };
        assert_eq!(metrics, expected, "{path}");
    }
    let counted: BTreeSet<String> = model
        .metrics
        .values()
        .filter(|m| m.kind.keyword() != "derived")
        .map(|m| m.name.clone())
        .collect();
    assert_eq!(
        from_sources, counted,
        "the source files cover the counted metrics"
    );
}

/// The output folder is replaced all or nothing.
#[test]
fn a_failed_build_leaves_the_output_and_a_rebuild_replaces_it() {
    let tmp = temp("build-atomic");
    let out = tmp.path().join("out");
    let o = text(&out);
    build(&["examples/ciam", "--dialect", "all"], &out);
    let before = tree(&out);
    let only_out = vec!["out".to_string()];

    // A scorecard with errors writes nothing.
    let (code, _, stderr) = scorec(&[
        "build",
        "tests/fixtures/check/err_E0102_unknown_key.yaml",
        "--out",
        &o,
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(tree(&out) == before, "a failed check changed the output");

    // An output folder whose parent is a file (inside the old output).
    let nested = out.join("manifest.json").join("build");
    let (code, _, stderr) = scorec(&["build", "examples/ciam", "--out", &text(&nested)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(tree(&out) == before, "a failed write changed the output");
    assert_eq!(entries(tmp.path()), only_out);

    // An output path that is a file stays that file.
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "mine\n").expect("write");
    let (code, _, stderr) = scorec(&["build", "examples/ciam", "--out", &text(&file)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a folder"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "mine\n");
    assert_eq!(entries(tmp.path()), ["notes.txt", "out"]);
    std::fs::remove_file(&file).expect("remove");

    // A folder holding the scorecard is never replaced by its build.
    let project = tmp.path().join("project");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam");
    for (path, bytes) in tree(&example) {
        let target = project.join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, bytes).expect("write");
    }
    let sources = tree(&project);
    for target in [project.clone(), tmp.path().to_path_buf()] {
        let (code, _, stderr) = scorec(&["build", &text(&project), "--out", &text(&target)]);
        assert_eq!(code, 2, "--out {}: {stderr}", target.display());
        assert!(stderr.contains("holds the scorecard"), "{stderr}");
        assert!(tree(&project) == sources, "the scorecard was touched");
    }
    std::fs::remove_dir_all(&project).expect("remove");
    assert!(tree(&out) == before);

    // A successful rebuild holds exactly the new files: stray files and the
    // dialects no longer built are gone.
    std::fs::write(out.join("duckdb/stray.sql"), "SELECT 1;\n").expect("write");
    std::fs::write(out.join("notes.md"), "mine\n").expect("write");
    let rebuilt = build(&["examples/ciam", "--dialect", "duckdb"], &out);
    let fresh = build(
        &["examples/ciam", "--dialect", "duckdb"],
        &tmp.path().join("fresh"),
    );
    assert!(rebuilt == fresh, "the rebuild is not a fresh build");
    assert!(
        rebuilt
            .keys()
            .all(|p| p == "manifest.json" || p.starts_with("duckdb/"))
    );
    assert_eq!(entries(tmp.path()), ["fresh", "out"], "temp folders left");
}

/// A scorecard with warnings only.
const WARNS: &str = "tests/fixtures/check/err_W0103_journey_without_pair.scorec";

/// `scorec sql` for one item, as a user sees it; successful output parses
/// as one statement in its dialect.
#[test]
fn sql_transcripts() {
    let cases: &[(&str, &[&str])] = &[
        (
            "metric",
            &[
                "sql",
                "login_success_rate",
                "examples/ciam",
                "--dialect",
                "duckdb",
            ],
        ),
        (
            "journey",
            &["sql", "consent", "examples/ciam", "--dialect", "postgres"],
        ),
        (
            "source",
            &[
                "sql",
                "support_tickets",
                "examples/ciam",
                "--dialect",
                "trino",
            ],
        ),
        (
            "attributed_source",
            &[
                "sql",
                "fraud_cases__by_login_success",
                "examples/ciam",
                "--dialect",
                "duckdb",
            ],
        ),
        ("scorecard", &["sql", "scorecard", "examples/starter"]),
        (
            "integrity",
            &[
                "sql",
                "integrity",
                "examples/starter",
                "--dialect",
                "bigquery",
            ],
        ),
        (
            "pairs",
            &["sql", "pairs", "examples/starter", "--dialect", "snowflake"],
        ),
        (
            "view",
            &[
                "sql",
                "login",
                "examples/starter",
                "--view",
                "--dialect",
                "clickhouse",
            ],
        ),
        (
            "range",
            &[
                "sql",
                "login_success_rate",
                "examples/starter",
                "--start",
                "2026-03-01",
                "--end",
                "2026-03-08",
                "--as-of",
                "2026-03-07T12:30",
            ],
        ),
        (
            "range_not_whole_buckets",
            &[
                "sql",
                "login_success_rate",
                "examples/starter",
                "--start",
                "2026-03-01",
                "--end",
                "2026-03-08T06:00",
            ],
        ),
        (
            "unknown_item",
            &["sql", "login_sucess_rate", "examples/starter"],
        ),
        (
            "start_after_end",
            &[
                "sql",
                "login",
                "examples/starter",
                "--start",
                "2026-03-08",
                "--end",
                "2026-03-01",
            ],
        ),
        (
            "empty_range",
            &[
                "sql",
                "login",
                "examples/starter",
                "--start",
                "2026-03-08",
                "--end",
                "2026-03-08",
            ],
        ),
        (
            "view_with_range",
            &[
                "sql",
                "login",
                "examples/starter",
                "--view",
                "--start",
                "2026-03-01",
                "--end",
                "2026-03-08",
            ],
        ),
        (
            "not_a_time",
            &[
                "sql",
                "login",
                "examples/starter",
                "--start",
                "March",
                "--end",
                "2026-03-08",
            ],
        ),
        (
            "errors",
            &[
                "sql",
                "scorecard",
                "tests/fixtures/check/err_E0102_unknown_key.yaml",
            ],
        ),
        // Warnings go to stderr: stdout is only SQL.
        ("warnings", &["sql", "scorecard", WARNS]),
        (
            "warnings_json",
            &["sql", "integrity", WARNS, "--format", "json"],
        ),
    ];
    let expected_exit = |name: &str| match name {
        "errors" => 1,
        "unknown_item"
        | "start_after_end"
        | "empty_range"
        | "view_with_range"
        | "not_a_time"
        | "range_not_whole_buckets" => 2,
        _ => 0,
    };
    for (name, args) in cases {
        let (code, stdout, stderr) = scorec(args);
        assert_eq!(code, expected_exit(name), "{name}: {stderr}");
        if code == 0 {
            assert_eq!(stderr.is_empty(), !name.starts_with("warnings"), "{name}");
            let word = args
                .iter()
                .position(|a| *a == "--dialect")
                .map_or("duckdb", |i| args[i + 1]);
            let dialect = Dialect::parse(word).expect("dialect");
            let statements = parse(dialect, &stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(statements.len(), 1, "{name}");
        }
        insta::assert_snapshot!(format!("sql_{name}"), transcript(args));
    }
    // The range is written into the SQL, to the minute.
    let (_, stdout, _) = scorec(cases[8].1);
    assert!(
        stdout.contains(
            "-- Range [2026-03-01 00:00:00, 2026-03-08 00:00:00), watermark 2026-03-07 12:30:00.\n"
        ),
        "{stdout}"
    );
}

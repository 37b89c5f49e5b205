//! `fmt` and `convert` round trips: on every fixture that parses and on the
//! examples, YAML -> DSL -> YAML checks to the same model, and formatting is
//! idempotent.

use std::path::{Path, PathBuf};

use scorec::check;
use scorec::cli::fs::OsFs;
use scorec::load::{self, Loaded, Syntax};
use scorec::rewrite;

use crate::support;

/// A fresh folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("scorec-test-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_all(dir: &Path, outputs: &[rewrite::Output]) {
    for out in outputs {
        let path = dir.join(&out.relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &out.text).expect("write");
    }
}

fn root_of(dir: &Path, original: &Loaded, to: Syntax) -> PathBuf {
    let (id, _) = &original.documents[0];
    let name = &original.sources.get(*id).name;
    let relative = Path::new(name)
        .strip_prefix(&original.root_dir)
        .map_or_else(|_| PathBuf::from(name), Path::to_path_buf);
    dir.join(rewrite::switch_extension(&relative.to_string_lossy(), to))
}

/// Converts to `to`, checks the result, and returns its model text.
fn convert_and_check(loaded: &Loaded, to: Syntax, tag: &str) -> (String, Loaded) {
    let dir = TempDir::new(tag);
    write_all(&dir.0, &rewrite::convert(loaded, to));
    let root = root_of(&dir.0, loaded, to);
    let converted = load::load(&OsFs, &root);
    let checked = check::check(&converted, check::Options::default());
    let syntax_errors: Vec<_> = converted
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(
        syntax_errors.is_empty(),
        "{tag}: converted files do not parse: {syntax_errors:#?}"
    );
    (support::model_text(&checked), converted)
}

fn round_trip(path: &Path) {
    let (loaded, checked) = support::check(path);
    if loaded.diagnostics.iter().any(|d| d.is_error()) || checked.model.is_none() {
        return;
    }
    let original = support::model_text(&checked);
    let tag = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("x")
        .to_string();
    let (as_dsl, dsl_loaded) = convert_and_check(&loaded, Syntax::Dsl, &tag);
    support::assert_same_model(
        &original,
        &as_dsl,
        &format!("{}: YAML -> DSL", path.display()),
    );
    let (back, _) = convert_and_check(&dsl_loaded, Syntax::Yaml, &tag);
    support::assert_same_model(
        &original,
        &back,
        &format!("{}: DSL -> YAML", path.display()),
    );

    // Formatting is idempotent, and formatted files check to the same model.
    let formatted = rewrite::format(&loaded);
    let dir = TempDir::new(&format!("{tag}-fmt"));
    write_all(&dir.0, &formatted);
    let root = {
        let (id, _) = &loaded.documents[0];
        let name = &loaded.sources.get(*id).name;
        dir.0.join(
            Path::new(name)
                .strip_prefix(&loaded.root_dir)
                .unwrap_or(Path::new(name)),
        )
    };
    let reloaded = load::load(&OsFs, &root);
    let again = rewrite::format(&reloaded);
    for (first, second) in formatted.iter().zip(&again) {
        assert_eq!(
            first.text,
            second.text,
            "{}: fmt is not idempotent",
            first.relative.display()
        );
    }
    let rechecked = check::check(&reloaded, check::Options::default());
    support::assert_same_model(
        &original,
        &support::model_text(&rechecked),
        &format!("{}: fmt", path.display()),
    );
}

#[test]
fn fixtures_round_trip() {
    insta::glob!("fixtures/check/*.*", round_trip);
}

#[test]
fn examples_round_trip() {
    for example in ["examples/starter", "examples/ciam", "examples/ciam-dsl"] {
        round_trip(Path::new(example));
    }
}

#[test]
fn comments_survive_conversion_both_ways() {
    let (loaded, _) = support::check(Path::new("examples/starter"));
    let comments = |l: &Loaded| -> Vec<String> {
        l.documents
            .iter()
            .flat_map(|(_, d)| {
                let mut all = d
                    .header
                    .iter()
                    .flat_map(|h| h.comments.clone())
                    .collect::<Vec<_>>();
                all.extend(d.trailing_comments.clone());
                all
            })
            .collect()
    };
    let before = comments(&loaded);
    assert!(!before.is_empty(), "the starter has comments");
    let (_, dsl) = convert_and_check(&loaded, Syntax::Dsl, "comments");
    assert_eq!(before, comments(&dsl));
    let (_, yaml) = convert_and_check(&dsl, Syntax::Yaml, "comments-back");
    assert_eq!(before, comments(&yaml));
}

#[test]
fn the_mixed_example_and_the_dsl_example_are_the_same_scorecard() {
    let (_, mixed) = support::check(Path::new("examples/ciam"));
    let (_, dsl) = support::check(Path::new("examples/ciam-dsl"));
    assert!(mixed.diagnostics.is_empty(), "{:#?}", mixed.diagnostics);
    assert!(dsl.diagnostics.is_empty(), "{:#?}", dsl.diagnostics);
    support::assert_same_model(
        &support::model_text(&mixed),
        &support::model_text(&dsl),
        "examples/ciam vs examples/ciam-dsl",
    );
}

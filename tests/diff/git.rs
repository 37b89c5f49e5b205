//! `scorec diff` on a real git repository: a temporary repository with
//! several commits (a base, a loosened bound, a reformat, a converted file,
//! a broken scorecard), read through the object store.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder under the system temp dir, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("scorec-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs git in `dir` with a fixed identity and no user or system config.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=scorec tests",
            "-c",
            "user.email=tests@scorec.dev",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2026-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-03-01T12:00:00Z")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs scorec in `dir`: exit code, stdout, stderr.
fn scorec_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scorec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run scorec");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/diff/{name}.yaml")),
    )
    .expect("fixture")
}

/// The repository: `card/scorecard.yaml` in five commits, tagged v1..v5.
///
/// - v1: the base scorecard
/// - v2: two warn bounds loosened
/// - v3: v2 reformatted by `scorec fmt`
/// - v4: v3 converted to the DSL (`card/scorecard.scorec`)
/// - v5: a scorecard with an error
fn repository() -> TempDir {
    let repo = TempDir::new("diff-git");
    let dir = &repo.0;
    git(dir, &["init", "-q"]);
    let card = dir.join("card");
    std::fs::create_dir_all(&card).expect("mkdir");
    let commit = |tag: &str, message: &str| {
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", message]);
        git(dir, &["tag", tag]);
    };
    std::fs::write(card.join("scorecard.yaml"), fixture("base")).expect("write");
    commit("v1", "base");
    std::fs::write(card.join("scorecard.yaml"), fixture("threshold_loosened")).expect("write");
    commit("v2", "loosen two warn bounds");
    let (code, _, stderr) = scorec_in(dir, &["fmt", "card"]);
    assert_eq!(code, 0, "{stderr}");
    commit("v3", "scorec fmt");
    let (code, _, stderr) = scorec_in(dir, &["convert", "card", "--to", "dsl", "--out", "card"]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::remove_file(card.join("scorecard.yaml")).expect("rm");
    commit("v4", "convert to the DSL");
    std::fs::write(
        card.join("scorecard.scorec"),
        "scorecard broken {\n  min_sample 10\n}\njourney x tier nope {}\n",
    )
    .expect("write");
    commit("v5", "break it");
    // The working tree goes back to the v4 scorecard.
    git(dir, &["checkout", "-q", "v4", "--", "card"]);
    repo
}

#[test]
fn revisions_are_read_from_the_object_store() {
    let repo = repository();
    let dir = &repo.0;
    let status_before = git(dir, &["status", "--porcelain"]);

    // PATH OLD NEW: the loosened bounds, at the lines of the new version.
    let (code, stdout, stderr) =
        scorec_in(dir, &["diff", "card", "v1", "v2", "--dialect", "duckdb"]);
    assert_eq!(code, 0, "{stderr}");
    let commits: Vec<String> = ["v1", "v2"]
        .iter()
        .map(|t| git(dir, &["rev-parse", "--short=7", t]).trim().to_string())
        .collect();
    let stable = stdout
        .replace(&commits[0], "<v1>")
        .replace(&commits[1], "<v2>");
    insta::assert_snapshot!("git_v1_v2", stable);

    // PATH may be the root file; it need not exist in the working tree.
    let (code, stdout, stderr) = scorec_in(
        dir,
        &[
            "diff",
            "card/scorecard.yaml",
            "v1",
            "v2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["summary"]["loosened"], 2, "{stdout}");

    // A reformat and a conversion mean nothing.
    for (old, new) in [("v2", "v3"), ("v3", "v4"), ("v2", "v4")] {
        let (code, stdout, stderr) = scorec_in(
            dir,
            &[
                "diff",
                "card",
                old,
                new,
                "--fail-on",
                "any",
                "--dialect",
                "duckdb",
            ],
        );
        assert_eq!(code, 0, "{old}..{new}: {stdout}{stderr}");
        assert!(
            stdout.contains("no semantic change"),
            "{old}..{new}: {stdout}"
        );
    }

    // OLD against the working tree, from inside the scorecard's folder;
    // GitHub annotations name files from the top of the repository.
    let (code, stdout, stderr) = scorec_in(
        &dir.join("card"),
        &["diff", "v1", "--format", "github", "--fail-on", "loosened"],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    let text = std::fs::read_to_string(dir.join("card/scorecard.scorec")).expect("read");
    let line = text
        .lines()
        .position(|l| l.contains("< 92%"))
        .expect("bound")
        + 1;
    assert!(
        first.starts_with(&format!(
            "::warning file=card/scorecard.scorec,line={line},"
        )),
        "{first}"
    );
    assert!(
        stderr.contains("2 changes met --fail-on loosened"),
        "{stderr}"
    );

    // OLD NEW without PATH (the scorecard is in the current folder).
    let (code, stdout, _) = scorec_in(
        &dir.join("card"),
        &["diff", "v1", "HEAD~1", "--format", "json"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["summary"]["loosened"], 2);
    assert_eq!(v["old"]["label"], "v1");
    assert_eq!(v["new"]["label"], "HEAD~1");
    assert_eq!(v["new"]["path"], "card");

    // The working tree is untouched by reading revisions.
    let status = git(dir, &["status", "--porcelain"]);
    assert_eq!(
        status, status_before,
        "the diff changed the working tree or index"
    );
}

#[test]
fn git_problems_are_reported() {
    let repo = repository();
    let dir = &repo.0;
    let (code, stdout, stderr) = scorec_in(dir, &["diff", "card", "no-such-branch"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    insta::assert_snapshot!("git_unknown_revision", stderr);

    // A version with errors: the diff says which one and fails.
    let (code, _, stderr) = scorec_in(dir, &["diff", "card", "v4", "v5"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the new version (v5 ("), "{stderr}");
    assert!(stderr.contains("card/scorecard.scorec"), "{stderr}");

    // The scorecard does not exist at that revision (only on disk).
    std::fs::create_dir_all(dir.join("later")).expect("mkdir");
    std::fs::write(dir.join("later/scorecard.yaml"), fixture("base")).expect("write");
    let (code, _, stderr) = scorec_in(dir, &["diff", "later", "v1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the old version (v1 ("), "{stderr}");
    assert!(stderr.contains("cannot read `later`"), "{stderr}");

    // Outside a repository.
    let outside = super::git::TempDir::new("diff-nogit");
    std::fs::write(outside.0.join("scorecard.yaml"), fixture("base")).expect("write");
    let (code, _, stderr) = scorec_in(&outside.0, &["diff", "main"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[E0007]: the current folder is not in a git repository"),
        "{stderr}"
    );
}

//! Unit tests of the catalogs: the shipped files, their counts and short
//! names, user catalogs, and the `list`/`show` texts.

use super::*;
use crate::codes;

/// The `counts` section of a data file: numbers, or numbers by group.
#[derive(Deserialize)]
#[serde(untagged)]
enum Count {
    Number(usize),
    Groups(IndexMap<String, usize>),
}

#[derive(Deserialize)]
struct Counted {
    framework: String,
    #[serde(default)]
    counts: IndexMap<String, Count>,
}

/// How many controls a `counts` key of a catalog file counts. The keys
/// differ between files; each rule follows the file's `notes`.
fn counted(catalog: &Catalog, key: &str) -> usize {
    let controls = &catalog.controls;
    let by_kind = |kind: &str, withdrawn: Option<bool>| {
        controls
            .iter()
            .filter(|c| c.kind == kind && withdrawn.is_none_or(|w| c.withdrawn == w))
            .count()
    };
    match key {
        "entries_total" => controls.len(),
        "functions" => by_kind("function", Some(false)),
        "categories" | "categories_active" => by_kind("category", Some(false)),
        "subcategories" | "subcategories_active" => by_kind("subcategory", Some(false)),
        "categories_withdrawn" => by_kind("category", Some(true)),
        "subcategories_withdrawn" => by_kind("subcategory", Some(true)),
        "risks" | "threats" => by_kind("risk", None),
        "level_families" => by_kind("category", None),
        "levels" => by_kind("level", None),
        "principal_requirements" => controls.iter().filter(|c| c.parent.is_none()).count(),
        "req8_sections" => controls
            .iter()
            .filter(|c| c.parent.as_deref() == Some("8"))
            .count(),
        "req8_sub_requirements" => controls
            .iter()
            .filter(|c| c.id.starts_with("8.") && c.parent.as_deref().is_some_and(|p| p != "8"))
            .count(),
        other => panic!("{}: no rule for counts key `{other}`", catalog.framework),
    }
}

#[test]
fn every_builtin_catalog_parses_and_is_valid() {
    for b in BUILTINS {
        let raw: RawCatalog =
            serde_saphyr::from_str(b.text).unwrap_or_else(|e| panic!("{}: {e}", b.framework));
        assert_eq!(raw.framework, b.framework);
        let aliases = b.aliases.iter().map(|a| (*a).to_owned()).collect();
        if let Err(e) = Catalog::new(raw, true, aliases, b.scheme) {
            panic!("{}: {e}", b.framework);
        }
    }
    let crosswalk: Result<Crosswalk, _> = serde_saphyr::from_str(CROSSWALK);
    assert!(crosswalk.is_ok(), "{:?}", crosswalk.err());
}

#[test]
fn builtins_are_the_eleven_shipped_files() {
    let catalogs = Catalogs::builtin();
    let names: Vec<&str> = catalogs
        .catalogs()
        .iter()
        .map(|c| c.framework.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "nist-csf-2.0",
            "nist-sp-800-63-4",
            "pci-dss-4.0.1",
            "nist-ai-rmf-1.0",
            "owasp-top10-2025",
            "owasp-top10-2021",
            "owasp-nhi-top10-2025",
            "owasp-llm-top10-2025",
            "owasp-agentic-top10-2026",
            "owasp-agentic-threats",
        ]
    );
    assert_eq!(catalogs.crosswalk().framework, "nist-csf-1.1-to-2.0");
    assert!(catalogs.catalogs().iter().all(|c| c.builtin));
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/catalogs"))
        .expect("catalogs/ exists")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        })
        .count();
    assert_eq!(
        files,
        BUILTINS.len() + 1,
        "every catalogs/*.yaml is built in"
    );
}

#[test]
fn catalogs_have_the_counts_their_files_claim() {
    let catalogs = Catalogs::builtin();
    for b in BUILTINS {
        let file: Counted = serde_saphyr::from_str(b.text).expect("parses");
        let catalog = catalogs.find_catalog(&file.framework).expect("loaded");
        assert!(!file.counts.is_empty(), "{} has counts", file.framework);
        for (key, count) in &file.counts {
            let Count::Number(expected) = count else {
                panic!("{}: nested count `{key}`", file.framework);
            };
            assert_eq!(
                counted(catalog, key),
                *expected,
                "{}: {key}",
                file.framework
            );
        }
    }
    let file: Counted = serde_saphyr::from_str(CROSSWALK).expect("parses");
    let entries = &catalogs.crosswalk().entries;
    for (key, count) in &file.counts {
        match (key.as_str(), count) {
            ("entries", Count::Number(n)) => assert_eq!(entries.len(), *n),
            ("subcategories_1_1", Count::Number(n)) => {
                assert_eq!(
                    entries.iter().filter(|e| e.kind == "subcategory").count(),
                    *n
                );
            }
            ("categories_1_1", Count::Number(n)) => {
                assert_eq!(entries.iter().filter(|e| e.kind == "category").count(), *n);
            }
            ("by_kind_and_relation", Count::Groups(groups)) => {
                for (group, n) in groups {
                    let actual = entries
                        .iter()
                        .filter(|e| format!("{}/{}", e.kind, e.relation.as_str()) == *group)
                        .count();
                    assert_eq!(actual, *n, "crosswalk: {group}");
                }
            }
            _ => panic!("crosswalk: no rule for counts key `{key}`"),
        }
    }
}

#[test]
fn short_names_are_the_documented_ones() {
    let catalogs = Catalogs::builtin();
    let expected = [
        ("csf", "nist-csf-2.0"),
        ("nist-csf", "nist-csf-2.0"),
        ("owasp-nhi", "owasp-nhi-top10-2025"),
        ("nhi", "owasp-nhi-top10-2025"),
        ("owasp-llm", "owasp-llm-top10-2025"),
        ("owasp-agentic", "owasp-agentic-top10-2026"),
        ("owasp-agentic-threats", "owasp-agentic-threats"),
        ("owasp-agentic-threats-t1-t15", "owasp-agentic-threats"),
        ("owasp", "owasp-top10-2025"),
        ("owasp-top10", "owasp-top10-2025"),
        ("owasp-top10-2021", "owasp-top10-2021"),
        ("owasp-top10-2025", "owasp-top10-2025"),
        ("sp800-63", "nist-sp-800-63-4"),
        ("nist-800-63", "nist-sp-800-63-4"),
        ("pci", "pci-dss-4.0.1"),
        ("pci-dss", "pci-dss-4.0.1"),
        ("ai-rmf", "nist-ai-rmf-1.0"),
        ("CSF", "nist-csf-2.0"),
    ];
    for (name, framework) in expected {
        let found = catalogs.find_catalog(name).map(|c| c.framework.as_str());
        assert_eq!(found, Some(framework), "{name}");
    }
    let readme = include_str!("../../catalogs/README.md");
    let section = readme
        .split("## Short names scorec accepts")
        .nth(1)
        .expect("the README documents the short names");
    for c in catalogs.catalogs() {
        for alias in &c.aliases {
            assert!(
                section.contains(&format!("`{alias}`")),
                "README lacks `{alias}`"
            );
        }
    }
}

const USER: &str = "
framework: acme-controls
title: ACME internal identity controls
version: 3
aliases: [acme]
controls:
  - id: IAM
    title: Identity and access
    kind: domain
  - id: IAM-01
    title: Step-up before payment changes
    kind: control
    parent: IAM
    aliases: [STEPUP]
  - id: IAM-02
    title: Old recovery flow
    kind: control
    parent: IAM
    withdrawn: true
    replaced_by: [IAM-01]
";

#[test]
fn user_catalogs_resolve_like_builtins() {
    let mut catalogs = Catalogs::builtin();
    catalogs.add_user(USER).expect("valid user catalog");
    let acme = catalogs.find_catalog("ACME").expect("short name");
    assert!(!acme.builtin);
    assert_eq!(acme.version, "3");
    let r = catalogs.resolve("acme:iam-1").expect("resolves");
    assert_eq!(r.canonical(), "acme-controls:IAM-01");
    let r = catalogs.resolve("acme-controls:stepup").expect("alias");
    assert_eq!(r.control.id, "IAM-01");
    let e = catalogs.resolve("acme:IAM-02").expect_err("withdrawn");
    assert_eq!(e.help().as_deref(), Some("use `IAM-01` instead"));
}

#[test]
fn user_catalog_errors_say_what_is_wrong() {
    let mut catalogs = Catalogs::builtin();
    catalogs.add_user(USER).expect("valid");
    let other = USER
        .replace("acme-controls", "other")
        .replace("[acme]", "[]");
    let cases = [
        (
            "other",
            "acme-controls",
            "a catalog named `acme-controls` is already loaded",
        ),
        (
            "other",
            "NIST-CSF-2.0",
            "a catalog named `nist-csf-2.0` is already loaded",
        ),
        (
            "other",
            "with space",
            "the framework name `with space` must be non-empty",
        ),
        (
            "[]",
            "[csf]",
            "`csf` is already a short name of `nist-csf-2.0`",
        ),
        ("[]", "[o, O]", "the catalog gives the name `O` twice"),
        ("version: 3\n", "", "missing field `version`"),
        (
            "parent: IAM\n    aliases",
            "parnet: IAM\n    aliases",
            "unknown key `parnet` in control `IAM-01`",
        ),
        (
            "parent: IAM\n    aliases",
            "parent: IAX\n    aliases",
            "control `IAM-01` names parent `IAX`, which is not",
        ),
        (
            "id: IAM-02",
            "id: iam-01",
            "control `iam-01` is listed twice",
        ),
        (
            "id: IAM-02",
            "id: IAM-1",
            "`IAM-1` of control `IAM-1` cannot be told apart from control `IAM-01`",
        ),
        (
            "[IAM-01]",
            "[IAM-09]",
            "control `IAM-02` is replaced by `IAM-09`, which is not",
        ),
    ];
    let taken = catalogs.clone().try_add_user(USER).map(|_| ());
    assert!(matches!(taken, Err((codes::DUPLICATE_CATALOG, _))));
    for (from, to, expected) in cases {
        let text = other.replacen(from, to, 1);
        let error = catalogs.clone().add_user(&text).expect_err(expected);
        assert!(
            error.contains(expected),
            "expected `{expected}` in `{error}`"
        );
    }
}

#[test]
fn builtin_files_have_the_user_catalog_shape() {
    for b in BUILTINS {
        let text = b.text.replacen(
            &format!("framework: {}", b.framework),
            "framework: user-copy",
            1,
        );
        let mut catalogs = Catalogs::builtin();
        let added = catalogs.add_user(&text);
        assert!(added.is_ok(), "{}: {:?}", b.framework, added.err());
    }
}

#[test]
fn list_shows_every_catalog_and_the_crosswalk() {
    let catalogs = Catalogs::builtin();
    let text = catalogs.list_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + catalogs.catalogs().len() + 1);
    assert!(lines[0].starts_with("framework"));
    let csf = lines
        .iter()
        .find(|l| l.starts_with("nist-csf-2.0 "))
        .expect("csf row");
    // 6 functions + 22 categories + 106 subcategories; 12 + 79 withdrawn.
    assert!(
        csf.contains("csf, nist-csf") && csf.contains("134 (+91 withdrawn)"),
        "{csf}"
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("nist-csf-1.1-to-2.0") && l.contains("131 mappings"))
    );
}

#[test]
fn show_gives_a_tree_or_one_control() {
    let catalogs = Catalogs::builtin();
    let tree = catalogs.show_text("sp800-63").expect("a catalog");
    assert!(
        tree.contains("\nIAL  Identity Assurance Level\n  IAL1  Identity Assurance Level 1\n"),
        "{tree}"
    );
    let control = catalogs.show_text("csf:DE.AE-02").expect("a control");
    assert!(control.starts_with("DE.AE-02  Potentially adverse events"));
    assert!(control.contains("parent:   DE.AE  Adverse Event Analysis"));
    let withdrawn = catalogs
        .show_text("csf:PR.AC-04")
        .expect("withdrawn control");
    assert!(
        withdrawn.contains("status:   withdrawn; replaced by PR.AA-05"),
        "{withdrawn}"
    );
    let legacy = catalogs.show_text("csf:ID.GV-4").expect("legacy entry");
    assert!(
        legacy.contains("CSF 2.0:    GV.RM-04") && legacy.contains("confidence: medium"),
        "{legacy}"
    );
    assert!(catalogs.show_text("nist-csf-1.1-to-2.0").is_some());
    assert_eq!(catalogs.show_text("csf:PR.DS-09"), None);
    assert_eq!(catalogs.show_text("iso27001"), None);
}

#[test]
fn json_output_has_the_public_fields_only() {
    let catalogs = Catalogs::builtin();
    let nhi = catalogs.find_catalog("nhi").expect("loaded");
    let json = serde_json::to_value(nhi).expect("serialises");
    let keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "framework",
            "title",
            "version",
            "source",
            "builtin",
            "aliases",
            "controls"
        ]
    );
    assert_eq!(json["controls"][2]["id"], "NHI3:2025");
}

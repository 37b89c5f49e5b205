//! Unit tests of reference resolution: valid references, CSF 1.1 and
//! withdrawn IDs, editions, suggestions, and the key normalisation.

use std::sync::LazyLock;

use super::*;

static BUILTIN: LazyLock<Catalogs> = LazyLock::new(Catalogs::builtin);

fn resolve(reference: &str) -> Result<Resolved<'static>, RefError> {
    BUILTIN.resolve(reference)
}

fn error(reference: &str) -> RefError {
    match resolve(reference) {
        Ok(r) => panic!("`{reference}` resolved to `{}`", r.canonical()),
        Err(e) => e,
    }
}

/// Expected targets below are read from the data files, not from output.
#[test]
fn valid_references_resolve_to_the_catalog_id() {
    let cases = [
        ("csf:GV.OC-01", "nist-csf-2.0:GV.OC-01"),
        ("csf:DE.AE-02", "nist-csf-2.0:DE.AE-02"),
        ("csf:de.ae-02", "nist-csf-2.0:DE.AE-02"),
        ("NIST-CSF-2.0:DE.AE-02", "nist-csf-2.0:DE.AE-02"),
        (" csf : DE.AE-02 ", "nist-csf-2.0:DE.AE-02"),
        ("csf:GV", "nist-csf-2.0:GV"),
        ("csf:GV.OC", "nist-csf-2.0:GV.OC"),
        // Retained 1.1 IDs in their 1.1 spelling (crosswalk `relation: retained`).
        ("csf:DE.CM-1", "nist-csf-2.0:DE.CM-01"),
        ("csf:DE.AE-2", "nist-csf-2.0:DE.AE-02"),
        // Unpadded, but GOVERN is new in 2.0, so not a 1.1 ID.
        ("csf:GV.OC-1", "nist-csf-2.0:GV.OC-01"),
        ("sp800-63:IAL2", "nist-sp-800-63-4:IAL2"),
        ("sp800-63:AAL2", "nist-sp-800-63-4:AAL2"),
        ("nist-800-63:fal-3", "nist-sp-800-63-4:FAL3"),
        ("pci:8.4.2", "pci-dss-4.0.1:8.4.2"),
        ("pci-dss:8.3.10.1", "pci-dss-4.0.1:8.3.10.1"),
        ("owasp-nhi:NHI-03", "owasp-nhi-top10-2025:NHI3:2025"),
        ("owasp-nhi:NHI03", "owasp-nhi-top10-2025:NHI3:2025"),
        ("nhi:nhi3", "owasp-nhi-top10-2025:NHI3:2025"),
        ("owasp-nhi:NHI7", "owasp-nhi-top10-2025:NHI7:2025"),
        ("owasp-nhi:NHI3:2025", "owasp-nhi-top10-2025:NHI3:2025"),
        ("ai-rmf:MS-2.7", "nist-ai-rmf-1.0:MEASURE 2.7"),
        ("ai-rmf:MEASURE-2.7", "nist-ai-rmf-1.0:MEASURE 2.7"),
        ("ai-rmf:measure 2.7", "nist-ai-rmf-1.0:MEASURE 2.7"),
        ("ai-rmf:GOVERN_1.1", "nist-ai-rmf-1.0:GOVERN 1.1"),
        ("ai-rmf:MG", "nist-ai-rmf-1.0:MANAGE"),
        ("owasp-top10-2025:A03", "owasp-top10-2025:A03:2025"),
        ("owasp-top10-2021:A03", "owasp-top10-2021:A03:2021"),
        ("owasp:A03:2025", "owasp-top10-2025:A03:2025"),
        ("owasp:A03:2021", "owasp-top10-2021:A03:2021"),
        ("owasp-llm:LLM06", "owasp-llm-top10-2025:LLM06:2025"),
        ("owasp-agentic:ASI-1", "owasp-agentic-top10-2026:ASI01:2026"),
        ("owasp-agentic-threats:T-01", "owasp-agentic-threats:T1"),
    ];
    for (reference, expected) in cases {
        match resolve(reference) {
            Ok(r) => assert_eq!(r.canonical(), expected, "{reference}"),
            Err(e) => panic!("`{reference}`: {} ({:?})", e.message(), e.help()),
        }
    }
}

#[test]
fn csf_1_1_ids_name_their_csf_2_0_targets() {
    let e = error("csf:PR.AC-4");
    assert_eq!(e.code(), codes::LEGACY_CONTROL);
    assert_eq!(e.message(), "`PR.AC-4` is a CSF 1.1 identifier");
    assert_eq!(e.help().as_deref(), Some("in CSF 2.0 it is `PR.AA-05`"));
    let cases: [(&str, &[&str]); 4] = [
        ("csf:PR.AC-1", &["PR.AA-01", "PR.AA-05"]),
        ("csf:pr.ac-3", &["PR.AA-03", "PR.AA-05", "PR.IR-01"]),
        ("csf:DE.AE-5", &["DE.AE-08"]),
        ("nist-csf-1.1:PR.AC-4", &["PR.AA-05"]),
    ];
    for (reference, expected) in cases {
        let e = error(reference);
        assert!(
            matches!(&e, RefError::Legacy { to, .. } if to == expected),
            "{reference}: {e:?}"
        );
        let help = e.help().unwrap_or_default();
        assert!(
            expected.iter().all(|t| help.contains(&format!("`{t}`"))),
            "{help}"
        );
    }
    let e = error("csf:ID.GV-4");
    assert_eq!(
        e.help().as_deref(),
        Some("in CSF 2.0 it is `GV.RM-04` (mapping confidence: medium)")
    );
}

#[test]
fn withdrawn_csf_entries_name_their_replacements() {
    let cases: [(&str, &str, &[&str]); 3] = [
        ("csf:PR.AC-04", "PR.AC-04", &["PR.AA-05"]),
        ("csf:PR.AC", "PR.AC", &["PR.AA"]),
        ("csf:PR.IP", "PR.IP", &[]),
    ];
    for (reference, id, replaced) in cases {
        let e = error(reference);
        assert_eq!(e.code(), codes::WITHDRAWN_CONTROL, "{reference}");
        assert!(
            matches!(&e, RefError::Withdrawn { id: i, replaced_by, .. } if i == id && replaced_by == replaced),
            "{reference}: {e:?}"
        );
    }
    assert_eq!(
        error("csf:PR.AC-04").help().as_deref(),
        Some("use `PR.AA-05` instead")
    );
}

#[test]
fn unknown_controls_get_the_nearest_ids() {
    // GV.ME is not a CSF 2.0 category (GV has OC, RM, RR, PO, OV, SC), nor a 1.1 one.
    let e = error("csf:GV.ME");
    assert_eq!(e.code(), codes::UNKNOWN_CONTROL);
    let RefError::UnknownControl {
        nearest,
        no_edition,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(no_edition.as_deref(), Some("CSF"));
    assert_eq!(nearest.len(), 3);
    // GV.RM is the only category two edits away that shares a letter.
    assert_eq!(nearest[0], "GV.RM");
    assert!(
        nearest.iter().all(|n| n.starts_with("GV.") && n.len() == 5),
        "{nearest:?}"
    );

    // PR.DS-09 never existed; PR.DS-01 and -02 are the only valid IDs one edit away
    // (PR.DS-03 to -08 are withdrawn).
    let e = error("csf:PR.DS-09");
    assert_eq!(e.message(), "unknown control `PR.DS-09` in `nist-csf-2.0`");
    let help = e.help().unwrap_or_default();
    assert!(help.starts_with("`PR.DS-09` exists in no edition of CSF; the nearest controls are `PR.DS-01`, `PR.DS-02`, "), "{help}");

    let e = error("owasp:A11");
    assert!(
        matches!(&e, RefError::UnknownControl { no_edition: Some(f), .. } if f == "`owasp-top10`"),
        "{e:?}"
    );

    // The ID is elsewhere: another catalog, or another edition than the pinned one.
    let e = error("csf:IAL2");
    assert!(
        matches!(&e, RefError::UnknownControl { elsewhere, .. } if elsewhere == &["sp800-63:IAL2"]),
        "{e:?}"
    );
    let e = error("owasp-top10-2021:A03:2025");
    assert!(
        matches!(&e, RefError::UnknownControl { elsewhere, .. } if elsewhere == &["owasp:A03:2025"]),
        "{e:?}"
    );
}

#[test]
fn bare_owasp_ids_need_an_edition_when_several_are_loaded() {
    let e = error("owasp:A03");
    assert_eq!(e.code(), codes::AMBIGUOUS_EDITION);
    // A03:2025 is Software Supply Chain Failures, A03:2021 is Injection.
    assert_eq!(
        e.help().as_deref(),
        Some(
            "write `owasp:A03:2025` (Software Supply Chain Failures) or `owasp:A03:2021` (Injection)"
        )
    );
    for suggestion in ["owasp:A03:2025", "owasp:A03:2021"] {
        assert!(resolve(suggestion).is_ok());
    }
}

#[test]
fn a_second_edition_makes_a_short_name_ambiguous() {
    let mut catalogs = Catalogs::builtin();
    let older = "framework: owasp-llm-top10-2023\ntitle: OWASP LLM 2023\nversion: '2023'\n\
                     controls:\n  - {id: LLM06, title: Sensitive Information Disclosure, kind: risk}\n";
    catalogs.add_user(older).expect("valid");
    let e = catalogs
        .resolve("owasp-llm:LLM06")
        .expect_err("two editions");
    assert_eq!(e.code(), codes::AMBIGUOUS_EDITION);
    assert_eq!(
        e.help().as_deref(),
        Some(
            "write `owasp-llm:LLM06:2025` (Excessive Agency) or `owasp-llm-top10-2023:LLM06` (Sensitive Information Disclosure)"
        )
    );
}

#[test]
fn unknown_frameworks_and_malformed_references() {
    let e = error("owsap:A01");
    assert_eq!(e.code(), codes::UNKNOWN_FRAMEWORK);
    assert_eq!(e.message(), "unknown framework `owsap`");
    let help = e.help().unwrap_or_default();
    assert!(
        help.starts_with("did you mean `owasp`? the frameworks are `csf`, `sp800-63`, `pci`"),
        "{help}"
    );
    assert!(matches!(
        error("iso27001:A.5.1"),
        RefError::UnknownFramework {
            suggestion: None,
            ..
        }
    ));

    let e = error("DE.AE-02");
    assert_eq!(e.code(), codes::MALFORMED_MAPPING);
    assert_eq!(e.help().as_deref(), Some("did you mean `csf:DE.AE-02`?"));
    for reference in ["csf:", ":DE.AE-02", "", "  :  "] {
        assert_eq!(
            error(reference).code(),
            codes::MALFORMED_MAPPING,
            "{reference:?}"
        );
    }
}

/// Every 1.1 ID of the crosswalk: retained ones resolve to their 2.0 ID,
/// the others give E0403 with the crosswalk's targets. Every withdrawn
/// CSF 2.0 entry's replacements agree with the crosswalk.
#[test]
fn the_crosswalk_and_the_csf_catalog_agree() {
    let csf = BUILTIN.find_catalog("csf").expect("loaded");
    for entry in &BUILTIN.crosswalk().entries {
        for to in &entry.to {
            assert!(
                csf.control(to).is_some_and(|c| !c.withdrawn),
                "{}: target {to}",
                entry.from
            );
        }
        let result = resolve(&format!("csf:{}", entry.from));
        match (entry.relation, result) {
            (Relation::Retained, Ok(r)) => {
                assert_eq!(entry.to, std::slice::from_ref(&r.control.id))
            }
            (_, Err(RefError::Legacy { to, .. })) => assert_eq!(to, entry.to),
            // A 1.1 category spelled like the withdrawn 2.0 entry (PR.AC).
            (_, Err(RefError::Withdrawn { replaced_by, .. })) => {
                assert_eq!(replaced_by, entry.to)
            }
            (relation, other) => panic!("{} ({relation:?}): {other:?}", entry.from),
        }
    }
    for control in csf.controls.iter().filter(|c| c.withdrawn) {
        let entry = BUILTIN
            .crosswalk()
            .find(&control.id)
            .expect("withdrawn entry in crosswalk");
        assert_eq!(control.replaced_by, entry.to, "{}", control.id);
    }
}

/// Each control answers to its own ID and aliases, and never to another
/// control's.
#[test]
fn every_builtin_control_resolves_to_itself() {
    for catalog in BUILTIN.catalogs() {
        for control in &catalog.controls {
            for spelling in spellings(control) {
                let reference = format!("{}:{spelling}", catalog.framework);
                match resolve(&reference) {
                    Ok(r) => assert!(std::ptr::eq(r.control, control), "{reference}"),
                    Err(RefError::Withdrawn { id, .. }) => assert_eq!(id, control.id),
                    Err(e) => panic!("{reference}: {e:?}"),
                }
            }
        }
    }
}

#[test]
fn messages_follow_the_diagnostic_style() {
    let references = "csf:GV.ME csf:PR.AC-4 csf:PR.AC-04 csf:PR.IP csf:PR.DS-09 owasp:A03 \
            owsap:A01 DE.AE-02 csf: csf:foo csf-1.1:PR.AC-4 csf-1.1:PR.IP csf:ID.GV-4 csf:IAL2 \
            owasp-top10-2021:A03:2025 owasp:A11";
    for reference in references.split_whitespace() {
        let e = error(reference);
        for text in [Some(e.message()), e.help()].into_iter().flatten() {
            let first = text.chars().next().unwrap_or('a');
            assert!(first == '`' || first.is_lowercase(), "{reference}: {text}");
            assert!(!text.ends_with('.'), "{reference}: {text}");
        }
    }
}

#[test]
fn keys_ignore_case_separators_and_padding() {
    assert_eq!(key(Scheme::Generic, "nhi-03"), "NHI3");
    assert_eq!(key(Scheme::Generic, "NHI3:2025"), "NHI3:2025");
    assert_eq!(key(Scheme::Generic, "A.05.15"), "A.5.15");
    assert_eq!(key(Scheme::Generic, "Foo  bar"), "FOO-BAR");
    assert_eq!(
        key(Scheme::AiRmf, "ms_2.7"),
        key(Scheme::AiRmf, "MEASURE 2.7")
    );
    assert_eq!(key(Scheme::Csf, "pr.ac-4"), "PR.AC-4");
    assert_eq!(split_edition("A03:2025"), ("A03", Some("2025")));
    assert_eq!(family("owasp-top10-2021"), Some(("owasp-top10", "2021")));
    assert_eq!(family("nist-csf-2.0"), None);
}

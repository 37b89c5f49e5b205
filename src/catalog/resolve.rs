//! Resolution of `FRAMEWORK:ID` mapping references against the loaded
//! catalogs: ID normalisation, editions, CSF 1.1 legacy IDs, withdrawn
//! controls, and the errors with their suggestions.

use std::fmt::Write as _;

use crate::codes::{self, Code};

use super::{CSF_1_1_NAMES, Catalog, Catalogs, Control, LegacyEntry, Relation, backticked};

/// A reference that names a valid control.
#[derive(Clone, Copy, Debug)]
pub struct Resolved<'a> {
    /// The catalog the control belongs to.
    pub catalog: &'a Catalog,
    /// The control.
    pub control: &'a Control,
}

impl Resolved<'_> {
    /// The canonical spelling of the reference (`nist-csf-2.0:DE.AE-02`).
    pub fn canonical(&self) -> String {
        format!("{}:{}", self.catalog.framework, self.control.id)
    }
}

/// Why a mapping reference does not name a usable control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// The reference is not of the form `FRAMEWORK:ID`.
    Malformed {
        /// The reference as written.
        reference: String,
        /// A reference that would work, when the text is an ID of exactly
        /// one catalog.
        suggestion: Option<String>,
    },
    /// No loaded catalog has this framework name or short name.
    UnknownFramework {
        /// The framework as written.
        framework: String,
        /// The closest framework name or short name, if one is close.
        suggestion: Option<String>,
        /// One short name (or the framework name) per loaded catalog.
        short_names: Vec<String>,
    },
    /// The catalog has no control with this ID.
    UnknownControl {
        /// The catalog's framework name.
        framework: String,
        /// The ID as written.
        id: String,
        /// Set when the ID was looked up in every edition scorec knows of the
        /// framework (`CSF`, or a list's family name) and found in none.
        no_edition: Option<String>,
        /// References to other catalogs that do have this ID.
        elsewhere: Vec<String>,
        /// The catalog's controls whose IDs are closest, best first.
        nearest: Vec<String>,
    },
    /// A CSF 1.1 identifier that is not a CSF 2.0 ID.
    Legacy {
        /// The CSF 1.1 spelling (`PR.AC-4`).
        id: String,
        /// How it became its CSF 2.0 targets.
        relation: Relation,
        /// The CSF 2.0 IDs that took it over.
        to: Vec<String>,
        /// The crosswalk's confidence in the link (`high`, `medium`).
        confidence: String,
    },
    /// A control that its catalog lists as withdrawn.
    Withdrawn {
        /// The catalog's framework name.
        framework: String,
        /// The control's ID.
        id: String,
        /// The IDs that replace it.
        replaced_by: Vec<String>,
    },
    /// A bare ID that several loaded editions of one list define, under a
    /// framework name that does not pin the edition.
    AmbiguousEdition {
        /// The ID as written.
        id: String,
        /// The list's name without its edition year (`owasp-top10`).
        family: String,
        /// Per edition: a reference that pins it, and the control's title.
        candidates: Vec<(String, String)>,
    },
}

impl RefError {
    /// The diagnostic code.
    pub fn code(&self) -> Code {
        match self {
            RefError::Malformed { .. } => codes::MALFORMED_MAPPING,
            RefError::UnknownFramework { .. } => codes::UNKNOWN_FRAMEWORK,
            RefError::UnknownControl { .. } => codes::UNKNOWN_CONTROL,
            RefError::Legacy { .. } => codes::LEGACY_CONTROL,
            RefError::Withdrawn { .. } => codes::WITHDRAWN_CONTROL,
            RefError::AmbiguousEdition { .. } => codes::AMBIGUOUS_EDITION,
        }
    }

    /// The diagnostic message: lowercase start, no trailing period.
    pub fn message(&self) -> String {
        match self {
            RefError::Malformed { reference, .. } => {
                format!("`{reference}` is not a mapping of the form `FRAMEWORK:ID`")
            }
            RefError::UnknownFramework { framework, .. } => {
                format!("unknown framework `{framework}`")
            }
            RefError::UnknownControl { framework, id, .. } => {
                format!("unknown control `{id}` in `{framework}`")
            }
            RefError::Legacy { id, .. } => format!("`{id}` is a CSF 1.1 identifier"),
            RefError::Withdrawn { framework, id, .. } => {
                format!("`{id}` is withdrawn from `{framework}`")
            }
            RefError::AmbiguousEdition { id, family, .. } => {
                format!("`{id}` exists in several editions of `{family}`")
            }
        }
    }

    /// The diagnostic's help line, if there is something useful to say.
    pub fn help(&self) -> Option<String> {
        match self {
            RefError::Malformed {
                reference,
                suggestion,
            } => Some(match (suggestion, reference.split_once(':')) {
                (Some(s), _) => format!("did you mean `{s}`?"),
                (None, Some((framework, _))) if framework.trim().is_empty() => {
                    "name the framework before the colon, as in `csf:DE.AE-02`".to_owned()
                }
                (None, Some(_)) => {
                    "name the control after the colon, as in `csf:DE.AE-02`".to_owned()
                }
                (None, None) => {
                    "write the framework, a colon and the control ID, as in `csf:DE.AE-02`"
                        .to_owned()
                }
            }),
            RefError::UnknownFramework {
                suggestion,
                short_names,
                ..
            } => {
                let known = format!("the frameworks are {}", backticked(short_names));
                Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`? {known}"),
                    None => known,
                })
            }
            RefError::UnknownControl {
                framework,
                id,
                no_edition,
                elsewhere,
                nearest,
            } => {
                let mut parts = Vec::new();
                if let Some(label) = no_edition {
                    parts.push(format!("`{id}` exists in no edition of {label}"));
                }
                match nearest.as_slice() {
                    [] => {}
                    [one] => parts.push(format!("the nearest control is `{one}`")),
                    many => parts.push(format!("the nearest controls are {}", backticked(many))),
                }
                match elsewhere.as_slice() {
                    [] => {}
                    [one] => parts.push(format!("another catalog has it: `{one}`")),
                    many => parts.push(format!("other catalogs have it: {}", backticked(many))),
                }
                if nearest.is_empty() && elsewhere.is_empty() {
                    parts.push(format!(
                        "`scorec catalogs show {framework}` lists its controls"
                    ));
                }
                Some(parts.join("; "))
            }
            RefError::Legacy {
                id,
                relation,
                to,
                confidence,
            } => {
                let targets = backticked(to);
                let mut help = match (relation, to.len()) {
                    (_, 0) | (Relation::Withdrawn, _) => {
                        format!(
                            "it was withdrawn from CSF 2.0 without a replacement; `scorec catalogs show csf:{id}` shows where its subcategories went"
                        )
                    }
                    (Relation::MovedTo | Relation::Retained, 1) => {
                        format!("in CSF 2.0 it is {targets}")
                    }
                    (Relation::MovedTo | Relation::Retained, _) => {
                        format!("in CSF 2.0 it moved to {targets}")
                    }
                    (Relation::IncorporatedInto, _) => {
                        format!("in CSF 2.0 it was incorporated into {targets}")
                    }
                };
                if confidence != "high" {
                    let _ = write!(help, " (mapping confidence: {confidence})");
                }
                Some(help)
            }
            RefError::Withdrawn {
                framework,
                id,
                replaced_by,
            } => Some(match replaced_by.as_slice() {
                [] => format!(
                    "no replacement is named; `scorec catalogs show {framework}:{id}` shows what became of its parts"
                ),
                [one] => format!("use `{one}` instead"),
                many => format!("use {} instead", or_list(many)),
            }),
            RefError::AmbiguousEdition { candidates, .. } => {
                let choices: Vec<String> = candidates
                    .iter()
                    .map(|(reference, title)| format!("`{reference}` ({title})"))
                    .collect();
                Some(format!("write {}", choices.join(" or ")))
            }
        }
    }
}

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RefError {}

impl Catalogs {
    /// Resolves a mapping reference `FRAMEWORK:ID`, split at the first colon
    /// (OWASP IDs carry their own `:YYYY`). The framework is a framework name
    /// or short name, ignoring case; the ID is compared as
    /// `catalogs/README.md` ("Short names scorec accepts") describes.
    ///
    /// # Errors
    ///
    /// A [`RefError`] when the reference names no valid control; its code,
    /// message and help make the diagnostic.
    pub fn resolve(&self, reference: &str) -> Result<Resolved<'_>, RefError> {
        let parts = reference
            .split_once(':')
            .map(|(f, i)| (f.trim(), i.trim()))
            .filter(|(f, i)| !f.is_empty() && !i.is_empty());
        let Some((framework, id)) = parts else {
            return Err(self.malformed(reference));
        };
        let Some(catalog) = self.find_catalog(framework) else {
            return Err(self.unknown_framework(framework, id));
        };
        // Only the full framework name pins an edition: `owasp-top10-2025:A03`
        // is A03:2025, while `owasp:A03` may mean A03:2021 as well.
        let editions = if catalog.framework.eq_ignore_ascii_case(framework) {
            vec![catalog]
        } else {
            self.editions(catalog)
        };
        let found: Vec<Resolved<'_>> = editions
            .iter()
            .filter_map(|c| match c.lookup(id, self) {
                Lookup::Found(control) => Some(Resolved {
                    catalog: c,
                    control,
                }),
                _ => None,
            })
            .collect();
        match found.as_slice() {
            [one] => return Ok(*one),
            [_, _, ..] => return Err(ambiguous(framework, id, catalog, &found)),
            [] => {}
        }
        match catalog.lookup(id, self) {
            Lookup::Withdrawn(control) => Err(RefError::Withdrawn {
                framework: catalog.framework.clone(),
                id: control.id.clone(),
                replaced_by: control.replaced_by.clone(),
            }),
            Lookup::Legacy(entry) => Err(legacy(entry)),
            Lookup::Found(_) | Lookup::Missing => Err(self.unknown_control(catalog, id)),
        }
    }

    /// `catalog` and the other loaded editions of the same list (framework
    /// names equal but for the trailing year), `catalog` first.
    fn editions<'a>(&'a self, catalog: &'a Catalog) -> Vec<&'a Catalog> {
        let mut editions = vec![catalog];
        if let Some((family, _)) = family(&catalog.framework) {
            editions.extend(self.catalogs.iter().filter(|c| {
                !std::ptr::eq(*c, catalog)
                    && family_name(&c.framework).is_some_and(|f| f.eq_ignore_ascii_case(family))
            }));
        }
        editions
    }

    /// A short reference to a control for a suggestion: the catalog's
    /// shortest name, or its full name where a short name would not pin the
    /// edition.
    fn suggestion(&self, catalog: &Catalog, control: &Control) -> String {
        let pins = split_edition(&control.id).1.is_some() || self.editions(catalog).len() == 1;
        let name = if pins {
            catalog.short_name()
        } else {
            &catalog.framework
        };
        format!("{name}:{}", control.id)
    }

    fn malformed(&self, reference: &str) -> RefError {
        let text = reference.trim().trim_matches(':');
        let mut hits = self
            .catalogs
            .iter()
            .filter_map(|c| match c.lookup(text, self) {
                Lookup::Found(control) => Some(self.suggestion(c, control)),
                _ => None,
            });
        let suggestion = match (hits.next(), hits.next()) {
            (Some(one), None) if !text.is_empty() => Some(one),
            _ => None,
        };
        RefError::Malformed {
            reference: reference.to_owned(),
            suggestion,
        }
    }

    fn unknown_framework(&self, framework: &str, id: &str) -> RefError {
        let csf_1_1 = CSF_1_1_NAMES
            .iter()
            .chain([&self.crosswalk.framework.as_str()])
            .any(|n| n.eq_ignore_ascii_case(framework));
        if csf_1_1 && let Some(entry) = self.crosswalk.find(id) {
            return legacy(entry);
        }
        let lower = framework.to_lowercase();
        let names = self
            .catalogs
            .iter()
            .flat_map(|c| std::iter::once(&c.framework).chain(&c.aliases));
        let suggestion = names
            .filter_map(|name| {
                let name_lower = name.to_lowercase();
                let distance = strsim::damerau_levenshtein(&lower, &name_lower);
                let prefix = lower.len() >= 3 && name_lower.starts_with(&lower);
                let close = distance <= (lower.chars().count() / 3).max(1);
                (close || prefix).then_some((distance, name))
            })
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, name)| name.clone());
        let suggestion = suggestion.or_else(|| csf_1_1.then(|| "csf".to_owned()));
        RefError::UnknownFramework {
            framework: framework.to_owned(),
            suggestion,
            short_names: self
                .catalogs
                .iter()
                .map(|c| c.short_name().to_owned())
                .collect(),
        }
    }

    fn unknown_control(&self, catalog: &Catalog, id: &str) -> RefError {
        let editions = self.editions(catalog);
        let no_edition = if catalog.scheme == Scheme::Csf {
            // `lookup` found it neither in CSF 2.0 nor in the 1.1 crosswalk.
            Some("CSF".to_owned())
        } else if editions.len() > 1
            && editions
                .iter()
                .all(|c| matches!(c.lookup(id, self), Lookup::Missing))
        {
            family_name(&catalog.framework).map(|f| format!("`{f}`"))
        } else {
            None
        };
        let elsewhere = self
            .catalogs
            .iter()
            .filter(|c| !std::ptr::eq(*c, catalog))
            .filter_map(|c| match c.lookup(id, self) {
                Lookup::Found(control) => Some(self.suggestion(c, control)),
                _ => None,
            })
            .take(3)
            .collect();
        RefError::UnknownControl {
            framework: catalog.framework.clone(),
            id: id.to_owned(),
            no_edition,
            elsewhere,
            nearest: nearest(catalog, id),
        }
    }
}

/// How IDs of a catalog are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scheme {
    /// NIST CSF 2.0: ignoring case only, because zero padding tells a 2.0 ID
    /// (`PR.AC-04`) from a 1.1 one (`PR.AC-4`); legacy IDs go through the
    /// crosswalk.
    Csf,
    /// NIST AI RMF: like `Generic`, and `GV`/`MP`/`MS`/`MG` stand for the
    /// function names (`MS-2.7` is `MEASURE 2.7`).
    AiRmf,
    /// Ignoring case, separators between letters and digits, and zero
    /// padding: `NHI-03`, `nhi3` and `NHI3` are one key.
    Generic,
}

/// What an ID names in one catalog.
pub(super) enum Lookup<'a> {
    /// A valid control.
    Found(&'a Control),
    /// A control the catalog lists as withdrawn.
    Withdrawn(&'a Control),
    /// A CSF 1.1 ID that is not valid in CSF 2.0.
    Legacy(&'a LegacyEntry),
    /// Nothing.
    Missing,
}

impl Catalog {
    /// Looks one ID up in this catalog; the CSF catalog also consults the
    /// crosswalk of `catalogs`.
    pub(super) fn lookup<'a>(&'a self, id: &str, catalogs: &'a Catalogs) -> Lookup<'a> {
        let by_key = |k: &str| self.index.get(k).map(|&i| &self.controls[i]);
        let found = |c: &'a Control| {
            if c.withdrawn {
                Lookup::Withdrawn(c)
            } else {
                Lookup::Found(c)
            }
        };
        if let Some(control) = by_key(&key(self.scheme, id)) {
            return found(control);
        }
        if self.scheme != Scheme::Csf {
            return Lookup::Missing;
        }
        let upper = id.trim().to_uppercase();
        if let Some(entry) = catalogs.crosswalk.find(&upper) {
            // A retained ID in its 1.1 spelling (`DE.CM-1`) is the 2.0 ID.
            if let (Relation::Retained, [to]) = (entry.relation, entry.to.as_slice())
                && let Some(control) = by_key(&to.to_uppercase()).filter(|c| !c.withdrawn)
            {
                return Lookup::Found(control);
            }
            return Lookup::Legacy(entry);
        }
        // Not a 1.1 ID, so an unpadded spelling (`GV.OC-1`) can only mean the
        // padded 2.0 ID.
        match pad_csf(&upper).and_then(|padded| by_key(&padded)) {
            Some(control) => found(control),
            None => Lookup::Missing,
        }
    }
}

/// The normalised lookup key of an ID or alias.
pub(super) fn key(scheme: Scheme, id: &str) -> String {
    match scheme {
        Scheme::Csf => id.trim().to_uppercase(),
        Scheme::AiRmf => generic_key(&expand_ai_rmf(id)),
        Scheme::Generic => generic_key(id),
    }
}

/// Every spelling a control answers to: its ID, its aliases, and for an ID
/// with an edition suffix (`A03:2025`) the bare ID, which the edition logic
/// in `Catalogs::resolve` keeps from being ambiguous.
pub(super) fn spellings(control: &Control) -> impl Iterator<Item = &str> {
    let bare = match split_edition(&control.id) {
        (bare, Some(_)) => Some(bare),
        _ => None,
    };
    std::iter::once(control.id.as_str())
        .chain(control.aliases.iter().map(String::as_str))
        .chain(bare)
}

/// Upper case; a run of `-`, `_` or spaces between a letter and a digit
/// dropped and any other run made one `-`; leading zeros of numbers dropped.
fn generic_key(id: &str) -> String {
    let chars: Vec<char> = id.trim().to_uppercase().chars().collect();
    let is_sep = |c: char| c == '-' || c == '_' || c.is_whitespace();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_sep(c) {
            let mut j = i;
            while j < chars.len() && is_sep(chars[j]) {
                j += 1;
            }
            let after_letter = out.chars().last().is_some_and(char::is_alphabetic);
            let before_digit = chars.get(j).is_some_and(char::is_ascii_digit);
            if !(after_letter && before_digit) {
                out.push('-');
            }
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let digits: String = chars[i..j].iter().collect();
            let trimmed = digits.trim_start_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `MS-2.7` to `MEASURE-2.7`: the AI RMF's two-letter function abbreviations.
fn expand_ai_rmf(id: &str) -> String {
    let upper = id.trim().to_uppercase();
    let split = upper
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(upper.len());
    let (word, rest) = upper.split_at(split);
    let full = match word {
        "GV" => "GOVERN",
        "MP" => "MAP",
        "MS" => "MEASURE",
        "MG" => "MANAGE",
        _ => word,
    };
    format!("{full}{rest}")
}

/// `A03:2025` to (`A03`, Some(`2025`)); an ID without a year suffix is bare.
fn split_edition(id: &str) -> (&str, Option<&str>) {
    match id.rsplit_once(':') {
        Some((bare, year)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
            (bare, Some(year))
        }
        _ => (id, None),
    }
}

/// `owasp-top10-2025` to (`owasp-top10`, `2025`).
fn family(framework: &str) -> Option<(&str, &str)> {
    let (stem, year) = framework.rsplit_once('-')?;
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())).then_some((stem, year))
}

fn family_name(framework: &str) -> Option<&str> {
    family(framework).map(|(stem, _)| stem)
}

/// `PR.AA-5` to `PR.AA-05`.
fn pad_csf(upper: &str) -> Option<String> {
    let (head, number) = upper.split_once('-')?;
    (number.len() == 1 && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{head}-0{number}"))
}

fn legacy(entry: &LegacyEntry) -> RefError {
    RefError::Legacy {
        id: entry.from.clone(),
        relation: entry.relation,
        to: entry.to.clone(),
        confidence: entry.confidence.clone(),
    }
}

fn ambiguous(framework: &str, id: &str, catalog: &Catalog, found: &[Resolved<'_>]) -> RefError {
    let candidates = found
        .iter()
        .map(|r| {
            // A suffixed ID pins its edition under any name; a bare one only
            // under the edition's full name.
            let name = if split_edition(&r.control.id).1.is_some() {
                framework
            } else {
                &r.catalog.framework
            };
            (format!("{name}:{}", r.control.id), r.control.title.clone())
        })
        .collect();
    RefError::AmbiguousEdition {
        id: id.to_owned(),
        family: family_name(&catalog.framework)
            .unwrap_or(&catalog.framework)
            .to_owned(),
        candidates,
    }
}

/// Up to three valid controls of `catalog` whose IDs are closest to `id`:
/// fewest edits first, then the higher Jaro-Winkler similarity, then catalog
/// order. IDs too far away to be a typo are left out.
fn nearest(catalog: &Catalog, id: &str) -> Vec<String> {
    let query = key(catalog.scheme, id);
    let limit = (query.chars().count() / 2).max(2);
    let mut scored: Vec<(usize, f64, usize)> = catalog
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.withdrawn)
        .filter_map(|(i, c)| {
            spellings(c)
                .map(|s| {
                    let k = key(catalog.scheme, s);
                    (
                        strsim::levenshtein(&query, &k),
                        strsim::jaro_winkler(&query, &k),
                    )
                })
                .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
                .filter(|(distance, _)| *distance <= limit)
                .map(|(distance, similarity)| (distance, similarity, i))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, _, i)| catalog.controls[i].id.clone())
        .collect()
}

/// `a`, `b` or `c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!("{} or `{last}`", backticked(init)),
    }
}

#[cfg(test)]
mod tests;

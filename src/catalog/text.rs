//! The texts of `scorec catalogs list|show`: a table of the loaded catalogs,
//! a catalog as a tree, one control, and the CSF 1.1 to 2.0 crosswalk.

use std::fmt::Write as _;

use super::resolve::Scheme;
use super::{Catalog, Catalogs, Control, Crosswalk, LegacyEntry, RefError};

impl Catalogs {
    /// A table of the loaded catalogs and the crosswalk: framework, short
    /// names, version, number of controls, title.
    pub fn list_text(&self) -> String {
        let mut rows = vec![[
            "framework".to_owned(),
            "short names".to_owned(),
            "version".to_owned(),
            "controls".to_owned(),
            "title".to_owned(),
        ]];
        for c in &self.catalogs {
            let withdrawn = c.controls.iter().filter(|k| k.withdrawn).count();
            let mut count = (c.controls.len() - withdrawn).to_string();
            if withdrawn > 0 {
                let _ = write!(count, " (+{withdrawn} withdrawn)");
            }
            let title = if c.builtin {
                c.title.clone()
            } else {
                format!("{} (user catalog)", c.title)
            };
            rows.push([
                c.framework.clone(),
                dash_if_empty(c.aliases.join(", ")),
                c.version.clone(),
                count,
                title,
            ]);
        }
        let x = &self.crosswalk;
        rows.push([
            x.framework.clone(),
            "-".to_owned(),
            x.version.clone(),
            format!("{} mappings", x.entries.len()),
            format!("{} (used to explain CSF 1.1 IDs)", x.title),
        ]);
        table(&rows)
    }

    /// `scorec catalogs show`: given a framework name or short name, the
    /// catalog's controls as a tree; given `FRAMEWORK:ID`, that control (or
    /// the withdrawn control, or the CSF 1.1 entry it names). `None` when the
    /// text names nothing.
    pub fn show_text(&self, name_or_ref: &str) -> Option<String> {
        if let Some(catalog) = self.find_catalog(name_or_ref) {
            return Some(catalog_text(catalog));
        }
        if self
            .crosswalk
            .framework
            .eq_ignore_ascii_case(name_or_ref.trim())
        {
            return Some(crosswalk_text(&self.crosswalk));
        }
        match self.resolve(name_or_ref) {
            Ok(r) => Some(control_text(r.catalog, r.control)),
            Err(RefError::Withdrawn { framework, id, .. }) => {
                let catalog = self.find_catalog(&framework)?;
                let control = catalog.control(&id)?;
                Some(control_text(catalog, control))
            }
            Err(RefError::Legacy { id, .. }) => {
                let entry = self.crosswalk.find(&id)?;
                Some(legacy_text(self, entry))
            }
            Err(_) => None,
        }
    }
}

impl Catalog {
    /// The controls whose parent is `parent` (the roots for `None`), in order.
    fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Control> + 'a {
        self.controls
            .iter()
            .filter(move |c| match (c.parent.as_deref(), parent) {
                (None, None) => true,
                (Some(p), Some(q)) => p.eq_ignore_ascii_case(q),
                _ => false,
            })
    }
}

fn dash_if_empty(s: String) -> String {
    if s.is_empty() { "-".to_owned() } else { s }
}

/// Left-aligned columns separated by two spaces, no trailing spaces.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < N {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A catalog's header and its controls as a tree by parent.
fn catalog_text(catalog: &Catalog) -> String {
    let origin = if catalog.builtin {
        "built-in"
    } else {
        "user catalog"
    };
    let mut out = format!(
        "{}: {} (version {}, {origin})\n",
        catalog.framework, catalog.title, catalog.version
    );
    let _ = writeln!(
        out,
        "short names: {}",
        dash_if_empty(catalog.aliases.join(", "))
    );
    if !catalog.source.is_empty() {
        let _ = writeln!(out, "source: {}", catalog.source);
    }
    out.push('\n');
    // Controls whose parent is missing cannot occur: `check_links` rejects them.
    let mut stack: Vec<(&Control, usize)> = catalog.children(None).map(|c| (c, 0)).collect();
    stack.reverse();
    while let Some((control, depth)) = stack.pop() {
        let _ = write!(
            out,
            "{:indent$}{}  {}",
            "",
            control.id,
            control.title,
            indent = depth * 2
        );
        if control.withdrawn {
            out.push_str(&withdrawn_note(control));
        }
        out.push('\n');
        let mut children: Vec<_> = catalog
            .children(Some(&control.id))
            .map(|c| (c, depth + 1))
            .collect();
        children.reverse();
        stack.extend(children);
    }
    out
}

/// ` (withdrawn; replaced by A, B)`.
fn withdrawn_note(control: &Control) -> String {
    if control.replaced_by.is_empty() {
        " (withdrawn)".to_owned()
    } else {
        format!(
            " (withdrawn; replaced by {})",
            control.replaced_by.join(", ")
        )
    }
}

/// One control with its place in the catalog.
fn control_text(catalog: &Catalog, control: &Control) -> String {
    let mut out = format!("{}  {}\n", control.id, control.title);
    let _ = writeln!(
        out,
        "  catalog:  {} ({}, version {})",
        catalog.framework, catalog.title, catalog.version
    );
    let _ = writeln!(out, "  kind:     {}", control.kind);
    if let Some(parent) = &control.parent {
        let title = catalog
            .control(parent)
            .map(|p| p.title.as_str())
            .unwrap_or_default();
        let _ = writeln!(out, "  parent:   {parent}  {title}");
    }
    if !control.aliases.is_empty() {
        let _ = writeln!(out, "  aliases:  {}", control.aliases.join(", "));
    }
    let status = if control.withdrawn {
        withdrawn_note(control)
            .trim()
            .trim_matches(['(', ')'])
            .to_owned()
    } else {
        "active".to_owned()
    };
    let _ = writeln!(out, "  status:   {status}");
    let children: Vec<_> = catalog.children(Some(&control.id)).collect();
    if !children.is_empty() {
        out.push_str("  children:\n");
        for child in children {
            let mark = if child.withdrawn {
                withdrawn_note(child)
            } else {
                String::new()
            };
            let _ = writeln!(out, "    {}  {}{mark}", child.id, child.title);
        }
    }
    out
}

/// The crosswalk as a table of entries.
fn crosswalk_text(crosswalk: &Crosswalk) -> String {
    let mut out = format!(
        "{}: {} (version {}, built-in mapping)\nsource: {}\n\n",
        crosswalk.framework, crosswalk.title, crosswalk.version, crosswalk.source
    );
    let mut rows = vec![[
        "CSF 1.1".to_owned(),
        "relation".to_owned(),
        "CSF 2.0".to_owned(),
        "confidence".to_owned(),
    ]];
    for e in &crosswalk.entries {
        rows.push([
            e.from.clone(),
            e.relation.as_str().to_owned(),
            dash_if_empty(e.to.join(", ")),
            e.confidence.clone(),
        ]);
    }
    out.push_str(&table(&rows));
    out
}

/// One CSF 1.1 entry with the titles of its CSF 2.0 targets.
fn legacy_text(catalogs: &Catalogs, entry: &LegacyEntry) -> String {
    let x = &catalogs.crosswalk;
    let mut out = format!("{}  {}\n", entry.from, entry.from_title);
    let _ = writeln!(
        out,
        "  mapping:    {} (a CSF 1.1 ID, not valid in CSF 2.0 mappings)",
        x.framework
    );
    let _ = writeln!(out, "  kind:       {}", entry.kind);
    let _ = writeln!(out, "  relation:   {}", entry.relation.as_str());
    let csf = catalogs.catalogs.iter().find(|c| c.scheme == Scheme::Csf);
    for to in &entry.to {
        let title = csf
            .and_then(|c| c.control(to))
            .map(|c| c.title.as_str())
            .unwrap_or_default();
        let _ = writeln!(out, "  CSF 2.0:    {to}  {title}");
    }
    let _ = writeln!(out, "  note:       {}", entry.note);
    let _ = writeln!(out, "  confidence: {}", entry.confidence);
    out
}

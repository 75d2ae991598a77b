//! `brief list`: every annotation with its kind, sources, citations and value.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::annotate::figure::value_text;
use crate::diagnostics::Diagnostics;
use crate::scaffold::{load, resolve_quietly};

/// One annotation as `brief list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    /// The id.
    pub id: String,
    /// figure, quote or note.
    pub kind: &'static str,
    /// The slugs of its sources, in the order written.
    pub sources: Vec<String>,
    /// How many times the briefing cites it.
    pub cited: usize,
    /// For figures, the value as a reader reads it.
    pub value: Option<String>,
    /// The file and line of its id.
    pub at: String,
}

/// `brief list`: every annotation, in the order written.
pub fn list(root: &Path) -> Result<Vec<Listed>, Diagnostics> {
    let site = load(root)?;
    let resolved = resolve_quietly(&site);
    // By id, so the listing stays linear in the number of annotations.
    let citations: HashMap<&str, usize> = resolved
        .annotations
        .iter()
        .map(|r| (r.annotation.id.as_str(), r.citations))
        .collect();
    Ok(site
        .annotations
        .iter()
        .map(|a| {
            let mut sources: Vec<String> = Vec::new();
            for target in &a.targets {
                if !sources.contains(&target.source) {
                    sources.push(target.source.clone());
                }
            }
            Listed {
                id: a.id.clone(),
                kind: a.kind.as_str(),
                sources,
                cited: citations.get(a.id.as_str()).copied().unwrap_or(0),
                value: a.value.map(|v| value_text(v, a.unit)),
                at: format!("{}:{}", a.at.file.display(), a.at.line),
            }
        })
        .collect())
}

/// The listing as an aligned table, one annotation a line.
pub fn list_table(listed: &[Listed]) -> String {
    let rows: Vec<[String; 5]> =
        std::iter::once(["ID", "KIND", "SOURCES", "CITED", "VALUE"].map(str::to_string))
            .chain(listed.iter().map(|l| {
                [
                    l.id.clone(),
                    l.kind.to_string(),
                    l.sources.join(", "),
                    l.cited.to_string(),
                    l.value.clone().unwrap_or_default(),
                ]
            }))
            .collect();
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, &width)| format!("{cell:<width$}"))
                .collect();
            cells.join("  ").trim_end().to_string() + "\n"
        })
        .collect()
}

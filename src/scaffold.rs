//! The editor's helpers: `brief new annotation` and `brief suggest`.
//!
//! Both read the site like a build does and propose annotations that anchor by construction.
//! `new` appends one to an annotation file, keeping what is there (comments included), and
//! checks the result parses before writing it; `suggest` lists the figures and quotations of
//! the sources that no annotation covers yet, as YAML ready to paste.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use crate::annotate::anchor::{Anchoring, anchor};
use crate::annotate::figure;
use crate::annotate::fold::fold;
use crate::annotate::model::{self, Kind};
use crate::annotate::propose::{Proposal, propose};
use crate::annotate::resolve::{self, source_line};
use crate::content::{Source, is_slug};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::schema;
use crate::site::{self, BuildOptions, Site};

/// What `brief new annotation` is asked; its fields are the command's flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NewAnnotation {
    /// The source's slug (its file name in content/sources/ without .md).
    #[arg(long)]
    pub source: String,
    /// The exact words of the passage.
    #[arg(long)]
    pub quote: String,
    /// figure, quote or note [default: figure when the words state a number, else quote].
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// The id [default: made from the words].
    #[arg(long)]
    pub id: Option<String>,
    /// The annotation file, under content/annotations/ [default: content/annotations/<source>.yaml].
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Which match to take when the words occur more than once (from 1).
    #[arg(long)]
    pub occurrence: Option<usize>,
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `new` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The annotation file, relative to the root.
    pub file: PathBuf,
    /// The YAML appended.
    pub yaml: String,
}

/// Anchors the quote and appends the annotation; every problem is a diagnostic.
pub fn new_annotation(request: &NewAnnotation) -> Result<Written, Diagnostics> {
    let site = load(&request.root)?;
    let fail = |d: Diagnostic| -> Diagnostics { [d].into_iter().collect() };
    let source = site
        .sources
        .iter()
        .find(|s| s.slug == request.source)
        .ok_or_else(|| fail(resolve::unknown_source(&request.source, &site.sources)))?;
    let range = anchor_request(source, request).map_err(fail)?;
    let mut taken: HashSet<String> = site.annotations.iter().map(|a| a.id.clone()).collect();
    let text = &source.body.text.text;
    let mut proposal = propose(
        &source.slug,
        text,
        &fold(text),
        range,
        request.kind,
        &mut taken,
    );
    if let Some(id) = &request.id {
        check_id(id, &site).map_err(fail)?;
        proposal.id.clone_from(id);
    }
    let file = request
        .file
        .clone()
        .unwrap_or_else(|| Path::new("content/annotations").join(format!("{}.yaml", source.slug)));
    append(&request.root, &file, &proposal).map_err(fail)
}

fn load(root: &Path) -> Result<Site, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    match site::load(&options, &mut diagnostics) {
        Some(site) if !diagnostics.fails(false) => Ok(site),
        _ => Err(diagnostics),
    }
}

fn anchor_request(source: &Source, request: &NewAnnotation) -> Result<Range<usize>, Diagnostic> {
    let text = &source.body.text.text;
    match anchor(&fold(text), text, &request.quote, None, None) {
        Anchoring::Exact(range) => Ok(range),
        Anchoring::Ambiguous(candidates) => match request.occurrence {
            Some(n) if (1..=candidates.len()).contains(&n) => Ok(candidates[n - 1].range.clone()),
            _ => Err(resolve::ambiguous(source, &candidates).help(format!(
                "pass `--occurrence N` (1 to {}) to pick one of the matches above",
                candidates.len()
            ))),
        },
        Anchoring::NotFound(near) => Err(resolve::not_found(&request.quote, source, near.as_ref())),
    }
}

fn check_id(id: &str, site: &Site) -> Result<(), Diagnostic> {
    if !is_slug(id) {
        return Err(
            Diagnostic::error("E105", format!("`{id}` is not a valid annotation id"))
                .help("ids use lowercase letters, digits and dashes"),
        );
    }
    match site.annotations.iter().find(|a| a.id == id) {
        Some(existing) => Err(
            Diagnostic::error("E104", format!("the id `{id}` is used twice"))
                .note(format!(
                    "first used at {}:{}",
                    existing.at.file.display(),
                    existing.at.line
                ))
                .help("pick another `--id`, or leave it out to get one made from the words"),
        ),
        None => Ok(()),
    }
}

/// Appends `proposal` to `file`, turning a single-annotation file into a list first, and
/// writes only if the result parses. A new file starts with the schema modeline.
fn append(root: &Path, file: &Path, proposal: &Proposal) -> Result<Written, Diagnostic> {
    let inside = file.starts_with("content/annotations")
        && file.components().all(|c| matches!(c, Component::Normal(_)))
        && file.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !inside {
        return Err(Diagnostic::error(
            "E009",
            format!("`{}` is not an annotation file", file.display()),
        )
        .help("annotation files live under content/annotations/ and end in .yaml"));
    }
    let path = root.join(file);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(Diagnostic::error(
                "E009",
                format!("cannot read `{}`: {error}", file.display()),
            ));
        }
    };
    let yaml = proposal.to_yaml();
    let text = match &existing {
        Some(text) => format!("{}\n{yaml}", as_list(text).trim_end()),
        None => {
            ensure_schema(root)?;
            format!("{}\n{yaml}", modeline(file))
        }
    };
    model::parse_file(file, &text).map_err(|mut problems| problems.remove(0))?;
    let io = |error: std::io::Error| {
        Diagnostic::error(
            "E009",
            format!("cannot write `{}`: {error}", file.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let staging = path.with_extension("yaml.brief-new");
    std::fs::write(&staging, &text).map_err(io)?;
    std::fs::rename(&staging, &path).map_err(io)?;
    Ok(Written {
        file: file.to_path_buf(),
        yaml,
    })
}

/// The comment that points YAML language servers at the schema, relative to the file.
fn modeline(file: &Path) -> String {
    let depth = file.components().count().saturating_sub(1);
    format!(
        "# yaml-language-server: $schema={}{}\n",
        "../".repeat(depth),
        schema::COMMITTED_PATH
    )
}

/// A site made by hand may lack the schema the modeline points at.
fn ensure_schema(root: &Path) -> Result<(), Diagnostic> {
    let path = root.join(schema::COMMITTED_PATH);
    if path.exists() {
        return Ok(());
    }
    let io = |error: std::io::Error| {
        Diagnostic::error(
            "E009",
            format!("cannot write `{}`: {error}", schema::COMMITTED_PATH),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&path, schema::annotations_schema()).map_err(io)
}

/// A file holding one annotation (a mapping) becomes a one-item list, comments kept, so
/// another item can follow.
fn as_list(text: &str) -> String {
    let is_list = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_none_or(|l| l.starts_with('-'));
    if is_list {
        return text.to_string();
    }
    let mut started = false;
    text.lines()
        .map(|line| {
            let significant = !line.trim().is_empty()
                && !line.trim_start().starts_with('#')
                && line.trim() != "---";
            if !started && significant {
                started = true;
                format!("- {line}")
            } else if started && !line.is_empty() {
                format!("  {line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// `brief suggest`: the figures and quotations of the sources (or one) that no annotation
/// covers, as YAML with a comment giving each one's line.
pub fn suggest(root: &Path, only: Option<&str>) -> Result<String, Diagnostics> {
    let site = load(root)?;
    if let Some(slug) = only
        && !site.sources.iter().any(|s| s.slug == slug)
    {
        return Err([resolve::unknown_source(slug, &site.sources)]
            .into_iter()
            .collect());
    }
    let mut diagnostics = Vec::new();
    let resolved = resolve::resolve(
        site.annotations.clone(),
        &site.unloaded,
        &site.sources,
        &site.briefing,
        &mut diagnostics,
    );
    let mut taken: HashSet<String> = site.annotations.iter().map(|a| a.id.clone()).collect();
    let mut out = String::new();
    for (index, source) in site.sources.iter().enumerate() {
        if only.is_some_and(|slug| slug != source.slug) {
            continue;
        }
        let covered: Vec<Range<usize>> = resolved
            .annotations
            .iter()
            .flat_map(|a| &a.passages)
            .filter(|p| p.source == index)
            .map(|p| p.range.clone())
            .collect();
        let text = &source.body.text.text;
        let folded = fold(text);
        for range in candidates(text) {
            if covered
                .iter()
                .any(|c| c.start < range.end && range.start < c.end)
            {
                continue;
            }
            let proposal = propose(&source.slug, text, &folded, range.clone(), None, &mut taken);
            out.push_str(&format!(
                "# {}:{}\n{}",
                source.markdown.file.display(),
                source_line(source, range.start),
                proposal.to_yaml()
            ));
        }
    }
    Ok(out)
}

/// Figures, and quotations between double quotes, in reading order.
fn candidates(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = figure::find_figures(text)
        .into_iter()
        .map(|f| f.range)
        .collect();
    found.extend(quotations(text));
    found.sort_by_key(|r| (r.start, r.end));
    found
}

/// The text inside each pair of straight or curly double quotes, when it is more than two
/// words (shorter ones are scare quotes: "backer", "Stargate").
fn quotations(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (c, open) {
            ('"' | '\u{201c}', None) => open = Some(at + c.len_utf8()),
            ('"' | '\u{201d}', Some(start)) => {
                let inner = text[start..at].trim_end_matches([',', '.', ' ']);
                if inner.split_whitespace().count() > 2 && !inner.contains('\n') {
                    found.push(start..start + inner.len());
                }
                open = None;
            }
            ('\n', Some(_)) if text[at..].starts_with("\n\n") => open = None,
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_annotation_becomes_a_list_with_its_comments() {
        let text = "# mine\nid: a\nkind: note\nnote: |\n  two\n  lines\n";
        assert_eq!(
            as_list(text),
            "# mine\n- id: a\n  kind: note\n  note: |\n    two\n    lines\n"
        );
        assert_eq!(as_list("- id: a\n"), "- id: a\n");
    }

    #[test]
    fn quotations_skip_scare_quotes() {
        let text = "a \"backer\" said \"the most inspiring entrepreneur of our time,\" and more";
        let found: Vec<&str> = quotations(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["the most inspiring entrepreneur of our time"]);
    }

    #[test]
    fn modeline_is_relative_to_the_file() {
        assert_eq!(
            modeline(Path::new("content/annotations/a.yaml")),
            "# yaml-language-server: $schema=../../schema/annotations.schema.json\n"
        );
        assert_eq!(
            modeline(Path::new("content/annotations/x/a.yaml")),
            "# yaml-language-server: $schema=../../../schema/annotations.schema.json\n"
        );
    }
}

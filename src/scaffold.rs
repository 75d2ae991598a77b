//! `brief new annotation`: reads the site like a build does and appends an annotation that
//! anchors by construction to an annotation file, keeping what is there (comments included),
//! and checks the whole site with it before writing. `suggest` and `list` share its loading.
//!
//! The text edits of an annotation file are in `scaffold/edit.rs`; the safe write (the site's
//! lock, the re-check, the atomic rename) in `scaffold/write.rs`.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use crate::annotate::anchor::{Anchoring, anchor};
use crate::annotate::figure::Unit;
use crate::annotate::fold::fold;
use crate::annotate::model::{self, Kind};
use crate::annotate::problems::{self, SourceLines};
use crate::annotate::propose::{
    CLOSE_WORDING_BUDGET, Claims, Proposal, Repeat, context_of, propose,
};
use crate::annotate::resolve;
use crate::content::{Source, is_slug};
use crate::diagnostics::{Diagnostic, Diagnostics, closest_name};
use crate::site::{self, BuildOptions, Site};

mod edit;
mod write;

use edit::{as_list, is_only_comments, modeline, with_target};
pub(crate) use write::write_atomically;
use write::{ensure_schema, lock_site, recheck};

/// What `brief new annotation` is asked (the command's flags, `cli::args::NewAnnotationArgs`).
#[derive(Debug, Clone, Default)]
pub struct NewAnnotation {
    /// The source's slug (its file name in content/sources/ without .md).
    pub source: String,
    /// The exact words of the passage.
    pub quote: String,
    /// figure, quote or note [default: figure when the words state a number, else quote].
    pub kind: Option<Kind>,
    /// The id [default: made from the words].
    pub id: Option<String>,
    /// Add the words as one more target of this existing annotation, in its own file.
    pub add_to: Option<String>,
    /// Quotes: who said it.
    pub speaker: Option<String>,
    /// Figures: a short label for tables and the chart.
    pub label: Option<String>,
    /// The editor's note (Markdown).
    pub note: Option<String>,
    /// Figures: the number the words state [default: read from the words].
    pub value: Option<f64>,
    /// Figures: what the number counts (USD, jobs, percent...) [default: read from the words].
    pub unit: Option<String>,
    /// Annotate the words on their own even when they repeat a known claim of another source.
    pub separate: bool,
    /// The annotation file, under content/annotations/ [default: content/annotations/<source>.yaml].
    pub file: Option<PathBuf>,
    /// Which match to take when the words occur more than once (from 1).
    pub occurrence: Option<usize>,
    /// The site's folder.
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

/// Anchors the quote and appends the annotation (or, with `--add-to`, adds a target to an
/// existing one); every problem is a diagnostic. Runs hold a lock on the site from reading to
/// writing, so concurrent runs never lose each other's annotations.
pub fn new_annotation(request: &NewAnnotation) -> Result<Written, Diagnostics> {
    let fail = |d: Diagnostic| -> Diagnostics { [d].into_iter().collect() };
    let _lock = lock_site(&request.root).map_err(fail)?;
    let site = load(&request.root)?;
    let index = site
        .sources
        .iter()
        .position(|s| s.slug == request.source)
        .ok_or_else(|| fail(problems::unknown_source(&request.source, &site.sources)))?;
    let source = &site.sources[index];
    let range = anchor_request(source, request).map_err(fail)?;
    let mut taken: HashSet<String> = site.annotations.iter().map(|a| a.id.clone()).collect();
    let text = &source.body.text.text;
    let folded = fold(text);
    if let Some(id) = &request.add_to {
        let context = context_of(&folded, text, range.clone());
        let proposal = propose(&source.slug, text, range, None, context, &mut taken);
        return add_target(&request.root, &site, id, &proposal).map_err(fail);
    }
    if !request.separate {
        let resolved = resolve_quietly(&site);
        if let Some(repeat) = Claims::new(&resolved, &site.sources, CLOSE_WORDING_BUDGET)
            .repeats(index, &folded)
            .into_iter()
            .find(|r| r.range.start < range.end && range.start < r.range.end)
        {
            return Err(fail(repeated_claim(&repeat, source, request)));
        }
    }
    let context = context_of(&folded, text, range.clone());
    let mut proposal = propose(&source.slug, text, range, request.kind, context, &mut taken);
    if let Some(id) = &request.id {
        check_id(id, &site).map_err(fail)?;
        proposal.id.clone_from(id);
    }
    apply_overrides(&mut proposal, request).map_err(fail)?;
    let file = request
        .file
        .clone()
        .unwrap_or_else(|| Path::new("content/annotations").join(format!("{}.yaml", source.slug)));
    append(&request.root, &site, &file, &proposal).map_err(fail)
}

/// The request's `--speaker`, `--label`, `--note`, `--value` and `--unit` on the proposal.
fn apply_overrides(proposal: &mut Proposal, request: &NewAnnotation) -> Result<(), Diagnostic> {
    proposal.speaker.clone_from(&request.speaker);
    proposal.label.clone_from(&request.label);
    proposal.note.clone_from(&request.note);
    let unit = match &request.unit {
        Some(name) => Some(Unit::parse(name).ok_or_else(|| {
            Diagnostic::error("E113", format!("unknown unit `{name}`")).help(format!(
                "units: {}",
                Unit::CANONICAL
                    .iter()
                    .map(|u| u.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
        None => None,
    };
    if request.value.is_some() || unit.is_some() {
        let read = proposal.value;
        let value = request.value.or(read.map(|(v, _)| v));
        let unit = unit.or(read.map(|(_, u)| u));
        match (value, unit) {
            (Some(value), Some(unit)) => {
                proposal.kind = Kind::Figure;
                proposal.value = Some((value, unit));
            }
            _ => {
                return Err(
                    Diagnostic::error("E114", "a figure needs both a value and a unit").help(
                        "pass both `--value` and `--unit`: the words state no number brief reads",
                    ),
                );
            }
        }
    }
    Ok(())
}

/// The request's words repeat a known claim: the way to attach them instead.
fn repeated_claim(repeat: &Repeat, source: &Source, request: &NewAnnotation) -> Diagnostic {
    let alike = if repeat.similarity >= 1.0 {
        "the same words".to_string()
    } else {
        format!("{:.0}% alike", repeat.similarity * 100.0)
    };
    Diagnostic::error(
        "E107",
        format!("these words repeat the annotation `{}`", repeat.id),
    )
    .note(format!(
        "`{}` ({}) quotes `{}`; in `{}` at line {}: {}",
        repeat.id,
        repeat.kind.as_str(),
        repeat.from,
        source.slug,
        SourceLines::new(source).line(repeat.range.start),
        alike
    ))
    .help(format!(
        "attach them to it: `{}`; or pass `--separate` to annotate them on their own",
        add_to_command(&repeat.id, &source.slug, &request.quote)
    ))
}

/// The command that attaches `quote` of `slug` to annotation `id`.
pub(crate) fn add_to_command(id: &str, slug: &str, quote: &str) -> String {
    format!(
        "brief new annotation --add-to {id} --source {slug} --quote {}",
        shell_quote(quote)
    )
}

/// Single quotes keep `$`, backquotes and `"` literal in a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Resolves the site for the editor's helpers; its diagnostics are the build's business.
pub(crate) fn resolve_quietly(site: &Site) -> resolve::Resolved {
    resolve::resolve(
        site.annotations.clone(),
        &site.unloaded,
        &site.sources,
        &site.briefing,
        &mut Vec::new(),
    )
}

/// Adds `proposal`'s passage as one more target of annotation `id`, in that annotation's
/// file, keeping every other line as it is.
fn add_target(
    root: &Path,
    site: &Site,
    id: &str,
    proposal: &Proposal,
) -> Result<Written, Diagnostic> {
    let Some(existing) = site.annotations.iter().find(|a| a.id == id) else {
        let diagnostic = Diagnostic::error("E201", format!("there is no annotation `{id}`"));
        return Err(
            match closest_name(id, site.annotations.iter().map(|a| a.id.as_str())) {
                Some(name) => diagnostic.help(format!("did you mean `{name}`?")),
                None => diagnostic.help("`brief list` prints every annotation's id"),
            },
        );
    };
    let file = &existing.at.file;
    let text = site::read_text(root, file)?;
    let edited = with_target(&text, existing.at.line, proposal).ok_or_else(|| {
        Diagnostic::error(
            "E009",
            format!("cannot find where to add a target to `{id}`"),
        )
        .at(existing.at.clone())
        .help("add it by hand: a `targets:` list with one `- source:` and `quote:` per passage")
    })?;
    let added = model::parse_file(file, &edited)
        .map_err(|mut problems| problems.remove(0))?
        .into_iter()
        .find(|a| a.id == id)
        .is_some_and(|a| a.targets.len() == existing.targets.len() + 1);
    if !added {
        return Err(Diagnostic::error(
            "E009",
            format!("adding a target to `{id}` would change its file's meaning"),
        )
        .at(existing.at.clone())
        .help("add it by hand: a `targets:` list with one `- source:` and `quote:` per passage"));
    }
    recheck(site, file, &edited)?;
    write_atomically(root, file, &edited)?;
    Ok(Written {
        file: file.clone(),
        yaml: proposal.target_yaml(""),
    })
}

/// Loads the site like a build does, for the editor's commands; any error stops them.
pub(crate) fn load(root: &Path) -> Result<Site, Diagnostics> {
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
        Anchoring::Ambiguous(ambiguity) => {
            let listed = &ambiguity.candidates;
            match request.occurrence {
                Some(n) if (1..=listed.len()).contains(&n) => Ok(listed[n - 1].range.clone()),
                _ => Err(
                    problems::ambiguous(&SourceLines::new(source), &ambiguity).help(format!(
                        "pass `--occurrence N` (1 to {}) to pick one of the matches above",
                        listed.len()
                    )),
                ),
            }
        }
        // Not with the request's words, which come without a context: said as a build says it.
        Anchoring::OutOfContext(alone) => Err(problems::out_of_context(
            &SourceLines::new(source),
            "context",
            &alone,
        )),
        Anchoring::NotFound(near) => Err(problems::not_found(
            &request.quote,
            &SourceLines::new(source),
            near.as_ref(),
        )),
    }
}

fn check_id(id: &str, site: &Site) -> Result<(), Diagnostic> {
    if !is_slug(id) {
        return Err(model::invalid_id(id));
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

/// Appends `proposal` to `file`, a blank line after the last entry, turning a
/// single-annotation file into a list first, and writes only if the site still checks. A new
/// file starts with the schema modeline.
fn append(
    root: &Path,
    site: &Site,
    file: &Path,
    proposal: &Proposal,
) -> Result<Written, Diagnostic> {
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
        Some(text) if is_only_comments(text) => format!("{}\n{yaml}", text.trim_end()),
        Some(text) => format!("{}\n\n{yaml}", as_list(text).trim_end()),
        None => {
            ensure_schema(root)?;
            format!("{}\n{yaml}", modeline(file))
        }
    };
    recheck(site, file, &text)?;
    write_atomically(root, file, &text)?;
    Ok(Written {
        file: file.to_path_buf(),
        yaml,
    })
}

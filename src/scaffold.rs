//! `brief new annotation`: reads the site like a build does and appends an annotation that
//! anchors by construction to an annotation file, keeping what is there (comments included),
//! and checks the whole site with it before writing. `suggest` and `list` share its loading.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use crate::annotate::anchor::{Anchoring, anchor};
use crate::annotate::figure::Unit;
use crate::annotate::fold::fold;
use crate::annotate::model::{self, Kind};
use crate::annotate::problems::{self, source_line};
use crate::annotate::propose::{Proposal, Repeat, propose, repeats};
use crate::annotate::resolve;
use crate::content::{Source, is_slug};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, closest_name};
use crate::schema;
use crate::site::{self, BuildOptions, Site};

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
        let proposal = propose(&source.slug, text, &folded, range, None, &mut taken);
        return add_target(&request.root, &site, id, &proposal).map_err(fail);
    }
    if !request.separate {
        let resolved = resolve_quietly(&site);
        if let Some(repeat) = repeats(&resolved, &site.sources, index, &folded)
            .into_iter()
            .find(|r| r.range.start < range.end && range.start < r.range.end)
        {
            return Err(fail(repeated_claim(&repeat, source, request)));
        }
    }
    let mut proposal = propose(&source.slug, text, &folded, range, request.kind, &mut taken);
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

/// The lock file that serialises `brief new` runs on one site.
const LOCK_FILE: &str = ".brief-new.lock";

/// Waits for, then holds, the site's lock until the returned file is dropped.
fn lock_site(root: &Path) -> Result<std::fs::File, Diagnostic> {
    let io = |error: std::io::Error| {
        Diagnostic::error("E009", format!("cannot lock `{LOCK_FILE}`: {error}"))
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(LOCK_FILE))
        .map_err(io)?;
    file.lock().map_err(io)?;
    Ok(file)
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
        source_line(source, repeat.range.start),
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

/// The indentation of a line, in spaces.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `text` with `proposal` added to the targets of the annotation whose id is on line
/// `id_line` (from 1): appended to its `targets:` list, or, for the one-target shorthand, a
/// `targets:` list made of its `source`/`quote`/`prefix`/`suffix` lines (comments kept) and
/// the new one. `None` when the layout is not one this edit understands.
pub(crate) fn with_target(text: &str, id_line: usize, proposal: &Proposal) -> Option<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.last().is_some_and(|l| !l.ends_with('\n')) {
        lines.last_mut()?.push('\n');
    }
    let id_index = id_line.checked_sub(1)?;
    let keys = lines.get(id_index)?.find("id:")?;
    // The entry: from its `- ` line (or the file's start) to the first line indented less.
    let mut start = id_index;
    while start > 0 && !is_item_start(&lines[start], keys) {
        let previous = &lines[start - 1];
        if model::is_significant(previous)
            && indent(previous) < keys
            && !is_item_start(previous, keys)
        {
            break;
        }
        start -= 1;
    }
    let mut end = id_index + 1;
    while end < lines.len() && !(model::is_significant(&lines[end]) && indent(&lines[end]) < keys) {
        end += 1;
    }
    let key_at = |line: &str| -> Option<String> {
        let rest = line.get(keys..)?;
        let own = indent(line) == keys || is_item_start(line, keys);
        let name = rest.split(':').next()?;
        (own && rest.contains(':') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .then(|| name.to_string())
    };
    // Each key's lines: its own and the deeper ones after it.
    let span_end = |from: usize, list: bool| -> usize {
        let mut last = from + 1;
        let mut at = from + 1;
        while at < end {
            let line = &lines[at];
            if model::is_significant(line) {
                let deeper = indent(line) > keys
                    || (list && indent(line) == keys && line.trim_start().starts_with("- "));
                if !deeper {
                    break;
                }
                last = at + 1;
            }
            at += 1;
        }
        last
    };
    let pad = " ".repeat(keys);
    if let Some(targets) = (start..end).find(|&i| key_at(&lines[i]).as_deref() == Some("targets")) {
        let last = span_end(targets, true);
        let item = lines[targets + 1..last]
            .iter()
            .find(|l| l.trim_start().starts_with("- "))
            .map_or(keys + 2, |l| indent(l));
        lines.insert(last, proposal.target_yaml(&" ".repeat(item)));
        return Some(lines.concat());
    }
    let shorthand: Vec<(usize, usize)> = (start..end)
        .filter(|&i| {
            matches!(
                key_at(&lines[i]).as_deref(),
                Some("source" | "quote" | "prefix" | "suffix")
            )
        })
        .map(|i| (i, span_end(i, false)))
        .collect();
    let &(first, _) = shorthand.first()?;
    let mut moved = String::new();
    for (n, &(from, to)) in shorthand.iter().enumerate() {
        for (k, line) in lines[from..to].iter().enumerate() {
            if k == 0 {
                let marker = if n == 0 { "  - " } else { "    " };
                moved.push_str(&format!("{pad}{marker}{}", &line[keys..]));
            } else {
                moved.push_str(&format!("    {line}"));
            }
        }
    }
    moved.push_str(&proposal.target_yaml(&format!("{pad}  ")));
    let head = if is_item_start(&lines[first], keys) {
        format!("{}targets:\n", &lines[first][..keys])
    } else {
        format!("{pad}targets:\n")
    };
    for &(from, to) in shorthand.iter().rev() {
        lines.drain(from..to);
    }
    lines.insert(first, head + &moved);
    Some(lines.concat())
}

/// Whether `line` opens a list item whose keys start at column `keys`: `- key: ...`.
fn is_item_start(line: &str, keys: usize) -> bool {
    keys >= 2 && indent(line) == keys - 2 && line.trim_start().starts_with("- ")
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
        Anchoring::Ambiguous(candidates) => match request.occurrence {
            Some(n) if (1..=candidates.len()).contains(&n) => Ok(candidates[n - 1].range.clone()),
            _ => Err(problems::ambiguous(source, &candidates).help(format!(
                "pass `--occurrence N` (1 to {}) to pick one of the matches above",
                candidates.len()
            ))),
        },
        Anchoring::NotFound(near) => {
            Err(problems::not_found(&request.quote, source, near.as_ref()))
        }
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

fn is_only_comments(text: &str) -> bool {
    !text.lines().any(model::is_significant)
}

/// Checks the site as it would be with `file` holding `text`: the file parses and its
/// annotations anchor. Problems elsewhere are not this edit's.
fn recheck(site: &Site, file: &Path, text: &str) -> Result<(), Diagnostic> {
    let mut annotations =
        model::parse_file(file, text).map_err(|mut problems| problems.remove(0))?;
    annotations.extend(
        site.annotations
            .iter()
            .filter(|a| a.at.file != file)
            .cloned(),
    );
    let mut problems = Vec::new();
    resolve::resolve(
        annotations,
        &site.unloaded,
        &site.sources,
        &site.briefing,
        &mut problems,
    );
    match problems.into_iter().find(|d| {
        d.severity == Severity::Error && d.location.as_ref().is_some_and(|l| l.file == file)
    }) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Writes `text` to `file` under `root` through a staging file of its own (named after this
/// process), renamed over the file: a reader sees the old file or the new, never half.
fn write_atomically(root: &Path, file: &Path, text: &str) -> Result<(), Diagnostic> {
    let path = root.join(file);
    let io = |error: std::io::Error| {
        Diagnostic::error(
            "E009",
            format!("cannot write `{}`: {error}", file.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut staging = path.clone().into_os_string();
    staging.push(format!(".{}.brief-new", std::process::id()));
    std::fs::write(&staging, text).map_err(io)?;
    std::fs::rename(&staging, &path).map_err(|error| {
        let _ = std::fs::remove_file(&staging);
        io(error)
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
    if model::is_list(text) {
        return text.to_string();
    }
    let mut started = false;
    text.lines()
        .map(|line| {
            if !started && model::is_significant(line) {
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

    fn proposal(source: &str, quote: &str) -> Proposal {
        let mut taken = HashSet::new();
        let mut proposal = propose(
            source,
            quote,
            &fold(quote),
            0..quote.len(),
            None,
            &mut taken,
        );
        proposal.id = "unused".to_string();
        proposal
    }

    #[test]
    fn a_target_is_added_to_a_single_annotation_file_and_to_a_list() {
        let single =
            "# top\nid: a\nkind: quote\nsource: s # here\nquote: |\n  two\n  lines\nspeaker: X\n";
        assert_eq!(
            with_target(single, 2, &proposal("t", "said so")).as_deref(),
            Some(
                "# top\nid: a\nkind: quote\ntargets:\n  - source: s # here\n    quote: |\n      two\n      lines\n  - source: t\n    quote: \"said so\"\nspeaker: X\n"
            )
        );
        let list = "- id: a\n  kind: note\n  targets:\n  - source: s\n    quote: x\n- id: b\n  kind: note\n  source: s\n  quote: y";
        assert_eq!(
            with_target(list, 1, &proposal("t", "z")).as_deref(),
            Some(
                "- id: a\n  kind: note\n  targets:\n  - source: s\n    quote: x\n  - source: t\n    quote: \"z\"\n- id: b\n  kind: note\n  source: s\n  quote: y\n"
            )
        );
        let first_key = "- source: s\n  id: c\n  kind: note\n  quote: y\n";
        assert_eq!(
            with_target(first_key, 2, &proposal("t", "z")).as_deref(),
            Some(
                "- targets:\n    - source: s\n      quote: y\n    - source: t\n      quote: \"z\"\n  id: c\n  kind: note\n"
            )
        );
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

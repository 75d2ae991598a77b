//! Annotation files, as the editor writes them and as the build resolves them.
//!
//! A file holds one annotation or a list. Every value keeps its place in the file
//! (`Spanned`), so a wrong quote, a duplicate id or an unknown source is reported at the line
//! the editor must change.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::annotate::figure::Unit;
use crate::content::is_slug;
use crate::diagnostics::{Diagnostic, Location};
use crate::yaml;

mod entry;

use entry::check_entry;

/// What an annotation anchors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A number the source states; `value` and `unit` say which.
    Figure,
    /// Words someone said; `speaker` says who.
    Quote,
    /// A passage worth a comment.
    Note,
}

impl Kind {
    /// The name used in files and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Figure => "figure",
            Kind::Quote => "quote",
            Kind::Note => "note",
        }
    }
}

/// One target as written: a passage of one source.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TargetEntry {
    /// The slug of the source: its file name in content/sources/ without `.md`.
    #[schemars(with = "String")]
    source: Spanned<String>,
    /// The exact words as a reader sees them in the source (white space, quote styles and dashes do not matter).
    #[schemars(with = "String", length(min = 1))]
    quote: Spanned<String>,
    /// Text just before the quote, to pick one of several matches.
    prefix: Option<String>,
    /// Text just after the quote, to pick one of several matches.
    suffix: Option<String>,
}

/// One annotation as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnnotationEntry {
    /// Unique across the site; lowercase letters, digits and dashes. Cited as `[text](@id)`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9-]+$"))]
    id: Spanned<String>,
    /// What the passage is: a figure (a number), a quote (someone's words) or a note.
    #[schemars(with = "Kind")]
    kind: Spanned<Kind>,
    /// Shorthand for a single target: the source's slug.
    #[schemars(with = "Option<String>")]
    source: Option<Spanned<String>>,
    /// Shorthand for a single target: the exact words.
    #[schemars(with = "Option<String>")]
    quote: Option<Spanned<String>>,
    /// Shorthand for a single target: text just before the quote.
    prefix: Option<String>,
    /// Shorthand for a single target: text just after the quote.
    suffix: Option<String>,
    /// The same figure or quote in several sources (instead of source/quote).
    #[schemars(with = "Option<Vec<TargetEntry>>")]
    targets: Option<Spanned<Vec<TargetEntry>>>,
    /// Figures: the number every quote states, e.g. 500e9 for "$500 billion".
    #[schemars(with = "Option<f64>")]
    value: Option<Spanned<f64>>,
    /// Figures: USD, percent, year, years, jobs, sqft or count.
    #[schemars(with = "Option<String>")]
    unit: Option<Spanned<String>>,
    /// Quotes: who said it.
    speaker: Option<String>,
    /// A short label for tables, the timeline and the chart (default: the note's first line).
    label: Option<String>,
    /// Figures: drawn in the key-figures chart (the editor chooses what is compared).
    #[serde(default)]
    chart: bool,
    /// Markdown shown beside the passage and in the briefing; may cite other annotations.
    note: Option<String>,
    /// The quote runs on across a paragraph break on purpose (otherwise `brief check` warns).
    #[serde(default)]
    across_paragraphs: bool,
    /// The day, month or year of the event it states: YYYY-MM-DD, YYYY-MM or YYYY.
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}(-\d{2}(-\d{2})?)?$"))]
    date: Option<Spanned<String>>,
    /// The source's own words for that date ("the Friday before the inauguration").
    date_text: Option<String>,
}

/// An annotation file: one annotation or a list of them. Only its schema is used: parsing
/// picks the form from the first line, which keeps the values' locations.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum AnnotationFile {
    /// A list of annotations.
    Many(Vec<AnnotationEntry>),
    /// A single annotation.
    One(Box<AnnotationEntry>),
}

/// A target: the exact words of one source an annotation points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The source's slug.
    pub source: String,
    /// The words as the editor wrote them.
    pub quote: String,
    /// Text just before, to pick one of several matches.
    pub prefix: Option<String>,
    /// Text just after.
    pub suffix: Option<String>,
    /// Where the source slug is written.
    pub source_at: Location,
    /// Where the quote is written.
    pub quote_at: Location,
}

/// An annotation, checked for shape but not yet anchored.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// Unique across the site; `[a-z0-9-]+`.
    pub id: String,
    /// Figure, quote or note.
    pub kind: Kind,
    /// One or more passages.
    pub targets: Vec<Target>,
    /// For figures: the number the quotes state.
    pub value: Option<f64>,
    /// For figures: what the number counts.
    pub unit: Option<Unit>,
    /// For quotes: who said it.
    pub speaker: Option<String>,
    /// For figures: a short label for tables and the chart.
    pub label: Option<String>,
    /// For figures: drawn in the key-figures chart.
    pub chart: bool,
    /// Markdown shown beside the passage and in the briefing.
    pub note: Option<String>,
    /// Whether a quote may run across a paragraph break.
    pub across_paragraphs: bool,
    /// The date of the event it states, as precise as the source gives it.
    pub date: Option<crate::content::EventDate>,
    /// The source's own words for that date.
    pub date_text: Option<String>,
    /// Where the id is written.
    pub at: Location,
    /// Where `value` is written, for figure mismatches.
    pub value_at: Option<Location>,
}

/// Annotation files larger than this are refused: hand-written files are small, and a huge one
/// is a mistake (a pasted article, a generated dump) that would slow every build.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The error for an annotation file over [`MAX_FILE_BYTES`] (`bytes` long).
pub fn too_large(file: &Path, bytes: u64) -> Diagnostic {
    Diagnostic::error(
        "E111",
        format!(
            "this annotation file is {} KB; the limit is {} KB",
            bytes / 1024,
            MAX_FILE_BYTES / 1024
        ),
    )
    .at(Location::file_start(file))
    .help("split it into several files under content/annotations/; any names and sub-folders work")
}

/// What one annotation file gives: the entries that loaded and the problems of the others.
/// One bad entry costs only itself.
#[derive(Debug, Default)]
pub struct LoadedFile {
    /// The entries that are well formed.
    pub annotations: Vec<Annotation>,
    /// One or more problems per bad entry.
    pub problems: Vec<Diagnostic>,
    /// The ids of the bad entries, as far as they can be read: citations of them are not
    /// reported again as unknown.
    pub failed_ids: Vec<String>,
    /// Whether a bad entry's id could not be read: then any id may have been in this file.
    pub lost: bool,
}

/// Parses one annotation file; `file` is relative to the root. Fails if any entry is bad.
pub fn parse_file(file: &Path, text: &str) -> Result<Vec<Annotation>, Vec<Diagnostic>> {
    let loaded = load_file(file, text);
    if loaded.problems.is_empty() {
        Ok(loaded.annotations)
    } else {
        Err(loaded.problems)
    }
}

/// Parses one annotation file entry by entry: a list is cut at its top-level `- ` lines
/// before YAML sees it, so a tab, a typo'd key or a bad indentation in one entry leaves the
/// others loaded.
pub fn load_file(file: &Path, text: &str) -> LoadedFile {
    let mut loaded = LoadedFile::default();
    if text.len() > MAX_FILE_BYTES {
        loaded.problems.push(too_large(file, text.len() as u64));
        loaded.lost = true;
        return loaded;
    }
    for chunk in entry_chunks(text) {
        let parsed = if chunk.listed {
            yaml::parse::<Vec<AnnotationEntry>>(file, chunk.text, chunk.first_line)
        } else {
            yaml::parse::<AnnotationEntry>(file, chunk.text, chunk.first_line).map(|e| vec![e])
        };
        let mut problems = Vec::new();
        match parsed {
            Ok(entries) => {
                for entry in entries {
                    match check_entry(file, &chunk, entry) {
                        Ok(annotation) => loaded.annotations.push(annotation),
                        Err(mut found) => problems.append(&mut found),
                    }
                }
            }
            Err(problem) => problems.push(problem),
        }
        if !problems.is_empty() {
            match written_id(chunk.text) {
                Some(id) => loaded.failed_ids.push(id),
                None => loaded.lost = true,
            }
            loaded.problems.append(&mut problems);
        }
    }
    loaded
}

/// What the annotation files hold but could not load: their problems are reported once, and
/// citations of these ids are not reported again as unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unloaded {
    /// Ids of entries that did not load.
    pub ids: std::collections::HashSet<String>,
    /// Files that lost an entry whose id could not be read: any id may have been there.
    pub files: Vec<std::path::PathBuf>,
    /// Slugs of source files that exist but did not load: their own errors say why, so
    /// naming them (`source:`, `based_on:`) is not a second error.
    pub sources: std::collections::HashSet<String>,
}

/// The part of a file holding one entry.
struct Chunk<'a> {
    text: &'a str,
    /// The file's line the chunk starts on.
    first_line: usize,
    /// Whether the entry is an item of a list (`- id: ...`) rather than the whole file.
    listed: bool,
}

/// E105, for an id that is not `[a-z0-9-]+`; the caller places it.
pub(crate) fn invalid_id(id: &str) -> Diagnostic {
    let suggestion = crate::markdown::slugify(id);
    Diagnostic::error("E105", format!("`{id}` is not a valid annotation id"))
        .label("ids use lowercase letters, digits and dashes")
        .help(format!(
            "write it as `{suggestion}`; ids appear in URLs (`#ann-{suggestion}`)"
        ))
}

/// Whether an annotation file's text is a list of entries (or empty), not a single one.
pub(crate) fn is_list(text: &str) -> bool {
    significant_lines(text)
        .next()
        .is_none_or(|line| line.trim_start().starts_with('-'))
}

/// Cuts a list at the lines that start its items (a `-` at the list's own indentation);
/// comments before the first item go with it. A file that is not a list is one chunk.
fn entry_chunks(text: &str) -> Vec<Chunk<'_>> {
    let Some(first) = significant_lines(text).next() else {
        return Vec::new();
    };
    if !is_list(text) {
        return vec![Chunk {
            text,
            first_line: 1,
            listed: false,
        }];
    }
    let indent = first.len() - first.trim_start_matches(' ').len();
    let mut chunks = Vec::new();
    let (mut start, mut start_line, mut offset) = (0, 1, 0);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        // Bytes, not slices: `indent` may fall inside a character of another line (a BOM or
        // an accented letter in its indentation).
        let bytes = line.as_bytes();
        let starts_item = offset > 0
            && bytes.len() > indent
            && bytes[..indent].iter().all(|&b| b == b' ')
            && bytes[indent] == b'-'
            && matches!(bytes.get(indent + 1), None | Some(b' ' | b'\n' | b'\r'));
        if starts_item {
            chunks.push(Chunk {
                text: &text[start..offset],
                first_line: start_line,
                listed: true,
            });
            (start, start_line) = (offset, index + 1);
        }
        offset += line.len();
    }
    chunks.push(Chunk {
        text: &text[start..],
        first_line: start_line,
        listed: true,
    });
    chunks
}

/// The id an entry's text gives, read line by line without YAML, for an entry YAML or the
/// checks refused.
fn written_id(chunk: &str) -> Option<String> {
    chunk.lines().find_map(|line| {
        let key = line.trim_start().trim_start_matches("- ").trim_start();
        let value = key.strip_prefix("id:")?;
        let value = value.split(" #").next().unwrap_or_default().trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        is_slug(value).then(|| value.to_string())
    })
}

fn significant_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|line| is_significant(line))
}

/// Whether a line of an annotation file holds YAML: not blank, not a comment, not `---`.
pub(crate) fn is_significant(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && !line.starts_with('#') && line != "---"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Annotation>, Vec<Diagnostic>> {
        parse_file(Path::new("content/annotations/a.yaml"), text)
    }

    /// Regression (found by the `annotation_file` fuzz target): a list indented by four
    /// spaces, and a later line whose fourth byte falls inside a character (a BOM after three
    /// spaces), panicked while the file was cut into entries.
    #[test]
    fn a_character_across_the_list_indent_is_an_error_not_a_crash() {
        let text = "    - id: a\n      kind: note\n   \u{feff}quote: x\n    - id: b\n      kind: note\n      source: s\n      quote: y\n   \u{e9}\n";
        let loaded = load_file(Path::new("content/annotations/a.yaml"), text);
        assert!(
            !loaded.problems.is_empty(),
            "the stray characters are reported"
        );
        for problem in &loaded.problems {
            assert!(problem.location.is_some(), "{problem:?}");
        }
    }

    #[test]
    fn single_and_list_forms() {
        let one = parse("id: a\nkind: quote\nsource: s\nquote: \"x\"\n").expect("valid");
        assert_eq!(one.len(), 1);
        let many = parse("# comment\n- id: a\n  kind: note\n  source: s\n  quote: x\n- id: b\n  kind: figure\n  value: 500e9\n  unit: USD\n  targets:\n    - source: s\n      quote: $500 billion\n    - source: t\n      quote: $500bn\n").expect("valid");
        assert_eq!(many.len(), 2);
        assert_eq!(many[1].targets.len(), 2);
        assert_eq!(many[1].value, Some(500e9));
        assert_eq!(many[1].targets[1].quote_at.line, 14);
    }

    #[test]
    fn unknown_kind_suggests() {
        let errors = parse("id: a\nkind: qoute\nsource: s\nquote: x\n").expect_err("bad kind");
        assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(2));
        assert!(
            errors[0].help.as_deref().unwrap_or("").contains("`quote`"),
            "{:?}",
            errors[0]
        );
    }

    #[test]
    fn shape_errors() {
        let codes = |text: &str| -> Vec<&'static str> {
            parse(text)
                .expect_err(text)
                .iter()
                .map(|d| d.code)
                .collect()
        };
        assert_eq!(
            codes("id: Bad Id\nkind: note\nsource: s\nquote: x\n"),
            ["E105"]
        );
        assert_eq!(
            codes("id: a\nkind: note\nsource: s\nquote: \"  \"\n"),
            ["E108"]
        );
        assert_eq!(
            codes(
                "id: a\nkind: note\nsource: s\nquote: x\ntargets:\n  - source: s\n    quote: y\n"
            ),
            ["E109"]
        );
        assert_eq!(codes("id: a\nkind: note\nsource: s\n"), ["E110"]);
        assert_eq!(
            codes("id: a\nkind: figure\nsource: s\nquote: x\n"),
            ["E114"]
        );
        assert_eq!(
            codes("id: a\nkind: figure\nvalue: 1\nunit: dolars\nsource: s\nquote: x\n"),
            ["E113"]
        );
        assert_eq!(
            codes(&format!("# {}\n", "x".repeat(MAX_FILE_BYTES))),
            ["E111"]
        );
    }

    #[test]
    fn unknown_key_suggests() {
        let errors = parse("id: a\nkind: note\nsource: s\nqoute: x\n").expect_err("typo");
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `quote`?"));
    }
}

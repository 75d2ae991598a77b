//! Errors and warnings about the user's files, as data.
//!
//! Every stage of the build reports problems here instead of printing or failing on the first
//! one: a [`Diagnostic`] knows its file, line and column and the text of the offending line, so
//! it can be rendered once, at the edge, as `error: message`, `--> file:line:col`, the line, a
//! caret and an optional `help:` (through annotate-snippets, the renderer rustc uses), or as
//! JSON for editors' tools. A run collects all of them, sorted, before deciding to fail.

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use rayon::prelude::*;
use serde::Serialize;

/// How bad a problem is: errors fail the run, warnings only with `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The content is wrong; nothing is written.
    Error,
    /// The content is suspicious; written unless warnings are denied.
    Warning,
}

/// Where a problem is: a span on one line of a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, relative to the site root when it lies inside it.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of the offending line, without its line break.
    pub line_text: String,
    /// The byte range of the problem inside `line_text` (clipped to the line).
    pub span: Range<usize>,
}

impl Location {
    /// Locates the byte range `range` of `text`, the contents of `file`.
    ///
    /// A range running past the end of its first line is clipped to that line, so the caret
    /// always underlines what the reader sees; an empty range gets a one-character caret.
    pub fn from_range(file: &Path, text: &str, range: Range<usize>) -> Location {
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let line = text[..line_start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let span_start = (start - line_start).min(line_text.len());
        let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
        let span_end = (end - line_start).min(line_text.len());
        Location {
            file: file.to_path_buf(),
            line,
            column,
            line_text: line_text.to_string(),
            span: span_start..span_end,
        }
    }

    /// Locates a 1-based line and character column (as YAML parsers report them).
    pub fn from_line_column(file: &Path, text: &str, line: usize, column: usize) -> Location {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &text[line_start.min(text.len())..];
        let offset = rest
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .nth(column.saturating_sub(1))
            .map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |(i, _)| i);
        let start = line_start + offset;
        Location::from_range(file, text, start..start)
    }

    /// The start of a whole file, for problems that have no better place (a file that is not
    /// UTF-8, a missing file).
    pub fn file_start(file: &Path) -> Location {
        Location {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            line_text: String::new(),
            span: 0..0,
        }
    }
}

/// One problem found in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, explained by `brief explain CODE` and in `docs/errors.md`.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
    /// Where, when the problem is in a file.
    pub location: Option<Location>,
    /// A label under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Further facts worth knowing (each match of an ambiguous quote, say).
    pub notes: Vec<String>,
    /// Other places that belong to the problem (the first use of a duplicate id), each with
    /// its label.
    pub related: Vec<(Location, String)>,
}

impl Diagnostic {
    /// An error with a code and a message, to be given a place and a hint.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            label: None,
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// A warning with a code and a message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Places the problem.
    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    /// Adds the label shown under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Shows another place that belongs to the problem.
    pub fn also(mut self, location: Location, label: impl Into<String>) -> Diagnostic {
        self.related.push((location, label.into()));
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    fn sort_key(&self) -> (Option<(&Path, usize, usize)>, Severity, &str) {
        let place = self
            .location
            .as_ref()
            .map(|l| (l.file.as_path(), l.line, l.column));
        (place, self.severity, &self.message)
    }

    /// Renders the problem the way rustc does, with colour when `styled`.
    pub fn render(&self, styled: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let file = self
            .location
            .as_ref()
            .map(|l| l.file.display().to_string())
            .unwrap_or_default();
        let title = level.primary_title(self.message.as_str()).id(self.code);
        let mut group = Group::with_title(title);
        if let Some(location) = &self.location {
            let mut annotation = AnnotationKind::Primary.span(location.span.clone());
            if let Some(label) = &self.label {
                annotation = annotation.label(label.as_str());
            }
            group = group.element(
                Snippet::source(location.line_text.as_str())
                    .line_start(location.line)
                    .path(file.as_str())
                    .annotation(annotation),
            );
        }
        let related: Vec<(String, &Location, &String)> = self
            .related
            .iter()
            .map(|(l, label)| (l.file.display().to_string(), l, label))
            .collect();
        for (path, location, label) in &related {
            group = group.element(
                Snippet::source(location.line_text.as_str())
                    .line_start(location.line)
                    .path(path.as_str())
                    .annotation(
                        AnnotationKind::Context
                            .span(location.span.clone())
                            .label(label.as_str()),
                    ),
            );
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

impl Diagnostic {
    fn to_json(&self) -> serde_json::Value {
        let place = self.location.as_ref();
        let end = place.map(|l| {
            let chars = l
                .line_text
                .get(l.span.clone())
                .map_or(0, |s| s.chars().count());
            serde_json::json!({ "line": l.line, "column": l.column + chars.max(1) })
        });
        serde_json::json!({
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": place.map(|l| l.file.display().to_string().replace('\\', "/")),
            "line": place.map(|l| l.line),
            "column": place.map(|l| l.column),
            "end": end,
            "label": self.label,
            "help": self.help,
            "notes": self.notes,
            "related": self.related.iter().map(|(l, label)| serde_json::json!({
                "file": l.file.display().to_string().replace('\\', "/"),
                "line": l.line,
                "column": l.column,
                "label": label,
            })).collect::<Vec<_>>(),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every problem of a run, reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Arc<Problem>>,
}

/// One problem as a run holds it: shared, so that a rebuild which finds it again (the review
/// of an annotation that did not change) reports the very same value, whose fingerprint is
/// then made only once.
#[derive(Debug)]
pub struct Problem {
    diagnostic: Diagnostic,
    fingerprint: OnceLock<u64>,
}

impl Problem {
    /// The problem, to be shared.
    pub fn new(diagnostic: Diagnostic) -> Arc<Problem> {
        Arc::new(Problem {
            diagnostic,
            fingerprint: OnceLock::new(),
        })
    }

    /// A hash of everything the problem says, made once: problems of two runs are told apart
    /// by it, without keeping or comparing them whole (an archive's review holds tens of
    /// thousands).
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| {
            let mut hasher = DefaultHasher::new();
            self.diagnostic.hash(&mut hasher);
            hasher.finish()
        })
    }
}

impl std::ops::Deref for Problem {
    type Target = Diagnostic;

    fn deref(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

impl PartialEq for Problem {
    fn eq(&self, other: &Problem) -> bool {
        self.diagnostic == other.diagnostic
    }
}

impl Eq for Problem {}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(Problem::new(diagnostic));
    }

    /// Records many problems.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics.into_iter().map(Problem::new));
    }

    /// Records problems shared with an earlier run (see [`Problem`]).
    pub fn extend_shared(&mut self, problems: impl IntoIterator<Item = Arc<Problem>>) {
        self.items.extend(problems);
    }

    /// Whether any problem is an error, or (when `deny_warnings`) any problem at all.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.iter()
            .any(|d| d.severity == Severity::Error || deny_warnings)
    }

    /// The number of problems of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.iter().filter(|d| d.severity == severity).count()
    }

    /// The problems, sorted by file, line and column, so a run's report reads top to bottom
    /// and two runs report alike.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.iter().collect();
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items.dedup();
        items
    }

    /// The report of a run: every problem, or only the errors when `quiet`, rendered; empty
    /// when there is nothing to show.
    pub fn report(&self, quiet: bool, styled: bool) -> String {
        let mut shown = self.sorted();
        shown.retain(|d| !quiet || d.severity == Severity::Error);
        render_each(&shown, styled)
    }

    /// Renders every problem, one after another, separated by blank lines.
    pub fn render(&self, styled: bool) -> String {
        render_each(&self.sorted(), styled)
    }

    /// The stable JSON shape of `brief check --format json` (documented in docs/errors.md).
    pub fn to_json(&self) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self.sorted().iter().map(|d| d.to_json()).collect();
        serde_json::json!({
            "version": 1,
            "errors": self.count(Severity::Error),
            "warnings": self.count(Severity::Warning),
            "diagnostics": items,
        })
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().map(|problem| &problem.diagnostic)
    }

    /// The problems, shared, in the order found.
    pub fn problems(&self) -> &[Arc<Problem>] {
        &self.items
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// `problems` rendered in parallel (an archive's review can hold tens of thousands), joined in
/// their order by blank lines.
fn render_each(problems: &[&Diagnostic], styled: bool) -> String {
    let rendered: Vec<String> = problems
        .par_iter()
        .map(|d| d.render(styled) + "\n")
        .collect();
    rendered.join("\n")
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Diagnostics {
        Diagnostics {
            items: iter.into_iter().map(Problem::new).collect(),
        }
    }
}

/// A count with its noun, read right: "1 error", "2 errors", "0 warnings".
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The closest of `candidates` to `word`, for "did you mean" hints; none when nothing is close.
pub fn closest_name<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let text = "a: 1\nbé: 2\nc: 3\n";
        let at = text.find("2").expect("the text holds a 2");
        let location = Location::from_range(Path::new("f.yaml"), text, at..at + 1);
        assert_eq!((location.line, location.column), (2, 5));
        assert_eq!(location.line_text, "bé: 2");
        assert_eq!(&location.line_text[location.span.clone()], "2");
    }

    #[test]
    fn line_column_round_trips() {
        let text = "one\ntwo: é x\n";
        let location = Location::from_line_column(Path::new("f"), text, 2, 8);
        assert_eq!((location.line, location.column), (2, 8));
        assert_eq!(&location.line_text[location.span.start..], "x");
    }

    #[test]
    fn renders_file_line_caret_and_help() {
        let text = "title: x\ntitel: y\n";
        let diagnostic = Diagnostic::error("E003", "unknown key `titel`")
            .at(Location::from_range(Path::new("content/a.md"), text, 9..14))
            .label("not a front matter key")
            .help("did you mean `title`?");
        let rendered = diagnostic.render(false);
        assert!(
            rendered.starts_with("error[E003]: unknown key `titel`"),
            "{rendered}"
        );
        assert!(rendered.contains("--> content/a.md:2:1"), "{rendered}");
        assert!(rendered.contains("titel: y"), "{rendered}");
        assert!(rendered.contains("^^^^^"), "{rendered}");
        assert!(
            rendered.contains("help: did you mean `title`?"),
            "{rendered}"
        );
    }

    #[test]
    fn sorted_by_file_then_line() {
        let text = "a\nb\n";
        let at = |file: &str, line: usize| {
            Diagnostic::error("E009", format!("{file}:{line}")).at(Location::from_range(
                Path::new(file),
                text,
                (line - 1) * 2..(line - 1) * 2,
            ))
        };
        let all: Diagnostics = [at("b", 1), at("a", 2), at("a", 1)].into_iter().collect();
        let order: Vec<_> = all.sorted().iter().map(|d| d.message.clone()).collect();
        assert_eq!(order, ["a:1", "a:2", "b:1"]);
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(
            closest_name("titel", ["title", "outlet", "date"]),
            Some("title")
        );
        assert_eq!(closest_name("zzz", ["title", "outlet"]), None);
    }
}

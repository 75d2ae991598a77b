//! The editor's content: the briefing, the source articles and their front matter.
//!
//! Loading reads `content/index.md` and `content/sources/*.md`, checks every front matter
//! key (an unknown key is an error with a "did you mean", a typo must never pass silently) and
//! keeps each file's text, so later stages can report problems at their line.

mod event_date;
pub mod frontmatter;

pub use event_date::EventDate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::{self, Markdown, MarkdownOptions, ReaderText};
use crate::yaml;

/// Sources are shown as imported: no smart punctuation, raw HTML shown as text.
pub const SOURCE_MARKDOWN: MarkdownOptions = MarkdownOptions {
    smart_punctuation: false,
    allow_html: false,
};

/// The briefing is the editor's own prose: typographic punctuation, raw HTML allowed.
pub const BRIEFING_MARKDOWN: MarkdownOptions = MarkdownOptions {
    smart_punctuation: true,
    allow_html: true,
};

/// A calendar date, as front matter gives it (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year.
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
    /// 1 to the month's length.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Result<Date, String> {
        let invalid = || format!("`{text}` is not a date of the form YYYY-MM-DD");
        let parts: Vec<&str> = text.split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return Err(invalid());
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(invalid());
        }
        let (Ok(year), Ok(month), Ok(day)) =
            (year.parse::<u16>(), month.parse::<u8>(), day.parse::<u8>())
        else {
            return Err(invalid());
        };
        if !(1..=12).contains(&month) {
            return Err(format!(
                "`{text}` has month {month}; months run from 01 to 12"
            ));
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=days).contains(&day) {
            return Err(format!(
                "`{text}` has day {day}; that month has {days} days"
            ));
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What a source's front matter says about the article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceMeta {
    /// The article's headline.
    pub title: String,
    /// Who published it.
    pub outlet: String,
    /// When, if the text says.
    pub date: Option<Date>,
    /// The original article, for links and text fragments.
    pub url: Option<String>,
    /// BCP 47 language of this text.
    pub language: String,
    /// The language it was translated from, when it is a translation.
    pub translated_from: Option<String>,
    /// The seed file it was imported from.
    pub seed: Option<String>,
    /// The sources this one summarises, translates or republishes: it is not independent of
    /// them.
    pub based_on: Vec<String>,
    /// Where each of `based_on` is written, for errors.
    #[serde(skip)]
    pub based_on_at: Vec<Location>,
    /// Free values for themes.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// What the briefing's front matter says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefingMeta {
    /// The briefing's headline.
    pub title: String,
    /// A one-line summary, for the page description.
    pub description: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// When.
    pub date: Option<Date>,
    /// Free values for themes.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The front matter of `content/sources/<slug>.md`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceFront {
    /// The article's headline.
    title: String,
    /// Who published it.
    outlet: String,
    /// YYYY-MM-DD, or `unknown` when the source does not say.
    #[schemars(with = "String", regex(pattern = r"^(\d{4}-\d{2}-\d{2}|unknown)$"))]
    date: Spanned<String>,
    /// The original article (http or https), for links and text fragments.
    #[schemars(with = "Option<String>")]
    url: Option<Spanned<String>>,
    /// The BCP 47 language of this text; the site's language when absent.
    language: Option<String>,
    /// The language this text was translated from.
    translated_from: Option<String>,
    /// The seed file it was imported from.
    seed: Option<String>,
    /// Slugs of the sources this one summarises, translates or republishes.
    #[schemars(with = "Option<Vec<String>>")]
    based_on: Option<Vec<Spanned<String>>>,
    /// Free values for themes.
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// The front matter of `content/index.md`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefingFront {
    /// The briefing's headline.
    title: String,
    /// A one-line summary.
    description: Option<String>,
    /// Who wrote it.
    author: Option<String>,
    /// YYYY-MM-DD.
    #[schemars(with = "Option<String>")]
    date: Option<Spanned<String>>,
    /// Free values for themes.
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// A Markdown file of the content, with its text kept for locating problems.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownFile {
    /// The path relative to the site root, as diagnostics show it.
    pub file: PathBuf,
    /// The whole file.
    pub text: String,
    /// Where the Markdown body starts in `text`.
    pub body_offset: usize,
}

impl MarkdownFile {
    /// Keeps a file's text and parses its body, which starts at `body_offset`.
    fn parse(
        file: &Path,
        text: String,
        body_offset: usize,
        options: MarkdownOptions,
    ) -> Result<(MarkdownFile, Markdown), Vec<Diagnostic>> {
        let markdown = MarkdownFile {
            file: file.to_path_buf(),
            text,
            body_offset,
        };
        match markdown::parse(markdown.body(), options) {
            Ok(body) => Ok((markdown, body)),
            Err(too_many) => Err(vec![too_many_elements(
                markdown.locate_in_body(too_many.offset..too_many.offset),
            )]),
        }
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// Locates a byte range of the body.
    pub fn locate_in_body(&self, range: std::ops::Range<usize>) -> Location {
        Location::from_range(
            &self.file,
            &self.text,
            range.start + self.body_offset..range.end + self.body_offset,
        )
    }
}

/// Markdown over [`markdown::MAX_ELEMENTS`], at the place the limit was crossed.
pub fn too_many_elements(at: Location) -> Diagnostic {
    Diagnostic::error(
        "E030",
        format!(
            "this Markdown holds more than {} elements",
            markdown::MAX_ELEMENTS
        ),
    )
    .at(at)
    .label("the limit is crossed here")
    .help("split the text, or look for a run of `|`, `*` or `>` that makes thousands of table cells, emphases or quotes")
}

/// One source article.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file name without `.md`; the page is `sources/<slug>.html`.
    pub slug: String,
    /// The front matter.
    pub meta: SourceMeta,
    /// The file.
    pub markdown: MarkdownFile,
    /// What the build keeps of the parsed body.
    pub body: SourceBody,
}

/// What the build keeps of a source's parsed body for the whole run: the text a reader sees,
/// which annotations anchor against. Its Markdown events (several times the size of the
/// text, as owned strings and places) are not kept for a whole archive at once:
/// [`Source::parsed`] parses the body again for the one page that shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceBody {
    /// The reader text, with its map back to the Markdown.
    pub text: ReaderText,
}

impl Source {
    /// The body parsed again, events and all, for rendering its text. It parsed at load, and
    /// parsing is deterministic: the same events, the same reader text.
    pub fn parsed(&self) -> Markdown {
        markdown::parse(self.markdown.body(), SOURCE_MARKDOWN)
            .expect("a source's body parsed when it loaded, and parses the same again")
    }
}

/// The briefing, `content/index.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Briefing {
    /// The front matter.
    pub meta: BriefingMeta,
    /// The file.
    pub markdown: MarkdownFile,
    /// The parsed body.
    pub body: Markdown,
}

/// Whether a slug or id is safe in a file name and a URL fragment: `[a-z0-9-]+`.
pub fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The slug no source may have: `sources/index.html` lists every source.
pub const SOURCES_INDEX: &str = "index";

/// Parses a source article; `file` is relative to the root, `text` its contents.
pub fn parse_source(
    file: &Path,
    text: String,
    default_language: &str,
) -> Result<Source, Vec<Diagnostic>> {
    let slug = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let document = frontmatter::split(file, &text).map_err(|d| vec![d])?;
    let front: SourceFront =
        yaml::parse(file, document.front, document.front_line).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    if !is_slug(&slug) {
        problems.push(
            Diagnostic::error("E012", format!("`{slug}` is not a usable source name"))
                .at(Location::file_start(file))
                .help("name source files with lowercase letters, digits and dashes, like `cnbc-trump-call.md`"),
        );
    } else if slug == SOURCES_INDEX {
        problems.push(
            Diagnostic::error("E012", "`index` is not a usable source name: its page would replace the sources index, `sources/index.html`")
                .at(Location::file_start(file))
                .help("rename the file, like `index-article.md`, and the `source:` of its annotations"),
        );
    }
    let date = parse_date_or_unknown(
        file,
        document.front,
        document.front_line,
        &front.date,
        &mut problems,
    );
    let url = front.url.and_then(|url| {
        check_url(
            file,
            document.front,
            document.front_line,
            &url,
            &mut problems,
        )
    });
    let meta = SourceMeta {
        title: front.title,
        outlet: front.outlet,
        date,
        url,
        language: front
            .language
            .unwrap_or_else(|| default_language.to_string()),
        translated_from: front.translated_from,
        seed: front.seed,
        based_on_at: front
            .based_on
            .iter()
            .flatten()
            .map(|slug| {
                yaml::locate_value(file, document.front, document.front_line, &slug.referenced)
            })
            .collect(),
        based_on: front
            .based_on
            .into_iter()
            .flatten()
            .map(|slug| slug.value)
            .collect(),
        extra: front.extra,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let body_offset = document.body_offset;
    let (markdown, body) = MarkdownFile::parse(file, text, body_offset, SOURCE_MARKDOWN)?;
    Ok(Source {
        slug,
        meta,
        markdown,
        body: SourceBody { text: body.text },
    })
}

/// Parses the briefing.
pub fn parse_briefing(file: &Path, text: String) -> Result<Briefing, Vec<Diagnostic>> {
    let document = frontmatter::split(file, &text).map_err(|d| vec![d])?;
    let front: BriefingFront =
        yaml::parse(file, document.front, document.front_line).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let date = front.date.as_ref().and_then(|date| {
        parse_date(
            file,
            document.front,
            document.front_line,
            date,
            &mut problems,
        )
    });
    let meta = BriefingMeta {
        title: front.title,
        description: front.description,
        author: front.author,
        date,
        extra: front.extra,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let body_offset = document.body_offset;
    let (markdown, body) = MarkdownFile::parse(file, text, body_offset, BRIEFING_MARKDOWN)?;
    Ok(Briefing {
        meta,
        markdown,
        body,
    })
}

fn parse_date_or_unknown(
    file: &Path,
    front: &str,
    front_line: usize,
    date: &Spanned<String>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Date> {
    if date.value == "unknown" {
        return None;
    }
    parse_date(file, front, front_line, date, problems)
}

/// Parses a front matter date; a wrong one is reported at its value.
fn parse_date(
    file: &Path,
    front: &str,
    front_line: usize,
    date: &Spanned<String>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Date> {
    Date::parse(&date.value)
        .map_err(|message| problems.push(date_error(file, front, front_line, date, message)))
        .ok()
}

fn date_error(
    file: &Path,
    front: &str,
    front_line: usize,
    date: &Spanned<String>,
    message: String,
) -> Diagnostic {
    Diagnostic::error("E005", format!("invalid date: {message}"))
        .at(yaml::locate_value(file, front, front_line, &date.referenced))
        .label("not a real date")
        .help("write the date as YYYY-MM-DD, like 2025-01-22 (or `unknown` for a source that does not say)")
}

fn check_url(
    file: &Path,
    front: &str,
    front_line: usize,
    url: &Spanned<String>,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    if url.value.starts_with("https://") || url.value.starts_with("http://") {
        return Some(url.value.clone());
    }
    problems.push(
        Diagnostic::error("E013", "the url must be a web address")
            .at(yaml::locate_value(file, front, front_line, &url.referenced))
            .label("not an http(s) URL")
            .help("give the original article's address, starting with https://"),
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(Date::parse("2025-01-22").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("2025-13-40").is_err());
        assert!(Date::parse("22/01/2025").is_err());
    }

    #[test]
    fn bad_date_is_located_on_its_line() {
        let text = "---\ntitle: T\noutlet: O\ndate: 2025-13-40\n---\nbody\n".to_string();
        let errors =
            parse_source(Path::new("content/sources/a.md"), text, "en").expect_err("bad date");
        let location = errors[0].location.as_ref().expect("located");
        assert_eq!((errors[0].code, location.line), ("E005", 4));
    }

    /// A source page renders events parsed again: their reader text must be the one the
    /// annotations anchored against.
    #[test]
    fn parsed_again_the_body_has_the_kept_reader_text() {
        let text = "---\ntitle: T\noutlet: O\ndate: unknown\n---\n# A *head*\n\nSaid \"[$5 billion](https://x.org)\" and `code`.\n\n> quote\n\n```rust\nlet x = 1;\n```\n".to_string();
        let source = parse_source(Path::new("content/sources/a.md"), text, "en").expect("valid");
        let parsed = source.parsed();
        assert_eq!(parsed.text, source.body.text);
        assert!(parsed.events.len() > 10, "{:?}", parsed.events);
    }

    #[test]
    fn unknown_date_is_allowed() {
        let text = "---\ntitle: T\noutlet: O\ndate: unknown\n---\nbody\n".to_string();
        let source = parse_source(Path::new("content/sources/a.md"), text, "en").expect("valid");
        assert_eq!(source.meta.date, None);
        assert_eq!(source.markdown.body(), "body\n");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("cnbc-2025"));
        assert!(!is_slug("CNBC"));
        assert!(!is_slug("../x"));
        assert!(!is_slug(""));
    }
}

//! `brief import`: a seed text becomes `content/sources/<slug>.md`, faithfully.
//!
//! Faithful means every word and punctuation mark of the seed appears, in order, on the
//! rendered source page, and nothing turns into Markdown by accident: characters Markdown would
//! interpret (a leading `1.` or `#`, `*`, `_`, `<`, `[`...) are escaped. Two seed layouts are
//! recognised: one paragraph per line whose first line is the headline, and paragraphs
//! separated by blank lines opening with a ` date YYYY-MM-DD` marker, which becomes the date.

use std::path::{Path, PathBuf};

use crate::content::Date;
use crate::diagnostics::{Diagnostic, Location};
use crate::render::markdown::slugify;

/// A seed cut into what the front matter and the body need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The headline, or the opening sentence when the seed has none.
    pub title: String,
    /// From the ` date YYYY-MM-DD` marker.
    pub date: Option<Date>,
    /// The paragraphs, as written.
    pub paragraphs: Vec<String>,
}

/// How many words of the title make the slug: enough to read, short enough to type.
const SLUG_WORDS: usize = 8;

/// Reads the seed's layout.
pub fn read_article(seed: &str) -> Article {
    let (date, text) = split_date_marker(seed);
    let blank_separated = text.lines().any(|line| line.trim().is_empty());
    let mut paragraphs: Vec<String> = if blank_separated {
        text.split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        text.lines()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let title = match paragraphs.first() {
        Some(first) if is_headline(first) && paragraphs.len() > 1 => paragraphs.remove(0),
        Some(first) => first_sentence(first).to_string(),
        None => String::new(),
    };
    Article {
        title,
        date,
        paragraphs,
    }
}

fn split_date_marker(seed: &str) -> (Option<Date>, &str) {
    let trimmed = seed.trim_start();
    if let Some(rest) = trimmed.strip_prefix("date ")
        && let Some(candidate) = rest.get(..10)
        && let Ok(date) = Date::parse(candidate)
    {
        return (Some(date), &rest[10..]);
    }
    (None, seed)
}

/// A headline is a short first line that does not end like a sentence.
fn is_headline(line: &str) -> bool {
    line.chars().count() <= 200 && !line.ends_with(['.', '!', '"', '\u{201d}'])
}

fn first_sentence(paragraph: &str) -> &str {
    paragraph
        .find(". ")
        .map_or(paragraph, |end| &paragraph[..=end])
}

/// The slug of a title: its first words, lowercase ASCII, dashes.
pub fn slug(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().take(SLUG_WORDS).collect();
    let slug = slugify(&words.join(" "));
    if slug.is_empty() {
        "source".to_string()
    } else {
        slug
    }
}

/// Escapes what Markdown would interpret, so the text renders as written.
pub fn escape_markdown(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len() + 8);
    for (index, c) in paragraph.char_indices() {
        let at_start = index == 0;
        let needs = match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => true,
            '#' | '-' | '+' | '=' => at_start,
            '.' | ')' => paragraph[..index].chars().all(|d| d.is_ascii_digit()) && index > 0,
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The Markdown file for a seed: front matter (what the seed supports, `unknown` elsewhere)
/// and the escaped paragraphs.
pub fn source_markdown(article: &Article, seed_name: &str) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", quoted(&article.title)));
    out.push_str("outlet: unknown\n");
    match article.date {
        Some(date) => out.push_str(&format!("date: {date}\n")),
        None => out.push_str("date: unknown\n"),
    }
    out.push_str("language: en\n");
    out.push_str(&format!("seed: {}\n", quoted(seed_name)));
    out.push_str("---\n");
    for paragraph in &article.paragraphs {
        out.push('\n');
        out.push_str(&escape_markdown(paragraph));
        out.push('\n');
    }
    out
}

/// Imports each seed into `root/content/sources/`; returns the files written (relative to
/// `root`). An existing file is kept unless `force`: an editor's curation is not overwritten.
pub fn import(
    root: &Path,
    seeds: &[PathBuf],
    force: bool,
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for seed in seeds {
        match import_one(root, seed, force) {
            Ok(file) => written.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(written)
    } else {
        Err(problems)
    }
}

fn import_one(root: &Path, seed: &Path, force: bool) -> Result<PathBuf, Diagnostic> {
    let bytes = std::fs::read(seed).map_err(|error| {
        Diagnostic::error("E009", format!("cannot read `{}`: {error}", seed.display()))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error("E006", "this seed is not UTF-8 text")
            .at(Location::file_start(seed))
            .help("convert it to UTF-8 first, for example with `iconv -t UTF-8`")
    })?;
    let article = read_article(&text);
    let file = Path::new("content/sources").join(format!("{}.md", slug(&article.title)));
    let target = root.join(&file);
    if target.exists() && !force {
        return Err(
            Diagnostic::error("E015", format!("`{}` already exists", file.display()))
                .at(Location::file_start(&file))
                .help("it may hold an editor's curation; pass `--force` to overwrite it"),
        );
    }
    let seed_name = seed
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let io = |error: std::io::Error| {
        Diagnostic::error(
            "E009",
            format!("cannot write `{}`: {error}", file.display()),
        )
    };
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&target, source_markdown(&article, &seed_name)).map_err(io)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_per_paragraph_with_headline() {
        let article = read_article("A headline\nFirst paragraph.\nSecond one.");
        assert_eq!(article.title, "A headline");
        assert_eq!(article.paragraphs, ["First paragraph.", "Second one."]);
        assert_eq!(article.date, None);
    }

    #[test]
    fn date_marker_and_blank_lines() {
        let article =
            read_article(" date 2025-01-22 Lead sentence. More.\n\nSecond.\n\n\n\nThird.\n");
        assert_eq!(
            article.date.map(|d| d.to_string()).as_deref(),
            Some("2025-01-22")
        );
        assert_eq!(article.title, "Lead sentence.");
        assert_eq!(
            article.paragraphs,
            ["Lead sentence. More.", "Second.", "Third."]
        );
    }

    #[test]
    fn escapes_what_markdown_would_read() {
        assert_eq!(escape_markdown("1. Not a list"), "1\\. Not a list");
        assert_eq!(escape_markdown("# not a heading"), "\\# not a heading");
        assert_eq!(
            escape_markdown("a *b* _c_ <d> [e](f) & g"),
            "a \\*b\\* \\_c\\_ \\<d\\> \\[e\\](f) \\& g"
        );
        assert_eq!(escape_markdown("- dash"), "\\- dash");
        assert_eq!(escape_markdown("2025 was"), "2025 was");
    }

    #[test]
    fn slugs_from_titles() {
        assert_eq!(
            slug("OpenAI's new \"backer\"? Media: Trump spoke with Altman about AI infrastructure"),
            "openais-new-backer-media-trump-spoke-with-altman"
        );
    }
}

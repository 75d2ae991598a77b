//! `brief import`: an article becomes `content/sources/<slug>.md`, faithfully.
//!
//! Three kinds of file are read: a seed or plain text (`.txt`, anything else), Markdown
//! (`.md`), and an article page saved from a browser (`.html`). Faithful means every word and
//! punctuation mark of the article appears, in order, on the rendered source page, paragraph by
//! paragraph, and nothing turns into Markdown by accident: characters Markdown would interpret
//! (a leading `1.` or `#`, `*`, `_`, `<`, `[`...) are escaped. Two seed layouts are recognised:
//! one paragraph per line whose first line is the headline, and paragraphs separated by blank
//! lines opening with a ` date YYYY-MM-DD` marker, which becomes the date. A saved page goes
//! through `dom_smoothie`, a port of Firefox's Readability, for the article and its metadata.

use std::path::{Path, PathBuf};

use crate::content::{Date, SOURCES_INDEX, is_slug};
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::slugify;
use crate::scaffold::write_atomically;

/// An article cut into what the front matter and the body need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// The headline, or the opening sentence when the article has none.
    pub title: String,
    /// Whether `title` is a real headline (not made from the text).
    pub headline: bool,
    /// From the ` date YYYY-MM-DD` marker or the page's metadata.
    pub date: Option<Date>,
    /// The paragraphs, as written.
    pub paragraphs: Vec<String>,
    /// Whether the paragraphs are Markdown already (kept as they are, not escaped).
    pub markdown: bool,
    /// The publication, from the page's metadata.
    pub outlet: Option<String>,
    /// The original address, from the page's metadata.
    pub url: Option<String>,
    /// The language, from the page.
    pub language: Option<String>,
    /// The byline, from the page's metadata.
    pub author: Option<String>,
}

/// What the editor tells `brief import`, over what the file says.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The source's slug, its file name [default: from the headline, or the file name].
    pub slug: Option<String>,
    /// The title [default: the headline].
    pub title: Option<String>,
    /// The publication [default: from the page, else `unknown`].
    pub outlet: Option<String>,
    /// The original article's address.
    pub url: Option<String>,
    /// The publication date, YYYY-MM-DD [default: from the file, else `unknown`].
    pub date: Option<String>,
    /// The text's language (BCP 47) [default: from the page, else en].
    pub language: Option<String>,
    /// The language it was translated from.
    pub translated_from: Option<String>,
}

/// How many meaningful words of the headline make the slug: enough to read, short to type.
const SLUG_WORDS: usize = 5;

/// Words a slug leaves out.
const SLUG_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "with", "at", "by", "from", "is",
    "was", "were", "be", "has", "had", "have", "that", "this", "its", "his", "her",
];

/// A title made from the text (no headline) stops at a word boundary before this many
/// characters.
const TITLE_CHARS: usize = 90;

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
    let (title, headline) = match paragraphs.first() {
        Some(first) if is_headline(first) && paragraphs.len() > 1 => (paragraphs.remove(0), true),
        Some(first) => (short_title(first_sentence(first)), false),
        None => (String::new(), false),
    };
    Article {
        title,
        headline,
        date,
        paragraphs,
        ..Article::default()
    }
}

/// Reads Markdown: blocks separated by blank lines, kept as written; a first `# ` heading is
/// the headline.
pub fn read_markdown(text: &str) -> Article {
    let mut blocks: Vec<String> = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|b| b.trim_matches('\n').to_string())
        .filter(|b| !b.trim().is_empty())
        .collect();
    let heading = blocks
        .first()
        .and_then(|b| b.strip_prefix("# "))
        .filter(|h| !h.contains('\n'))
        .map(|h| h.trim().to_string());
    let (title, headline) = match heading {
        Some(heading) => {
            blocks.remove(0);
            (heading, true)
        }
        None => (
            blocks
                .first()
                .map_or_else(String::new, |b| short_title(first_sentence(b))),
            false,
        ),
    };
    Article {
        title,
        headline,
        paragraphs: blocks,
        markdown: true,
        ..Article::default()
    }
}

/// The block elements whose text makes the paragraphs of an extracted article.
const BLOCKS: &str = "p, h1, h2, h3, h4, h5, h6, li, pre, blockquote, figcaption";

/// Reads a saved article page: Readability finds the article and its metadata (`og:` and
/// `article:` meta tags, JSON-LD `NewsArticle`), `<time datetime>` the date when they do
/// not say. Each block element of the article is a paragraph, its white space collapsed as a
/// browser shows it.
pub fn read_page(html: &str) -> Result<Article, String> {
    let page = dom_query::Document::from(html);
    let time = page
        .select("time[datetime]")
        .attr("datetime")
        .map(|t| t.to_string());
    let mut readability =
        dom_smoothie::Readability::new(html, None, None).map_err(|error| error.to_string())?;
    let found = readability.parse().map_err(|error| error.to_string())?;
    let content = dom_query::Document::from(found.content.as_ref());
    let paragraphs: Vec<String> = content
        .select(BLOCKS)
        .nodes()
        .iter()
        .filter(|node| !node.ancestors_it(None).any(|a| a.is(BLOCKS)))
        .map(|node| node.text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.is_empty() {
        return Err("it has no paragraph of text".to_string());
    }
    let date = found
        .published_time
        .clone()
        .or(time)
        .and_then(|t| t.get(..10).and_then(|d| Date::parse(d).ok()));
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let title = found.title.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Article {
        headline: !title.is_empty(),
        title,
        date,
        paragraphs,
        markdown: false,
        outlet: nonempty(found.site_name),
        url: nonempty(found.url)
            .or_else(|| {
                page.select("meta[property='og:url']")
                    .attr("content")
                    .map(|u| u.to_string())
            })
            .or_else(|| {
                page.select("link[rel=canonical]")
                    .attr("href")
                    .map(|u| u.to_string())
            })
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        language: nonempty(found.lang),
        author: nonempty(found.byline),
    })
}

/// A title made from text: whole words, no longer than [`TITLE_CHARS`], with `…` when cut.
fn short_title(text: &str) -> String {
    if text.chars().count() <= TITLE_CHARS {
        return text.to_string();
    }
    let mut title = String::new();
    for word in text.split_whitespace() {
        if title.chars().count() + word.chars().count() + 1 > TITLE_CHARS {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title + "…"
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

/// The default slug: the headline's first meaningful words, lowercase ASCII and dashes; the
/// file name when there is no headline.
pub fn slug(article: &Article, file: &Path) -> String {
    let from_headline = || {
        let words: Vec<String> = article
            .title
            .split_whitespace()
            .map(slugify)
            .filter(|w| !w.is_empty() && !SLUG_STOP_WORDS.contains(&w.as_str()))
            .take(SLUG_WORDS)
            .collect();
        words.join("-")
    };
    let from_file = || {
        file.file_stem()
            .map(|s| slugify(&s.to_string_lossy()))
            .unwrap_or_default()
    };
    let slug = if article.headline {
        from_headline()
    } else {
        from_file()
    };
    [slug, from_headline(), from_file()]
        .into_iter()
        .find(|s| !s.is_empty() && s != SOURCES_INDEX)
        .unwrap_or_else(|| "source".to_string())
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

/// The Markdown file for an article: front matter (what the file and the editor say,
/// `unknown` elsewhere) and the paragraphs, escaped unless they are Markdown already.
pub fn source_markdown(article: &Article, seed_name: &str) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", quoted(&article.title)));
    out.push_str(&format!(
        "outlet: {}\n",
        quoted(article.outlet.as_deref().unwrap_or("unknown"))
    ));
    match article.date {
        Some(date) => out.push_str(&format!("date: {date}\n")),
        None => out.push_str("date: unknown\n"),
    }
    if let Some(url) = &article.url {
        out.push_str(&format!("url: {}\n", quoted(url)));
    }
    out.push_str(&format!(
        "language: {}\n",
        quoted(article.language.as_deref().unwrap_or("en"))
    ));
    out.push_str(&format!("seed: {}\n", quoted(seed_name)));
    if let Some(author) = &article.author {
        out.push_str(&format!("extra:\n  author: {}\n", quoted(author)));
    }
    out.push_str("---\n");
    for paragraph in &article.paragraphs {
        out.push('\n');
        if article.markdown {
            out.push_str(paragraph);
        } else {
            out.push_str(&escape_markdown(paragraph));
        }
        out.push('\n');
    }
    out
}

/// Imports each file into `root/content/sources/`; returns the files written (relative to
/// `root`). An existing file is kept unless `force`: an editor's curation is not overwritten.
pub fn import(
    root: &Path,
    files: &[PathBuf],
    force: bool,
    overrides: &Overrides,
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    if overrides.slug.is_some() && files.len() > 1 {
        return Err(vec![
            Diagnostic::error(
                "E015",
                "`--slug` names one source, but several files are given",
            )
            .help("import the files one at a time, each with its `--slug`"),
        ]);
    }
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match import_one(root, file, force, overrides) {
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

/// Reads a file by its kind: a saved page, Markdown, or a seed / plain text.
fn read_file(path: &Path, text: &str) -> Result<Article, Diagnostic> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => read_page(text).map_err(|error| {
            Diagnostic::error("E016", format!("no article found in this page: {error}"))
                .at(Location::file_start(path))
                .help("save the article's own page (not a home or search page), or copy its text into a .txt file")
        }),
        "md" | "markdown" => Ok(read_markdown(text)),
        _ => Ok(read_article(text)),
    }
}

/// The article with the editor's options over what the file says.
fn apply(mut article: Article, overrides: &Overrides) -> Result<Article, Diagnostic> {
    if let Some(title) = &overrides.title {
        article.title.clone_from(title);
        article.headline = true;
    }
    if let Some(outlet) = &overrides.outlet {
        article.outlet = Some(outlet.clone());
    }
    if let Some(url) = &overrides.url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(
                Diagnostic::error("E013", format!("`{url}` is not a web address"))
                    .help("give the original article's address, starting with https://"),
            );
        }
        article.url = Some(url.clone());
    }
    if let Some(date) = &overrides.date {
        article.date = Some(Date::parse(date).map_err(|message| {
            Diagnostic::error("E005", format!("invalid date: {message}"))
                .help("write the date as YYYY-MM-DD, like 2025-01-22")
        })?);
    }
    if let Some(language) = &overrides.language {
        article.language = Some(language.clone());
    }
    Ok(article)
}

fn import_one(
    root: &Path,
    path: &Path,
    force: bool,
    overrides: &Overrides,
) -> Result<PathBuf, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::error("E009", format!("cannot read `{}`: {error}", path.display()))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error("E006", "this file is not UTF-8 text")
            .at(Location::file_start(path))
            .help("convert it to UTF-8 first, for example with `iconv -t UTF-8`")
    })?;
    let article = apply(read_file(path, &text)?, overrides)?;
    let slug = match &overrides.slug {
        Some(slug) if slug == SOURCES_INDEX => {
            return Err(Diagnostic::error(
                "E012",
                "`index` is not a usable source name: its page would replace the sources index, `sources/index.html`",
            )
            .help("pass another `--slug`, like `index-article`"));
        }
        Some(slug) if is_slug(slug) => slug.clone(),
        Some(slug) => {
            return Err(
                Diagnostic::error("E012", format!("`{slug}` is not a usable source name")).help(
                    format!(
                        "use lowercase letters, digits and dashes, like `{}`",
                        slugify(slug)
                    ),
                ),
            );
        }
        None => self::slug(&article, path),
    };
    let file = Path::new("content/sources").join(format!("{slug}.md"));
    let target = root.join(&file);
    if target.exists() && !force {
        return Err(
            Diagnostic::error("E015", format!("`{}` already exists", file.display()))
                .at(Location::file_start(&file))
                .help("it may hold an editor's curation; pass `--force` to overwrite it, or `--slug` to name this one"),
        );
    }
    let seed_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut markdown = source_markdown(&article, &seed_name);
    if let Some(from) = &overrides.translated_from {
        markdown = markdown.replacen(
            "\nseed: ",
            &format!(
                "\ntranslated_from: {}\nseed: ",
                serde_json::to_string(from).unwrap_or_default()
            ),
            1,
        );
    }
    write_atomically(root, &file, &markdown)?;
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
    fn slugs_from_headlines_or_file_names() {
        let headline = Article {
            title:
                "OpenAI's new \"backer\"? Media: Trump spoke with Altman about AI infrastructure"
                    .to_string(),
            headline: true,
            ..Article::default()
        };
        assert_eq!(
            slug(&headline, Path::new("x.txt")),
            "openais-new-backer-media-trump"
        );
        let sentence = read_article(
            "President Trump was joined by top execs from the biggest companies in the land to announce a plan that nobody expected to hear about today. More.",
        );
        assert_eq!(slug(&sentence, Path::new("Newser item.txt")), "newser-item");
        // A saved page named index.html would take the sources index's address.
        let untitled = Article::default();
        assert_eq!(slug(&untitled, Path::new("index.html")), "source");
        assert!(
            sentence.title.chars().count() <= TITLE_CHARS + 1,
            "{}",
            sentence.title
        );
        assert!(sentence.title.ends_with('…'));
    }

    #[test]
    fn markdown_keeps_its_blocks_and_takes_the_heading() {
        let article = read_markdown("# The head\n\nFirst *para*.\n\n- a\n- b\n");
        assert_eq!(article.title, "The head");
        assert_eq!(article.paragraphs, ["First *para*.", "- a\n- b"]);
        assert!(article.markdown);
    }
}

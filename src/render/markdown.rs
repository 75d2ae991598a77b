//! Markdown to HTML with pulldown-cmark, keeping the text a reader sees.
//!
//! Parsing yields the event stream (so later stages can mark passages and resolve citations
//! by rewriting events) and the [`ReaderText`]: the rendered text with Markdown syntax gone,
//! mapped back to the events and the Markdown it came from. Annotations anchor against that
//! text, which is why it lives beside the events and not in the HTML.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::highlight;

/// How a Markdown file is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Curly quotes and dashes. On for the editor's own prose; off for source articles, whose
    /// wording and punctuation are shown exactly as imported.
    pub smart_punctuation: bool,
    /// Raw HTML passes through. Only the editor's briefing may contain it; in sources and notes
    /// it is shown as text.
    pub allow_html: bool,
}

/// One piece of the reader's text: the text of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPiece {
    /// Where the piece is in [`ReaderText::text`].
    pub text: Range<usize>,
    /// The index of its event in [`Markdown::events`].
    pub event: usize,
    /// Where it comes from in the Markdown body.
    pub markdown: Range<usize>,
}

/// The text a reader sees, with a map back to events and Markdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderText {
    /// Blocks are separated by a blank line, soft breaks are line breaks.
    pub text: String,
    /// The pieces, in order, covering every character that came from a text event.
    pub pieces: Vec<TextPiece>,
}

impl ReaderText {
    /// The offset in `body` (the Markdown this text was parsed from) of reader-text offset
    /// `offset`, for reporting a passage at its line. Always a character boundary of `body`.
    pub fn markdown_offset(&self, body: &str, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|piece| piece.text.end <= offset)
            .min(self.pieces.len().saturating_sub(1));
        self.pieces.get(index).map_or(0, |piece| {
            let inside = offset.saturating_sub(piece.text.start);
            offset_in_markdown(
                body,
                &self.text[piece.text.clone()],
                piece.markdown.clone(),
                inside,
            )
        })
    }
}

/// How far past a character's expected place its counterpart in the Markdown is looked for:
/// the syntax between two characters of one text event (backticks, a container's `> ` or
/// indentation, an entity, an escape) is short, and the bound keeps the mapping linear.
const SYNTAX_WINDOW: usize = 256;

/// Where byte `inside` of `text`, the text of one event parsed from `body[markdown]`, lies in
/// `body`. The two differ wherever Markdown syntax sits inside the event (the backticks of a
/// code span, the `> ` of a blockquote line it spans, entities, escapes, smart punctuation),
/// so each character of `text` is found in turn in the Markdown; one that is not there (a
/// decoded entity, a curly quote) lies at the place reached so far. The result is always a
/// character boundary of `body` inside `markdown` (clamped to `body`).
pub fn offset_in_markdown(body: &str, text: &str, markdown: Range<usize>, inside: usize) -> usize {
    let end = body.floor_char_boundary(markdown.end.min(body.len()));
    let start = body.floor_char_boundary(markdown.start.min(end));
    let source = &body[start..end];
    if source == text {
        return start + source.floor_char_boundary(inside);
    }
    let mut cursor = 0;
    for (at, c) in text.char_indices() {
        let window =
            &source[cursor..source.ceil_char_boundary((cursor + SYNTAX_WINDOW).min(source.len()))];
        let found = if c.is_whitespace() {
            window.char_indices().find(|(_, w)| w.is_whitespace())
        } else {
            window.char_indices().find(|(_, w)| *w == c)
        };
        if at + c.len_utf8() > inside {
            return start + found.map_or(cursor, |(i, _)| cursor + i);
        }
        if let Some((i, w)) = found {
            cursor += i + w.len_utf8();
        }
    }
    start + cursor
}

/// A parsed Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Markdown {
    /// The events, with the Markdown range each came from.
    pub events: Vec<(Event<'static>, Range<usize>)>,
    /// The text a reader sees.
    pub text: ReaderText,
}

/// The most elements (texts, starts and ends of paragraphs, cells, emphasis...) one Markdown
/// text may hold. Every element is kept, with its place, through the build; 2 MB of `|` make
/// millions of empty table cells and took more than 1 GB, while a long article holds a few
/// tens of thousands.
pub const MAX_ELEMENTS: usize = 500_000;

/// A Markdown text over [`MAX_ELEMENTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyElements {
    /// Where in the text the limit was crossed.
    pub offset: usize,
}

/// Parses a Markdown body.
pub fn parse(body: &str, options: MarkdownOptions) -> Result<Markdown, TooManyElements> {
    let mut flags = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if options.smart_punctuation {
        flags |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let raw: Vec<(Event<'static>, Range<usize>)> = Parser::new_ext(body, flags)
        .into_offset_iter()
        .take(MAX_ELEMENTS + 1)
        .map(|(event, range)| (event.into_static(), range))
        .collect();
    if let Some((_, range)) = raw.get(MAX_ELEMENTS) {
        return Err(TooManyElements {
            offset: range.start,
        });
    }
    let events = name_headings(collapse_code_blocks(neutralise(raw, options.allow_html)));
    let events = drop_unsafe_links(events)
        .into_iter()
        .map(|(event, range)| (link_to_pages(event), range))
        .collect::<Vec<_>>();
    let text = reader_text(&events);
    Ok(Markdown { events, text })
}

/// Renders events to HTML.
pub fn render<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Raw HTML where it is not allowed becomes text, so it is escaped, shown and never run.
fn neutralise(
    events: Vec<(Event<'static>, Range<usize>)>,
    allow_html: bool,
) -> Vec<(Event<'static>, Range<usize>)> {
    if allow_html {
        return events;
    }
    events
        .into_iter()
        .map(|(event, range)| match event {
            Event::Html(html) | Event::InlineHtml(html) => (Event::Text(html), range),
            other => (other, range),
        })
        .collect()
}

/// Replaces each fenced block by its highlighted HTML.
fn collapse_code_blocks(
    events: Vec<(Event<'static>, Range<usize>)>,
) -> Vec<(Event<'static>, Range<usize>)> {
    let mut out = Vec::with_capacity(events.len());
    let mut code: Option<(String, String, Range<usize>)> = None;
    for (event, range) in events {
        match (event, &mut code) {
            (Event::Start(Tag::CodeBlock(kind)), _) => {
                let language = match kind {
                    CodeBlockKind::Fenced(language) => language.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new(), range));
            }
            (Event::Text(text), Some((_, buffer, _))) => buffer.push_str(&text),
            (Event::End(TagEnd::CodeBlock), Some(_)) => {
                if let Some((language, buffer, range)) = code.take() {
                    let html = highlight::code_block(&buffer, &language);
                    out.push((Event::Html(CowStr::from(html)), range));
                }
            }
            (event, _) => out.push((event, range)),
        }
    }
    out
}

/// Gives every heading a stable id: its own `{#id}` when written, else a slug of its text,
/// made unique with `-1`, `-2`... in document order.
fn name_headings(
    mut events: Vec<(Event<'static>, Range<usize>)>,
) -> Vec<(Event<'static>, Range<usize>)> {
    let mut taken: HashSet<String> = events
        .iter()
        .filter_map(|(event, _)| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut suffixes: HashMap<String, usize> = HashMap::new();
    for index in 0..events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[index].0 else {
            continue;
        };
        let text: String = events[index + 1..]
            .iter()
            .take_while(|(event, _)| !matches!(event, Event::End(TagEnd::Heading(_))))
            .filter_map(|(event, _)| match event {
                Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        let base = slugify(&text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        // Counting on from the last suffix given to this base keeps 30,000 equal headings
        // linear; the loop only steps over ids an editor wrote (`{#section-2}`).
        let next = suffixes.entry(base.clone()).or_insert(0);
        let mut candidate = base.clone();
        if *next > 0 || taken.contains(&candidate) {
            loop {
                *next += 1;
                candidate = format!("{base}-{next}");
                if !taken.contains(&candidate) {
                    break;
                }
            }
        }
        taken.insert(candidate.clone());
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[index].0 {
            *id = Some(CowStr::from(candidate));
        }
    }
    events
}

/// Links and images whose address would run code when followed (`javascript:`,
/// `vbscript:`, `data:` other than an image's) lose their address: a link shows as its text,
/// an image as its description. Only web, mail and telephone addresses and relative links are
/// kept, so a source or note imported from anywhere cannot carry a live script.
fn drop_unsafe_links(
    events: Vec<(Event<'static>, Range<usize>)>,
) -> Vec<(Event<'static>, Range<usize>)> {
    // Per open link or image: whether it was dropped, so its end goes too.
    let mut open: Vec<bool> = Vec::new();
    events
        .into_iter()
        .filter(|(event, _)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open.push(!is_safe_address(dest_url, false));
                !open.last().copied().unwrap_or(false)
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                open.push(!is_safe_address(dest_url, true));
                !open.last().copied().unwrap_or(false)
            }
            Event::End(TagEnd::Link | TagEnd::Image) => !open.pop().unwrap_or(false),
            _ => true,
        })
        .collect()
}

/// Whether a link (or, with `image`, an image) address is safe to publish.
fn is_safe_address(address: &str, image: bool) -> bool {
    // Browsers ignore tabs and line breaks anywhere in an address and control characters and
    // spaces before it, so `java\tscript:` is `javascript:`.
    let cleaned: String = address
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .skip_while(|c| *c <= ' ')
        .collect();
    let Some((scheme, rest)) = cleaned.split_once(':') else {
        return true;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return true;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" | "mailto" | "tel" => true,
        "data" => {
            image
                && rest
                    .get(..6)
                    .is_some_and(|t| t.eq_ignore_ascii_case("image/"))
        }
        _ => false,
    }
}

/// A relative link to a content file (`sources/x.md`) goes to its page (`sources/x.html`),
/// so an editor can link files the way they see them.
fn link_to_pages(event: Event<'static>) -> Event<'static> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = page_link(&dest_url).map_or(dest_url, CowStr::from);
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    }
}

fn page_link(dest: &str) -> Option<String> {
    if dest.contains("://") || dest.starts_with('/') || dest.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = dest
        .split_once('#')
        .map_or((dest, None), |(p, f)| (p, Some(f)));
    let stem = path.strip_suffix(".md")?;
    Some(match fragment {
        Some(fragment) => format!("{stem}.html#{fragment}"),
        None => format!("{stem}.html"),
    })
}

/// Lowercase ASCII words joined by dashes: readable, stable ids and slugs.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/')
            && !slug.ends_with('-')
            && !slug.is_empty()
        {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn reader_text(events: &[(Event<'static>, Range<usize>)]) -> ReaderText {
    let mut reader = ReaderText::default();
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Text(text) | Event::Code(text) => {
                let start = reader.text.len();
                reader.text.push_str(text);
                reader.pieces.push(TextPiece {
                    text: start..reader.text.len(),
                    event: index,
                    markdown: range.clone(),
                });
            }
            Event::SoftBreak | Event::HardBreak => reader.text.push('\n'),
            Event::Start(tag)
                if is_block(tag) && !reader.text.is_empty() && !reader.text.ends_with("\n\n") =>
            {
                let separator = if reader.text.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                };
                reader.text.push_str(separator);
            }
            _ => {}
        }
    }
    reader
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::Item
            | Tag::TableCell
            | Tag::FootnoteDefinition(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;

    const SOURCE: MarkdownOptions = MarkdownOptions {
        smart_punctuation: false,
        allow_html: false,
    };
    const BRIEFING: MarkdownOptions = MarkdownOptions {
        smart_punctuation: true,
        allow_html: true,
    };

    fn html(body: &str, options: MarkdownOptions) -> String {
        let markdown = parse(body, options).expect("within the limits");
        render(markdown.events.into_iter().map(|(event, _)| event))
    }

    #[test]
    fn reader_text_drops_markup_and_separates_blocks() {
        let markdown = parse(
            "# Title\n\nSome *emphasis* and `code`.\nNext line.\n",
            SOURCE,
        )
        .expect("within the limits");
        assert_eq!(
            markdown.text.text,
            "Title\n\nSome emphasis and code.\nNext line."
        );
    }

    #[test]
    fn reader_text_maps_back_to_markdown() {
        let body = "First.\n\nSecond *word* here.\n";
        let markdown = parse(body, SOURCE).expect("within the limits");
        let at = markdown
            .text
            .text
            .find("word")
            .expect("word is in the text");
        assert_eq!(
            &body[markdown.text.markdown_offset(body, at)..][..4],
            "word"
        );
    }

    #[test]
    fn headings_get_unique_stable_ids() {
        let out = html("# Money\n\n## Money\n\n## Other {#mine}\n", BRIEFING);
        assert!(out.contains("<h1 id=\"money\">"), "{out}");
        assert!(out.contains("<h2 id=\"money-1\">"), "{out}");
        assert!(out.contains("<h2 id=\"mine\">"), "{out}");
    }

    #[test]
    fn html_in_sources_is_text() {
        let out = html(
            "<script>alert(1)</script>\n\nA <b>bold</b> claim.\n",
            SOURCE,
        );
        assert!(!out.contains("<script>"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn html_in_the_briefing_passes() {
        assert!(html("A <b>bold</b> claim.\n", BRIEFING).contains("<b>bold</b>"));
    }

    #[test]
    fn smart_punctuation_only_when_asked() {
        assert!(html("\"Hi\" -- it's\n", BRIEFING).contains("\u{201c}Hi\u{201d}"));
        assert!(html("\"Hi\" -- it's\n", SOURCE).contains("\"Hi\" -- it's"));
    }

    #[test]
    fn fenced_code_is_highlighted() {
        let out = html("```rust\nlet x = 1;\n```\n", BRIEFING);
        assert!(out.contains("hl-"), "{out}");
    }

    #[test]
    fn links_to_markdown_files_go_to_pages() {
        let out = html(
            "[a](sources/x.md) [b](sources/x.md#p) [c](https://e.com/a.md)\n",
            BRIEFING,
        );
        assert!(out.contains("href=\"sources/x.html\""), "{out}");
        assert!(out.contains("href=\"sources/x.html#p\""), "{out}");
        assert!(out.contains("href=\"https://e.com/a.md\""), "{out}");
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let out = html(
            "| a |\n|---|\n| b |\n\n~~no~~ yes[^1]\n\n[^1]: note\n",
            BRIEFING,
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>no</del>"), "{out}");
        assert!(out.contains("footnote"), "{out}");
    }

    #[test]
    fn addresses_that_run_code_are_dropped() {
        for body in [
            "[a](javascript:alert(1))",
            "[a](JavaScript:alert(1))",
            "[a](java\tscript:alert(1))",
            "[a](&#106;avascript:alert(1))",
            "<javascript:alert(1)>",
            "[a](vbscript:msgbox)",
            "[a](data:text/html,<script>alert(1)</script>)",
            "[a][r]\n\n[r]: javascript:alert(1)",
            "![a](data:text/html,x)",
            "![a](javascript:alert(1))",
        ] {
            for options in [SOURCE, BRIEFING] {
                let out = html(body, options);
                assert!(
                    !out.contains("href") && !out.contains("src"),
                    "{body}: {out}"
                );
            }
        }
        let kept = html(
            "[w](https://e.com) [m](mailto:a@e.com) [r](x.html) ![i](data:image/png;base64,AA)",
            SOURCE,
        );
        assert_eq!(kept.matches("href").count(), 3, "{kept}");
        assert!(kept.contains("src=\"data:image/png"), "{kept}");
    }

    #[test]
    fn many_equal_headings_get_ids_in_order() {
        let body = "# S\n\n# S\n\n# S-2 {#s-2}\n\n# S\n\n# S\n";
        let out = html(body, BRIEFING);
        let ids: Vec<&str> = out
            .split("id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(ids, ["s", "s-1", "s-2", "s-3", "s-4"]);
    }

    /// A word that occurs once and in no other word (`Z` only starts one), in letters only (digits could hide in an entity like
    /// `&#36;`), with a non-ASCII letter so that an offset off by one is not a char boundary.
    fn unique_word(n: usize) -> String {
        let mut letters = String::new();
        let mut rest = n;
        loop {
            letters.push(char::from(b'a' + (rest % 26) as u8));
            rest /= 26;
            if rest == 0 {
                break;
            }
        }
        format!("Z{letters}\u{e9}\u{2019}x")
    }

    /// Markdown whose reader text differs from it everywhere it can: code spans (one or two
    /// backticks, over two lines, in tables), containers whose `> ` or indentation sits inside
    /// a span, inline HTML over two lines, entities, escapes, smart punctuation. Returns the
    /// body and its unique words.
    fn generated_body(rng: &mut XorShift) -> (String, Vec<String>) {
        let mut body = String::new();
        let mut words = Vec::new();
        for _ in 0..1 + rng.below(6) {
            let (first, next) = *rng.pick(&[
                ("", ""),
                ("> ", "> "),
                ("- ", "  "),
                ("> - ", ">   "),
                ("|", ""),
            ]);
            let table = first == "|";
            let mut line = first.to_string();
            for _ in 0..1 + rng.below(8) {
                let mut word = || {
                    words.push(unique_word(words.len()));
                    words.last().cloned().unwrap_or_default()
                };
                let break_line = if table {
                    " ".to_string()
                } else {
                    format!("\n{next}")
                };
                let item = match rng.below(10) {
                    0 => format!("*{}*", word()),
                    1 => format!("`{} {}`", word(), word()),
                    2 => format!("`` {} ` {} ``", word(), word()),
                    3 => format!("`{}{break_line}{}`", word(), word()),
                    4 => format!("<span{break_line}title=\"t\">{}</span>", word()),
                    5 => rng
                        .pick(&["&amp;", "&#36;", "&nbsp;", "\\*", "\"", "--", "..."])
                        .to_string(),
                    6 if table => format!("`{}\\|{}`", word(), word()),
                    _ => word(),
                };
                line.push_str(&item);
                let gap = [" ", " ", "\n"][rng.below(3)];
                line.push_str(if table { " | " } else { gap });
                if line.ends_with('\n') {
                    line.push_str(next);
                }
            }
            if table {
                line = format!("| h |\n|---|\n{line}");
            }
            body.push_str(&line);
            body.push_str("\n\n");
        }
        (body, words)
    }

    #[test]
    fn offsets_map_back_like_the_slow_obvious_search() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..400 {
            let (body, words) = generated_body(&mut rng);
            for options in [SOURCE, BRIEFING] {
                let reader = parse(&body, options).expect("within the limits").text;
                for at in 0..=reader.text.len() + 1 {
                    let mapped = reader.markdown_offset(&body, at);
                    assert!(
                        body.is_char_boundary(mapped),
                        "{at} -> {mapped} in {body:?}"
                    );
                }
                for word in &words {
                    // The slow obvious version: a word that occurs once is where it is found.
                    let (Some(read), Some(written)) = (reader.text.find(word), body.find(word))
                    else {
                        continue;
                    };
                    for (i, _) in word.char_indices() {
                        assert_eq!(
                            reader.markdown_offset(&body, read + i),
                            written + i,
                            "{word:?}+{i} in {body:?}"
                        );
                    }
                }
            }
        }
    }

    /// Regression: 2 MB of empty table cells took more than 1 GB.
    #[test]
    fn millions_of_table_cells_are_refused_early() {
        let body = format!("| a |\n|---|\n{}", "|\n".repeat(MAX_ELEMENTS));
        let error = parse(&body, SOURCE).expect_err("over the limit");
        assert!(0 < error.offset && error.offset < body.len(), "{error:?}");
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(
            slugify("OpenAI's \"backer\"? Media: Trump"),
            "openais-backer-media-trump"
        );
    }
}

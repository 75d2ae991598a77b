//! Markdown to HTML with pulldown-cmark, keeping the text a reader sees.
//!
//! Parsing yields the event stream (so later stages can mark passages and resolve citations
//! by rewriting events) and the [`ReaderText`]: the rendered text with Markdown syntax gone,
//! mapped back to the events and the Markdown it came from. Annotations anchor against that
//! text, which is why it lives beside the events and not in the HTML.

use std::collections::HashSet;
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
    /// The Markdown offset of a text offset, for reporting a passage at its line.
    pub fn markdown_offset(&self, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|piece| piece.text.end <= offset)
            .min(self.pieces.len().saturating_sub(1));
        self.pieces.get(index).map_or(0, |piece| {
            let inside = offset.saturating_sub(piece.text.start);
            (piece.markdown.start + inside).min(piece.markdown.end)
        })
    }
}

/// A parsed Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Markdown {
    /// The events, with the Markdown range each came from.
    pub events: Vec<(Event<'static>, Range<usize>)>,
    /// The text a reader sees.
    pub text: ReaderText,
}

/// Parses a Markdown body.
pub fn parse(body: &str, options: MarkdownOptions) -> Markdown {
    let mut flags = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if options.smart_punctuation {
        flags |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let raw: Vec<(Event<'static>, Range<usize>)> = Parser::new_ext(body, flags)
        .into_offset_iter()
        .map(|(event, range)| (event.into_static(), range))
        .collect();
    let events = name_headings(collapse_code_blocks(neutralise(raw, options.allow_html)));
    let events = events
        .into_iter()
        .map(|(event, range)| (link_to_pages(event), range))
        .collect::<Vec<_>>();
    let text = reader_text(&events);
    Markdown { events, text }
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
        let mut candidate = base.clone();
        let mut n = 1;
        while taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[index].0 {
            *id = Some(CowStr::from(candidate));
        }
    }
    events
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

    const SOURCE: MarkdownOptions = MarkdownOptions {
        smart_punctuation: false,
        allow_html: false,
    };
    const BRIEFING: MarkdownOptions = MarkdownOptions {
        smart_punctuation: true,
        allow_html: true,
    };

    fn html(body: &str, options: MarkdownOptions) -> String {
        let markdown = parse(body, options);
        render(markdown.events.into_iter().map(|(event, _)| event))
    }

    #[test]
    fn reader_text_drops_markup_and_separates_blocks() {
        let markdown = parse(
            "# Title\n\nSome *emphasis* and `code`.\nNext line.\n",
            SOURCE,
        );
        assert_eq!(
            markdown.text.text,
            "Title\n\nSome emphasis and code.\nNext line."
        );
    }

    #[test]
    fn reader_text_maps_back_to_markdown() {
        let body = "First.\n\nSecond *word* here.\n";
        let markdown = parse(body, SOURCE);
        let at = markdown
            .text
            .text
            .find("word")
            .expect("word is in the text");
        assert_eq!(&body[markdown.text.markdown_offset(at)..][..4], "word");
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
    fn slugs_are_readable() {
        assert_eq!(
            slugify("OpenAI's \"backer\"? Media: Trump"),
            "openais-backer-media-trump"
        );
    }
}

//! Markdown with pulldown-cmark: the leaf every other stage builds on.
//!
//! Parsing yields the event stream (so later stages can mark passages and resolve citations
//! by rewriting events) and the [`ReaderText`]: the rendered text with Markdown syntax gone,
//! mapped back to the events and the Markdown it came from. Annotations anchor against that
//! text, which is why it lives beside the events and not in the HTML. [`render`] writes the
//! events as HTML, highlighting fenced code then (not while parsing: `brief check` never
//! needs it). The module depends on nothing else of the crate.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

mod headings;
pub mod highlight;
mod links;
mod reader;
#[cfg(test)]
mod tests;

pub use headings::slugify;
pub use reader::{ReaderText, TextPiece, offset_in_markdown};

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
    let events = headings::name_headings(neutralise(raw, options.allow_html));
    let events = links::drop_unsafe_links(events)
        .into_iter()
        .map(|(event, range)| (links::link_to_pages(event), range))
        .collect::<Vec<_>>();
    let text = reader::reader_text(body, &events);
    Ok(Markdown { events, text })
}

/// Renders events to HTML, each fenced block highlighted.
pub fn render<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, highlight::code_blocks(events));
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

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

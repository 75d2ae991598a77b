//! The text a reader sees, and the way back from it to the Markdown it came from.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

/// One piece of the reader's text: the text of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPiece {
    /// Where the piece is in [`ReaderText::text`].
    pub text: Range<usize>,
    /// The index of its event in [`Markdown::events`](super::Markdown::events).
    pub event: usize,
    /// Where it comes from in the Markdown body.
    pub markdown: Range<usize>,
    /// Whether the Markdown holds the text as it is, so offsets within it are the same
    /// (decided once: comparing at each lookup was quadratic in a long paragraph).
    pub verbatim: bool,
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
            if piece.verbatim {
                let text = &self.text[piece.text.clone()];
                return piece.markdown.start + text.floor_char_boundary(inside);
            }
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

pub(super) fn reader_text(body: &str, events: &[(Event<'static>, Range<usize>)]) -> ReaderText {
    let mut reader = ReaderText {
        text: String::with_capacity(body.len()),
        pieces: Vec::new(),
    };
    // Code blocks are shown as written, never anchored in: their text is not the reader's.
    let mut in_code_block = false;
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ if in_code_block => {}
            Event::Text(text) | Event::Code(text) => {
                let start = reader.text.len();
                reader.text.push_str(text);
                reader.pieces.push(TextPiece {
                    text: start..reader.text.len(),
                    event: index,
                    markdown: range.clone(),
                    verbatim: body.get(range.clone()) == Some(text.as_ref()),
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
    // Kept for the whole build, one per source: at 10,000 sources the slack of doubling
    // growth was tens of megabytes.
    reader.text.shrink_to_fit();
    reader.pieces.shrink_to_fit();
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

//! How the sources word one claim: each target's passage beside the first's, the reference,
//! with the words it does not have marked, and links to each passage, on brief's page and at
//! the original (Text Fragments).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::annotate::diff::{WordChange, diff_words};
use crate::annotate::resolve::Anchored;
use crate::content::Source;
use crate::markdown::escape_html;

/// One source's wording of an annotation, for side-by-side views.
#[derive(Debug, Serialize)]
pub struct Wording {
    /// The source's slug.
    pub source: String,
    /// The source's title.
    pub title: String,
    /// The source's outlet.
    pub outlet: String,
    /// The passage, relative to the page: `sources/<slug>.html#ann-<id>`.
    pub href: String,
    /// The line of the source file.
    pub line: usize,
    /// The passage as HTML: quotation marks inside it as nested `<q>`, and, for every wording
    /// but the reference, the words the reference does not have in `<mark class="differs">`.
    pub quote_html: String,
    /// The first wording, which every other one is compared with.
    pub reference: bool,
    /// Word for word the reference's wording (never true of the reference itself).
    pub same: bool,
    /// The passage at the original article (a Text Fragment link), when its URL is known.
    pub original: Option<String>,
}

/// Each target's wording, every one compared with the same reference: the first target's.
pub fn wordings(anchored: &Anchored, sources: &[Source], root: &str) -> Vec<Wording> {
    let reference = anchored.passages.first().map(|p| p.exact.as_str());
    anchored
        .passages
        .iter()
        .enumerate()
        .map(|(index, passage)| {
            let source = &sources[passage.source];
            let compared = reference.filter(|_| index > 0);
            Wording {
                source: source.slug.clone(),
                title: source.meta.title.clone(),
                outlet: source.meta.outlet.clone(),
                href: format!("{root}sources/{}.html#{}", source.slug, passage.dom_id),
                line: passage.line,
                quote_html: quote_html(compared, &passage.exact),
                reference: index == 0 && anchored.passages.len() > 1,
                same: compared.is_some_and(|r| same_words(r, &passage.exact)),
                original: source
                    .meta
                    .url
                    .as_ref()
                    .map(|url| text_fragment(url, &passage.exact)),
            }
        })
        .collect()
}

/// A link to `url` scrolled to `exact` (Text Fragments): `-`, `,` and `&` are
/// percent-encoded because they are the directive's own syntax.
pub fn text_fragment(url: &str, exact: &str) -> String {
    let base = url.split('#').next().unwrap_or(url);
    let words = exact.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{base}#:~:text={}", utf8_percent_encode(&words, FRAGMENT))
}

/// What a text directive encodes: all but letters, digits and `._~!*()'` (so its own `-`,
/// `,` and `&` are encoded).
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'*')
    .remove(b'(')
    .remove(b')')
    .remove(b'\'');

fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Quotation marks a passage may hold: straight, curly, low and guillemets.
const QUOTE_MARKS: [char; 6] = ['"', '\u{201c}', '\u{201d}', '\u{201e}', '\u{ab}', '\u{bb}'];

/// One word of a wording, with the quotation marks around it taken off.
struct Word<'a> {
    opens: usize,
    core: &'a str,
    closes: usize,
    tail: &'a str,
}

impl<'a> Word<'a> {
    fn split(word: &'a str) -> Word<'a> {
        let rest = word.trim_start_matches(QUOTE_MARKS);
        let opens = word[..word.len() - rest.len()].chars().count();
        // A closing mark may be followed by punctuation: `"immediately",`.
        let close_at = rest
            .char_indices()
            .rev()
            .take_while(|(_, c)| QUOTE_MARKS.contains(c) || c.is_ascii_punctuation())
            .filter(|(_, c)| QUOTE_MARKS.contains(c))
            .map(|(i, _)| i)
            .min();
        match close_at {
            Some(at) if at > 0 => {
                let marks = &rest[at..];
                let tail = marks.trim_start_matches(QUOTE_MARKS);
                let closes = marks[..marks.len() - tail.len()].chars().count();
                Word {
                    opens,
                    core: &rest[..at],
                    closes,
                    tail,
                }
            }
            _ => Word {
                opens,
                core: rest,
                closes: 0,
                tail: "",
            },
        }
    }
}

/// A passage as HTML: its own quotation marks become nested `<q>` elements when they pair
/// up (so the page's language draws them, and `<q>` around the passage does not double
/// them); with a `reference`, the words it does not have are marked.
fn quote_html(reference: Option<&str>, text: &str) -> String {
    let words: Vec<(&str, bool)> = match reference {
        Some(reference) => diff_words(reference, text)
            .into_iter()
            .filter_map(|change| match change {
                WordChange::Same(word) => Some((word, false)),
                WordChange::Added(word) => Some((word, true)),
                WordChange::Removed(_) => None,
            })
            .collect(),
        None => text.split_whitespace().map(|w| (w, false)).collect(),
    };
    let split: Vec<Word<'_>> = words.iter().map(|(w, _)| Word::split(w)).collect();
    let mut depth: isize = 0;
    let balanced = split.iter().all(|w| {
        depth += w.opens as isize - w.closes as isize;
        depth >= 0
    }) && depth == 0;
    words
        .iter()
        .zip(&split)
        .map(|((word, differs), parts)| {
            let (open, core, close, tail) = if balanced {
                (
                    "<q>".repeat(parts.opens),
                    parts.core,
                    "</q>".repeat(parts.closes),
                    parts.tail,
                )
            } else {
                (String::new(), *word, String::new(), "")
            };
            let core = if *differs {
                format!("<mark class=\"differs\">{}</mark>", escape_html(core))
            } else {
                escape_html(core)
            };
            format!("{open}{core}{close}{}", escape_html(tail))
        })
        .collect::<Vec<_>>()
        .join(" ")
        // A run of differing words is one mark, so its underline runs on under the spaces.
        .replace("</mark> <mark class=\"differs\">", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fragments_encode_the_directive_syntax() {
        assert_eq!(
            text_fragment("https://e.com/a#top", "well under $10B, co-founded & more"),
            "https://e.com/a#:~:text=well%20under%20%2410B%2C%20co%2Dfounded%20%26%20more"
        );
    }

    #[test]
    fn differing_words_are_marked() {
        assert_eq!(
            quote_html(
                Some("They don't actually have the money"),
                "actually have no money"
            ),
            "actually have <mark class=\"differs\">no</mark> money"
        );
        assert_eq!(
            quote_html(
                Some("has well under $10B secured"),
                "has far less than $10B secured"
            ),
            "has <mark class=\"differs\">far less than</mark> $10B secured",
            "a run of differing words is one mark"
        );
    }

    /// Regression: a wording that began with a quotation mark showed doubled marks,
    /// `“"immediately" invest`; its own marks are now a nested `<q>`.
    #[test]
    fn quotation_marks_inside_a_wording_nest() {
        assert_eq!(
            quote_html(None, "\"immediately\" invest $100 billion"),
            "<q>immediately</q> invest $100 billion"
        );
        assert_eq!(
            quote_html(
                Some("pledged $100 billion"),
                "\u{201c}very soon,\u{201d} pledged"
            ),
            "<q><mark class=\"differs\">very soon,</mark></q> pledged"
        );
        assert_eq!(
            quote_html(None, "an \"unpaired mark"),
            "an &quot;unpaired mark",
            "a mark that does not pair up stays as written"
        );
    }
}

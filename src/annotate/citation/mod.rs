//! Citations: Markdown links whose destination is `@id`.
//!
//! `[$500 billion](@stargate-total)` becomes a [`Citation`] of the annotation: data that says
//! which events of the text it spans and what it cites, which rendering writes as a link to
//! the passage (`render::citations`). `[](@id)` is filled with the annotation's quote. For a
//! figure, a number in the link text must be the annotation's value. In the briefing every
//! number of the prose that cites nothing is a warning, so that each figure a reader sees can
//! be traced.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::figure::{self, FoundFigure, Unit, format_quantity, same_value};
use super::fold::{fold, fold_str};
use super::model::Kind;
use crate::content::MarkdownFile;
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown;

/// What a citation needs to know about the annotation it names.
#[derive(Debug, Clone)]
pub struct Citable {
    /// The annotation's kind.
    pub kind: Kind,
    /// Its passage, relative to the site root: `sources/<slug>.html#ann-<id>`.
    pub href: String,
    /// The first target's quote, for empty link texts.
    pub quote: String,
    /// For figures.
    pub value: Option<f64>,
    /// For figures: what the value counts, when the annotation says.
    pub unit: Option<Unit>,
    /// For figures: what its (first) passage states. A citation that says the same is right
    /// about the source; if the annotation's `value` or `unit` disagrees, E103 says so once.
    pub stated: Option<figure::Quantity>,
    /// For figures: how to write the value in a hint.
    pub value_text: Option<String>,
}

/// Where citations are being resolved.
pub struct Citing<'a> {
    /// The file the Markdown is in, for locating problems.
    pub file: &'a MarkdownFile,
    /// A briefing (not a note): warn about figures that cite nothing.
    pub briefing: bool,
    /// Annotations that exist but did not anchor: their own errors say why, so citing them
    /// is not a second error; the citation renders as plain text.
    pub unanchored: &'a HashSet<String>,
}

/// A Markdown text with its citations resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cited {
    /// The text's events; a citation's link events are taken out, its text kept (or, for an
    /// empty link text, the annotation's quote put in).
    pub events: Vec<Event<'static>>,
    /// The citations, in text order.
    pub citations: Vec<Citation>,
}

/// One citation in a [`Cited`] text.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// The events of [`Cited::events`] that are its link text.
    pub events: Range<usize>,
    /// The annotation it cites.
    pub id: String,
    /// Which citation of that annotation in this text it is, from 1: the briefing's
    /// `cite-<id>-<n>` element ids, which passages link back to.
    pub nth: usize,
    /// The annotation's kind.
    pub kind: Kind,
    /// The annotation's passage, relative to the site root: `sources/<slug>.html#ann-<id>`.
    pub href: String,
    /// Set in quotation marks: a quote the editor did not already quote.
    pub quoted: bool,
}

/// The outcome of resolving one Markdown text.
#[derive(Debug, Default)]
pub struct Resolution {
    /// The text, its citations as data.
    pub cited: Cited,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// How many times each annotation is cited.
    pub counts: BTreeMap<String, usize>,
    /// The ids cited, in the order of their first citation.
    pub order: Vec<String>,
}

/// Resolves the citations in `events`.
pub fn resolve(
    events: Vec<(Event<'static>, Range<usize>)>,
    annotations: &BTreeMap<String, Citable>,
    citing: &Citing<'_>,
) -> Resolution {
    let mut out = Resolution::default();
    let mut open: Option<Open> = None;
    let mut prose = Prose::default();
    // Per open image: whether it is a mistaken citation, shown as its text.
    let mut images: Vec<bool> = Vec::new();
    for (event, range) in events {
        let event = match event {
            Event::Start(Tag::Image { dest_url, .. }) if dest_url.starts_with('@') => {
                out.diagnostics
                    .push(image_citation(&dest_url, &range, citing));
                images.push(true);
                continue;
            }
            Event::Start(tag @ Tag::Image { .. }) => {
                images.push(false);
                Event::Start(tag)
            }
            Event::End(TagEnd::Image) if images.pop() == Some(true) => continue,
            other => other,
        };
        match (event, &mut open) {
            (Event::Start(Tag::Link { dest_url, .. }), None) if dest_url.starts_with('@') => {
                prose.flush(citing, &mut out.diagnostics);
                open = Some(Open {
                    id: dest_url[1..].to_string(),
                    range,
                    text: String::new(),
                    inner: Vec::new(),
                });
            }
            (Event::End(TagEnd::Link), Some(_)) => {
                if let Some(link) = open.take() {
                    close_citation(link, annotations, citing, &mut out);
                }
            }
            (event, Some(link)) => {
                match &event {
                    Event::Text(text) | Event::Code(text) => link.text.push_str(text),
                    Event::SoftBreak | Event::HardBreak => link.text.push(' '),
                    _ => {}
                }
                link.inner.push(event);
            }
            // The text of a mistaken image is reported by E204 alone.
            (event @ Event::Text(_), None) if images.contains(&true) => {
                out.cited.events.push(event);
            }
            (Event::Text(text), None) => {
                prose.push(&text, range);
                out.cited.events.push(Event::Text(text));
            }
            (Event::SoftBreak, None) => {
                prose.push(" ", range);
                out.cited.events.push(Event::SoftBreak);
            }
            (event, None) => {
                prose.flush(citing, &mut out.diagnostics);
                out.cited.events.push(event);
            }
        }
    }
    prose.flush(citing, &mut out.diagnostics);
    out
}

/// A run of prose outside citations, joined across soft line breaks so that a figure
/// wrapped over two lines ("$10\nbillion") is read whole.
#[derive(Default)]
struct Prose {
    text: String,
    pieces: Vec<(usize, Range<usize>)>,
}

impl Prose {
    fn push(&mut self, text: &str, range: Range<usize>) {
        self.pieces.push((self.text.len(), range));
        self.text.push_str(text);
    }

    /// Reports what the run holds and starts a new one: text that looks like a citation but
    /// is not a link, and in the briefing every figure that cites nothing.
    fn flush(&mut self, citing: &Citing<'_>, diagnostics: &mut Vec<Diagnostic>) {
        let broken = broken_citations(&self.text);
        for (range, id) in &broken {
            let at = self.markdown_range(citing, range.clone());
            diagnostics.push(broken_citation(id, citing.file.locate_in_body(at)));
        }
        if citing.briefing {
            let folded = fold(&self.text);
            for found in figure::find_figures(&folded.text) {
                let range = folded.origin(found.range.start)..folded.origin(found.range.end);
                // A figure in a broken citation is reported by E203 alone.
                if broken
                    .iter()
                    .any(|(b, _)| b.start < range.end && range.start < b.end)
                {
                    continue;
                }
                let at = self.markdown_range(citing, range.clone());
                diagnostics.push(
                    Diagnostic::warning("W201", format!("the figure \"{}\" cites no source", &folded.text[found.range]))
                        .at(citing.file.locate_in_body(at))
                        .label("uncited figure")
                        .help("annotate the passage that states it and cite it: `[this figure](@annotation-id)`"),
                );
            }
        }
        self.text.clear();
        self.pieces.clear();
    }

    fn markdown_range(&self, citing: &Citing<'_>, range: Range<usize>) -> Range<usize> {
        let start = self.markdown_offset(citing, range.start);
        start..self.markdown_offset(citing, range.end).max(start)
    }

    fn markdown_offset(&self, citing: &Citing<'_>, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|(start, _)| *start <= offset)
            .saturating_sub(1);
        self.pieces.get(index).map_or(0, |(start, range)| {
            let end = self
                .pieces
                .get(index + 1)
                .map_or(self.text.len(), |(next, _)| *next);
            markdown::offset_in_markdown(
                citing.file.body(),
                &self.text[*start..end],
                range.clone(),
                offset - start,
            )
        })
    }
}

/// Text that a reader sees as `[words](@id)` although it is no link, because the destination
/// has a space (`(@ id)`, `(@id words)`) or a space separates `]` from `(`: the ranges from
/// `[` to `)` and what stands for the id.
fn broken_citations(text: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("(@") {
        let before = text[..at].trim_end_matches([' ', '\t']);
        if !before.ends_with(']') {
            continue;
        }
        // Markup in the link text (`[*x*](@ a)`) ends the run: point at `]` then.
        let open = before.rfind('[').unwrap_or(before.len() - 1);
        let close = text[at..].find(')').map_or(text.len(), |i| at + i + 1);
        let id = text[at + 2..close].trim_end_matches(')').trim().to_string();
        found.push((open..close, id));
    }
    found
}

/// What a figure citation's text states that its annotation does not.
enum Stated {
    /// A figure of the annotation's unit (or of none) with another value.
    Figure(FoundFigure),
    /// A figure in a currency brief does not read, for a USD annotation: `€2.5 million`.
    OtherCurrency(&'static str),
}

/// Whether what a citation states is what the annotation's passage states.
fn states_the_passage(stated: &Stated, passage: Option<&figure::Quantity>) -> bool {
    match (stated, passage) {
        (Stated::Figure(found), Some(passage)) => {
            found.quantity.unit == passage.unit && same_value(found.quantity.value, passage.value)
        }
        _ => false,
    }
}

/// Other currencies, by the sign or word a text names them with.
const OTHER_CURRENCIES: &[(&str, &str)] = &[
    ("€", "euros"),
    ("£", "pounds"),
    ("¥", "yen or yuan"),
    ("₹", "rupees"),
    ("euro", "euros"),
    ("pound", "pounds"),
    ("sterling", "pounds"),
    ("yen", "yen"),
    ("yuan", "yuan"),
    ("renminbi", "yuan"),
    ("rupee", "rupees"),
    ("franc", "francs"),
];

/// The first thing in a figure citation's text (folded) that contradicts `value`: every figure
/// of the annotation's unit, or of no unit, must state it; a text whose figures are all of
/// other units does not state it; and a USD figure cannot be cited by words in another
/// currency. Figures of another unit beside one of its own ("over four years" beside "$500
/// billion") are other quantities, left alone.
fn differing_figure(text: &str, value: f64, unit: Option<Unit>) -> Option<Stated> {
    if unit == Some(Unit::Usd) {
        let lower = text.to_lowercase();
        let named = OTHER_CURRENCIES.iter().find(|(name, _)| {
            // A word must stand alone ("europe" is no euro, "euros" is); a sign counts anywhere.
            let is_word = name.chars().all(char::is_alphabetic);
            lower.match_indices(name).any(|(at, _)| {
                let before = lower[..at].chars().next_back();
                let after = lower[at + name.len()..].chars().next();
                !is_word
                    || (!before.is_some_and(char::is_alphanumeric)
                        && after.is_none_or(|c| !c.is_alphanumeric() || c == 's'))
            })
        });
        if let Some((_, currency)) = named {
            return Some(Stated::OtherCurrency(currency));
        }
    }
    let found = figure::find_figures(text);
    let (own, other): (Vec<FoundFigure>, Vec<FoundFigure>) = found
        .into_iter()
        .partition(|found| figure::units_agree(found.quantity.unit, unit));
    if own.is_empty() {
        // Only figures of other units: the text does not state this annotation's figure.
        return other.into_iter().next().map(Stated::Figure);
    }
    own.into_iter()
        .find(|found| !same_value(found.quantity.value, value))
        .map(Stated::Figure)
}

fn broken_citation(id: &str, at: Location) -> Diagnostic {
    let id = id.split_whitespace().collect::<Vec<_>>().join("-");
    Diagnostic::error("E203", "this looks like a citation but is not a link")
        .at(at)
        .label("shown as plain text")
        .help(format!(
            "write `[text](@id)` with no space after `]` or inside `(@...)`, like `(@{id})`"
        ))
}

fn image_citation(dest: &str, range: &Range<usize>, citing: &Citing<'_>) -> Diagnostic {
    Diagnostic::error(
        "E204",
        format!("an image cannot cite an annotation: `!` before `[...]({dest})`"),
    )
    .at(citing.file.locate_in_body(range.clone()))
    .label("an image whose address is a citation")
    .help("remove the `!` to cite the annotation with a link")
}

/// A citation link being read.
struct Open {
    id: String,
    range: Range<usize>,
    /// The link text as the reader sees it, breaks as spaces.
    text: String,
    inner: Vec<Event<'static>>,
}

fn close_citation(
    link: Open,
    annotations: &BTreeMap<String, Citable>,
    citing: &Citing<'_>,
    out: &mut Resolution,
) {
    let Some(target) = annotations.get(&link.id) else {
        if !citing.unanchored.contains(&link.id) {
            let guess = out.diagnostics.len() < GUESSED_PROBLEMS;
            out.diagnostics
                .push(unknown_id(&link, annotations, citing, guess));
        }
        out.cited.events.extend(link.inner);
        return;
    };
    if target.kind == Kind::Figure
        && let Some(value) = target.value
        && let Some(differs) = differing_figure(&fold_str(&link.text), value, target.unit)
        && !states_the_passage(&differs, target.stated.as_ref())
    {
        let says = match differs {
            Stated::Figure(stated) => format_quantity(stated.quantity.value, stated.quantity.unit),
            Stated::OtherCurrency(currency) => format!("a figure in {currency}"),
        };
        out.diagnostics.push(
            Diagnostic::error("E202", format!("the citation says {says}, but `{}` has value {}", link.id, target.value_text.clone().unwrap_or_default()))
                .at(citing.file.locate_in_body(link.range.clone()))
                .label("this number differs from the annotation's value")
                .help("correct the number in the link text, or cite the annotation that states this number; a link text that cites one figure states only that figure"),
        );
    }
    let count = out.counts.entry(link.id.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        out.order.push(link.id.clone());
    }
    let nth = *count;
    let quoted = target.kind == Kind::Quote && !already_quoted(citing.file, &link);
    let start = out.cited.events.len();
    if link.text.trim().is_empty() {
        out.cited
            .events
            .push(Event::Text(CowStr::from(target.quote.clone())));
    } else {
        out.cited.events.extend(link.inner);
    }
    out.cited.citations.push(Citation {
        events: start..out.cited.events.len(),
        id: link.id,
        nth,
        kind: target.kind,
        href: target.href.clone(),
        quoted,
    });
}

/// Whether the editor already put quotation marks around a quote's citation, inside the link
/// text or just outside it: then the citation gets no `<q>`, whose marks would double them.
fn already_quoted(file: &MarkdownFile, link: &Open) -> bool {
    const MARKS: [char; 8] = [
        '"', '\u{201c}', '\u{201d}', '\u{201e}', '\u{ab}', '\u{bb}', '\u{2018}', '\u{2019}',
    ];
    let before = file
        .text
        .get(file.body_offset..file.body_offset + link.range.start)
        .unwrap_or("");
    let text = link.text.trim();
    before.ends_with(MARKS) || text.starts_with(MARKS) || text.ends_with(MARKS)
}

/// Past this many problems in one text, an unknown id gets no "did you mean": each guess
/// compares the id with every annotation's, and a text citing thousands of missing ids (an
/// annotation file moved away) in an archive of 50,000 annotations took minutes.
const GUESSED_PROBLEMS: usize = 100;

fn unknown_id(
    link: &Open,
    annotations: &BTreeMap<String, Citable>,
    citing: &Citing<'_>,
    guess: bool,
) -> Diagnostic {
    let diagnostic = Diagnostic::error("E201", format!("no annotation has the id `{}`", link.id))
        .at(citing.file.locate_in_body(link.range.clone()))
        .label("cited here");
    let mut near: Vec<(f64, &str)> = if guess {
        annotations
            .keys()
            .map(|id| (strsim::jaro_winkler(id, &link.id), id.as_str()))
            .filter(|(score, _)| *score > 0.75)
            .collect()
    } else {
        Vec::new()
    };
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    near.truncate(3);
    if !guess {
        diagnostic.help("the built site's annotations.html lists every annotation with its id")
    } else if near.is_empty() {
        diagnostic.help(
            "no id is close; the built site's annotations.html lists every annotation with its id",
        )
    } else {
        diagnostic.help(format!(
            "did you mean {}?",
            near.iter()
                .map(|(_, id)| format!("`@{id}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ))
    }
}

#[cfg(test)]
mod tests;

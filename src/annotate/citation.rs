//! Citations: Markdown links whose destination is `@id`.
//!
//! `[$500 billion](@stargate-total)` becomes a link to the annotation's passage; `[](@id)`
//! is filled with the annotation's quote. For a figure, a number in the link text must be
//! the annotation's value. In the briefing each citation also gets the id `cite-<id>-<n>`,
//! which the passage links back to, and every number of the prose that cites nothing is a
//! warning, so that each figure a reader sees can be traced.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::figure::{self, format_quantity, same_value};
use super::model::Kind;
use crate::content::MarkdownFile;
use crate::diagnostics::{Diagnostic, closest_name};
use crate::render::escape_html;

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
    /// For figures: how to write the value in a hint.
    pub value_text: Option<String>,
}

/// Where citations are being resolved.
pub struct Citing<'a> {
    /// The file the Markdown is in, for locating problems.
    pub file: &'a MarkdownFile,
    /// The relative path from the page to the site root (`""` or `"../"`).
    pub root: &'a str,
    /// Give each citation its `cite-<id>-<n>` id and warn about uncited figures (the briefing).
    pub briefing: bool,
    /// Annotations that exist but did not anchor: their own errors say why, so citing them
    /// is not a second error; the citation renders as plain text.
    pub unanchored: &'a HashSet<String>,
}

/// The outcome of resolving one Markdown text.
#[derive(Debug, Default)]
pub struct Resolution {
    /// The events, citations replaced by links.
    pub events: Vec<(Event<'static>, Range<usize>)>,
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
    for (event, range) in events {
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
                if let Event::Text(text) | Event::Code(text) = &event {
                    link.text.push_str(text);
                }
                link.inner.push((event, range));
            }
            (Event::Text(text), None) if citing.briefing => {
                prose.push(&text, range.clone());
                out.events.push((Event::Text(text), range));
            }
            (Event::SoftBreak, None) if citing.briefing => {
                prose.push(" ", range.clone());
                out.events.push((Event::SoftBreak, range));
            }
            (event, None) => {
                prose.flush(citing, &mut out.diagnostics);
                out.events.push((event, range));
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

    /// Warns about every figure of the run, located in the Markdown, and starts a new run.
    fn flush(&mut self, citing: &Citing<'_>, diagnostics: &mut Vec<Diagnostic>) {
        for found in figure::find_figures(&self.text) {
            let start = self.markdown_offset(found.range.start);
            let end = self.markdown_offset(found.range.end).max(start);
            diagnostics.push(
                Diagnostic::warning("W201", format!("the figure \"{}\" cites no source", &self.text[found.range.clone()]))
                    .at(citing.file.locate_in_body(start..end))
                    .label("uncited figure")
                    .help("annotate the passage that states it and cite it: `[this figure](@annotation-id)`"),
            );
        }
        self.text.clear();
        self.pieces.clear();
    }

    fn markdown_offset(&self, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|(start, _)| *start <= offset)
            .saturating_sub(1);
        self.pieces.get(index).map_or(0, |(start, range)| {
            (range.start + (offset - start)).min(range.end)
        })
    }
}

/// A citation link being read.
struct Open {
    id: String,
    range: Range<usize>,
    text: String,
    inner: Vec<(Event<'static>, Range<usize>)>,
}

fn close_citation(
    link: Open,
    annotations: &BTreeMap<String, Citable>,
    citing: &Citing<'_>,
    out: &mut Resolution,
) {
    let Some(target) = annotations.get(&link.id) else {
        if !citing.unanchored.contains(&link.id) {
            out.diagnostics.push(unknown_id(&link, annotations, citing));
        }
        out.events.extend(link.inner);
        return;
    };
    if target.kind == Kind::Figure
        && let (Some(stated), Some(value)) = (figure::first_figure(&link.text), target.value)
        && !same_value(stated.value, value)
    {
        out.diagnostics.push(
            Diagnostic::error("E202", format!("the citation says {}, but `{}` has value {}", format_quantity(stated.value, stated.unit), link.id, target.value_text.clone().unwrap_or_default()))
                .at(citing.file.locate_in_body(link.range.clone()))
                .label("this number differs from the annotation's value")
                .help("correct the number in the link text, or cite the annotation that states this number"),
        );
    }
    let count = out.counts.entry(link.id.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        out.order.push(link.id.clone());
    }
    let id_attr = if citing.briefing {
        format!(" id=\"cite-{}-{}\"", link.id, count)
    } else {
        String::new()
    };
    let open = format!(
        "<a class=\"cite cite-{}\" href=\"{}{}\"{id_attr} data-ann=\"{}\">",
        target.kind.as_str(),
        citing.root,
        escape_html(&target.href),
        link.id
    );
    out.events
        .push((Event::InlineHtml(CowStr::from(open)), link.range.clone()));
    if link.text.trim().is_empty() {
        out.events.push((
            Event::Text(CowStr::from(target.quote.clone())),
            link.range.clone(),
        ));
    } else {
        out.events.extend(link.inner);
    }
    out.events
        .push((Event::InlineHtml(CowStr::from("</a>")), link.range));
}

fn unknown_id(
    link: &Open,
    annotations: &BTreeMap<String, Citable>,
    citing: &Citing<'_>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error("E201", format!("no annotation has the id `{}`", link.id))
        .at(citing.file.locate_in_body(link.range.clone()))
        .label("cited here");
    let mut near: Vec<&str> = annotations
        .keys()
        .map(String::as_str)
        .filter(|id| strsim::jaro_winkler(id, &link.id) > 0.75)
        .collect();
    near.sort_by(|a, b| {
        strsim::jaro_winkler(b, &link.id).total_cmp(&strsim::jaro_winkler(a, &link.id))
    });
    near.truncate(3);
    match closest_name(&link.id, annotations.keys().map(String::as_str)) {
        Some(_) => diagnostic.help(format!(
            "did you mean {}?",
            near.iter()
                .map(|id| format!("`@{id}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
        None => {
            diagnostic.help("annotation ids are defined by `id:` in content/annotations/*.yaml")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::{self, MarkdownOptions};
    use std::path::PathBuf;

    fn file(body: &str) -> MarkdownFile {
        MarkdownFile {
            file: PathBuf::from("content/index.md"),
            text: format!("---\ntitle: T\n---\n{body}"),
            body_offset: 16,
        }
    }

    fn table() -> BTreeMap<String, Citable> {
        let mut table = BTreeMap::new();
        table.insert(
            "stargate-total".to_string(),
            Citable {
                kind: Kind::Figure,
                href: "sources/a.html#ann-stargate-total".to_string(),
                quote: "$500 billion".to_string(),
                value: Some(500e9),
                value_text: Some("$500 billion".to_string()),
            },
        );
        table
    }

    fn run(body: &str) -> (String, Resolution) {
        let file = file(body);
        let parsed = markdown::parse(
            file.body(),
            MarkdownOptions {
                smart_punctuation: true,
                allow_html: true,
            },
        );
        let unanchored = HashSet::new();
        let citing = Citing {
            file: &file,
            root: "",
            briefing: true,
            unanchored: &unanchored,
        };
        let mut resolution = resolve(parsed.events, &table(), &citing);
        let html = markdown::render(
            std::mem::take(&mut resolution.events)
                .into_iter()
                .map(|(e, _)| e),
        );
        (html, resolution)
    }

    #[test]
    fn citation_links_to_the_passage_with_a_numbered_id() {
        let (html, resolution) =
            run("A [$500 billion](@stargate-total) pledge, [again](@stargate-total).\n");
        assert!(html.contains("<a class=\"cite cite-figure\" href=\"sources/a.html#ann-stargate-total\" id=\"cite-stargate-total-1\""), "{html}");
        assert!(html.contains("id=\"cite-stargate-total-2\""), "{html}");
        assert_eq!(resolution.counts["stargate-total"], 2);
        assert!(
            resolution.diagnostics.is_empty(),
            "{:?}",
            resolution.diagnostics
        );
    }

    #[test]
    fn empty_text_is_filled_with_the_quote() {
        let (html, _) = run("Pledge: [](@stargate-total).\n");
        assert!(html.contains(">$500 billion</a>"), "{html}");
    }

    #[test]
    fn a_different_number_is_an_error() {
        let (_, resolution) = run("A [$50 billion](@stargate-total) pledge.\n");
        assert_eq!(resolution.diagnostics[0].code, "E202");
        assert_eq!(
            resolution.diagnostics[0].location.as_ref().map(|l| l.line),
            Some(4)
        );
    }

    #[test]
    fn unknown_id_names_the_closest() {
        let (_, resolution) = run("See [it](@stargate-totl).\n");
        assert_eq!(resolution.diagnostics[0].code, "E201");
        assert_eq!(
            resolution.diagnostics[0].help.as_deref(),
            Some("did you mean `@stargate-total`?")
        );
    }

    #[test]
    fn figure_wrapped_over_two_lines_is_read_whole() {
        let (_, resolution) = run("Funds far less than $10\nbillion, he said.\n");
        assert_eq!(
            resolution.diagnostics.len(),
            1,
            "{:?}",
            resolution.diagnostics
        );
        assert!(
            resolution.diagnostics[0].message.contains("$10 billion"),
            "{}",
            resolution.diagnostics[0].message
        );
        assert_eq!(
            resolution.diagnostics[0]
                .location
                .as_ref()
                .map(|l| (l.line, l.column)),
            Some((4, 7))
        );
    }

    #[test]
    fn uncited_figure_is_a_warning() {
        let (_, resolution) = run("It costs $80 billion, or [$500 billion](@stargate-total).\n");
        let warnings: Vec<_> = resolution.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(warnings, ["W201"]);
        assert!(resolution.diagnostics[0].message.contains("$80 billion"));
    }
}

//! What the annotation layer adds to pages: marked passages with their notes on source pages,
//! corroboration beside the briefing's citations, the key-figures table, and the views that
//! `annotations.html` lists. Everything here reads the resolved model; nothing is checked here.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, TagEnd};
use serde::Serialize;
use tera::Context;

use super::citations::{self, Linking};
use super::passages::{self, Mark};
use super::theme::Theme;
use super::wordings::{Wording, wordings};
use crate::annotate::citation::Cited;
use crate::annotate::figure::same_value;
use crate::annotate::figure::value_text;
use crate::annotate::model::Kind;
use crate::annotate::resolve::{Anchored, Passage, Resolved};
use crate::content::Source;
use crate::diagnostics::Diagnostic;

/// Where a source's passages are rendered: on the source's own page, or inside `print.html`,
/// which holds every source at the site root and so needs other links and unique ids.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// The relative path to the site root.
    pub root: &'a str,
    /// Put before every element id, so two sources on one page cannot clash.
    pub id_prefix: &'a str,
}

impl Placement<'static> {
    /// A source's own page, `sources/<slug>.html`.
    pub const SOURCE_PAGE: Placement<'static> = Placement {
        root: "../",
        id_prefix: "",
    };
}

/// One passage of a source, with its annotation.
#[derive(Debug, Clone, Copy)]
pub struct SourcePassage<'a> {
    /// The annotation.
    pub anchored: &'a Anchored,
    /// Its passage in this source.
    pub passage: &'a Passage,
}

/// Each source's passages, in annotation order: one pass over the annotations, so a source
/// page reads its own passages and never the whole archive's.
pub fn passages_by_source(resolved: &Resolved, sources: usize) -> Vec<Vec<SourcePassage<'_>>> {
    let mut by_source = vec![Vec::new(); sources];
    for anchored in &resolved.annotations {
        for passage in anchored.passages.iter() {
            by_source[passage.source].push(SourcePassage { anchored, passage });
        }
    }
    by_source
}

/// A source's body with its passages (from [`passages_by_source`]) marked, numbered 1, 2, 3
/// down the page, each block's notes in one group after it; the badge, each note and each
/// group come from the theme's `partials/`.
pub fn source_html(
    source: &Source,
    passages: &[SourcePassage<'_>],
    placement: Placement<'_>,
    theme: &Theme,
) -> Result<String, Diagnostic> {
    let ranges: Vec<Range<usize>> = passages.iter().map(|p| p.passage.range.clone()).collect();
    let mut marks = Vec::with_capacity(passages.len());
    for (position, index) in passages::reading_order(&ranges).into_iter().enumerate() {
        let SourcePassage { anchored, passage } = passages[index];
        let number = position + 1;
        let note_html = note_html(anchored, placement.root, theme)?.unwrap_or_default();
        let note = NoteView::new(anchored, passage, placement, number, &note_html);
        let mut context = Context::new();
        context.insert("note", &note);
        context.insert("root", placement.root);
        marks.push(Mark {
            range: passage.range.clone(),
            class: format!("ann ann-{}", note.kind),
            annotation: anchored.annotation.id.clone(),
            description: format!("annotated {} {number}", note.kind),
            after: theme.render("partials/badge.html", &context)?,
            aside: theme.render("partials/note.html", &context)?,
            dom_id: note.dom_id,
            number,
        });
    }
    let mut failure = None;
    let mut group = |notes: &[&Mark]| {
        let numbers: Vec<usize> = notes.iter().map(|m| m.number).collect();
        let mut context = Context::new();
        context.insert("numbers", &numbers);
        context.insert(
            "notes",
            &notes.iter().map(|m| m.aside.as_str()).collect::<String>(),
        );
        theme
            .render("partials/notes.html", &context)
            .unwrap_or_else(|problem| {
                failure.get_or_insert(problem);
                String::new()
            })
    };
    let events = passages::apply(&source.parsed(), &marks, &mut group);
    match failure {
        Some(problem) => Err(problem),
        None => Ok(crate::markdown::render(events.into_iter())),
    }
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Figure => "Figure",
        Kind::Quote => "Quote",
        Kind::Note => "Note",
    }
}

/// What `partials/note.html` and `partials/badge.html` receive as `note`.
#[derive(Debug, Serialize)]
struct NoteView<'a> {
    /// The element id of the passage (`ann-<id>`); the note's is `note-` and this.
    dom_id: String,
    /// The annotation id.
    id: &'a str,
    /// The number on this page, in reading order.
    number: usize,
    kind: &'static str,
    kind_label: &'static str,
    speaker: Option<&'a str>,
    value: Option<String>,
    note_html: &'a str,
    /// Links to each citation in the briefing, relative to the page.
    citations: Vec<String>,
    /// How many sources state it: more than one links to the comparison.
    sources: usize,
    /// The comparison on `annotations.html`, relative to the page.
    compare: String,
}

impl<'a> NoteView<'a> {
    fn new(
        anchored: &'a Anchored,
        passage: &Passage,
        placement: Placement<'_>,
        number: usize,
        note_html: &'a str,
    ) -> NoteView<'a> {
        let root = placement.root;
        let annotation = &anchored.annotation;
        NoteView {
            dom_id: format!("{}{}", placement.id_prefix, passage.dom_id),
            id: &annotation.id,
            number,
            kind: annotation.kind.as_str(),
            kind_label: kind_label(annotation.kind),
            speaker: annotation.speaker.as_deref(),
            value: annotation.value.map(|v| value_text(v, annotation.unit)),
            note_html,
            citations: (1..=anchored.citations)
                .map(|n| format!("{root}index.html#cite-{}-{n}", annotation.id))
                .collect(),
            sources: anchored.passages.len(),
            compare: format!("{root}annotations.html#{}", annotation.id),
        }
    }
}

/// An annotation's note as HTML on a page `root` away from the site root.
pub fn note_html(
    anchored: &Anchored,
    root: &str,
    theme: &Theme,
) -> Result<Option<String>, Diagnostic> {
    let linking = Linking {
        root,
        anchors: false,
    };
    anchored
        .note
        .as_ref()
        .map(|note| citations::html(note, linking, theme))
        .transpose()
}

/// A briefing's body (resolved, on a page `root` away from the site root): citations as
/// links, and after the block of the first citation of an annotation with several sources,
/// how each source words it (`partials/corroboration.html`).
pub fn briefing_html(
    body: &Cited,
    resolved: &Resolved,
    sources: &[Source],
    root: &str,
    theme: &Theme,
) -> Result<String, Diagnostic> {
    let corroborated: HashMap<&str, &Anchored> = resolved
        .annotations
        .iter()
        .filter(|a| a.passages.len() > 1)
        .map(|a| (a.annotation.id.as_str(), a))
        .collect();
    let linking = Linking {
        root,
        anchors: true,
    };
    let events = citations::events(body, linking, theme)?;
    let mut out: Vec<Event<'static>> = Vec::with_capacity(events.len());
    let mut pending: Vec<String> = Vec::new();
    for (event, citation) in events {
        if let Some(citation) = citation.filter(|c| c.nth == 1)
            && let Some(anchored) = corroborated.get(citation.id.as_str())
        {
            let mut context = Context::new();
            context.insert("claim", &view(anchored, sources, theme)?);
            context.insert("root", root);
            pending.push(theme.render("partials/corroboration.html", &context)?);
        }
        let ends_block = matches!(
            event,
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_))
        );
        out.push(event);
        if ends_block {
            out.extend(
                pending
                    .drain(..)
                    .map(|html| Event::Html(CowStr::from(html))),
            );
        }
    }
    out.extend(
        pending
            .into_iter()
            .map(|html| Event::Html(CowStr::from(html))),
    );
    Ok(crate::markdown::render(out.into_iter()))
}

/// How many distinct sources state a figure's value.
pub fn corroborated(anchored: &Anchored) -> usize {
    let Some(value) = anchored.annotation.value else {
        return 0;
    };
    let mut sources: Vec<usize> = anchored
        .passages
        .iter()
        .filter(|p| {
            p.stated
                .as_ref()
                .is_some_and(|q| same_value(q.value, value))
        })
        .map(|p| p.source)
        .collect();
    sources.sort_unstable();
    sources.dedup();
    sources.len()
}

/// A row of the briefing's key-figures table.
#[derive(Debug, Serialize)]
pub struct KeyFigure {
    /// The annotation id.
    pub id: String,
    /// Its display number.
    pub number: usize,
    /// What the figure is: its `label`, else the first line of its note, else its quote.
    pub label: String,
    /// The value as a reader writes it: "$500 billion".
    pub value: String,
    /// The value as a number, for charts.
    pub amount: f64,
    /// The unit name: "USD".
    pub unit: String,
    /// Whether the editor put it in the chart (`chart: true`).
    pub chart: bool,
    /// Who states it, for claims: a figure with a speaker is someone's claim.
    pub speaker: Option<String>,
    /// The sources that state it, each linking to its passage.
    pub sources: Vec<Wording>,
    /// How many sources state the same value.
    pub corroborated: usize,
}

/// The key-figures table of the briefing: every figure it cites, in display order.
pub fn key_figures(resolved: &Resolved, sources: &[Source]) -> Vec<KeyFigure> {
    resolved
        .annotations
        .iter()
        .filter(|a| a.annotation.kind == Kind::Figure && a.citations > 0)
        .filter_map(|a| {
            let value = a.annotation.value?;
            Some(KeyFigure {
                id: a.annotation.id.clone(),
                number: a.number,
                label: label(a),
                value: value_text(value, a.annotation.unit),
                amount: value,
                unit: a.annotation.unit.map_or("", |u| u.as_str()).to_string(),
                chart: a.annotation.chart,
                speaker: a.annotation.speaker.clone(),
                sources: wordings(a, sources, ""),
                corroborated: corroborated(a),
            })
        })
        .collect()
}

/// What an annotation is about, in a few words: its `label`, else its note's first line,
/// else its first quote.
pub(crate) fn label(anchored: &Anchored) -> String {
    let annotation = &anchored.annotation;
    annotation
        .label
        .clone()
        .or_else(|| {
            annotation
                .note
                .as_deref()
                .and_then(|note| note.lines().map(str::trim).find(|l| !l.is_empty()))
                .map(str::to_string)
        })
        .unwrap_or_else(|| annotation.targets[0].quote.trim().to_string())
}

/// One annotation, as `annotations.html` and the corroboration boxes show it.
#[derive(Debug, Serialize)]
pub struct AnnotationView {
    /// The id, also the element id on the page.
    pub id: String,
    /// Display number.
    pub number: usize,
    /// "figure", "quote" or "note".
    pub kind: &'static str,
    /// What it is about, in a few words (see `label` in docs/annotations.md).
    pub label: String,
    /// Who said it.
    pub speaker: Option<String>,
    /// For figures, the value as written by a reader.
    pub value: Option<String>,
    /// The note as HTML.
    pub note_html: Option<String>,
    /// Each source's wording; the first is the reference the others are compared with.
    pub wordings: Vec<Wording>,
    /// The slugs of the sources that word it, for filters.
    pub sources: Vec<String>,
    /// Links to each citation in the briefing.
    pub citations: Vec<String>,
    /// How many sources state the same value (figures).
    pub corroborated: usize,
    /// How many sources carry it.
    pub reported_by: usize,
    /// How many of them are independent (not joined by `based_on`).
    pub independent: usize,
    /// "reported by 3 sources, 2 independent", when more than one source carries it.
    pub reports: Option<String>,
}

/// One annotation's view, links relative to the site root.
pub fn view(
    anchored: &Anchored,
    sources: &[Source],
    theme: &Theme,
) -> Result<AnnotationView, Diagnostic> {
    let annotation = &anchored.annotation;
    let wordings = wordings(anchored, sources, "");
    let mut slugs: Vec<String> = wordings.iter().map(|w| w.source.clone()).collect();
    slugs.dedup();
    Ok(AnnotationView {
        id: annotation.id.clone(),
        number: anchored.number,
        kind: annotation.kind.as_str(),
        label: label(anchored),
        speaker: annotation.speaker.clone(),
        value: annotation.value.map(|v| value_text(v, annotation.unit)),
        note_html: note_html(anchored, "", theme)?,
        wordings,
        sources: slugs,
        citations: (1..=anchored.citations)
            .map(|n| format!("index.html#cite-{}-{n}", annotation.id))
            .collect(),
        corroborated: corroborated(anchored),
        reported_by: anchored.reported_by,
        independent: anchored.independent,
        reports: anchored.reports(),
    })
}

//! What the annotation layer adds to pages: marked passages with their notes on source pages,
//! corroboration beside the briefing's citations, the key-figures table, and the views that
//! `annotations.html` lists. Everything here reads the resolved model; nothing is checked here.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, TagEnd};
use serde::Serialize;

use super::escape_html;
use super::passages::{self, Mark};
use crate::annotate::diff::{WordChange, diff_words};
use crate::annotate::figure::same_value;
use crate::annotate::jsonld::{self, ExportAnnotation, ExportTarget};
use crate::annotate::model::Kind;
use crate::annotate::resolve::{Anchored, Passage, Resolved, value_text};
use crate::content::Source;

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
        for passage in &anchored.passages {
            by_source[passage.source].push(SourcePassage { anchored, passage });
        }
    }
    by_source
}

/// A source's body with its passages (from [`passages_by_source`]) marked.
pub fn source_html(
    source: &Source,
    passages: &[SourcePassage<'_>],
    placement: Placement<'_>,
) -> String {
    let marks: Vec<Mark> = passages
        .iter()
        .map(|&SourcePassage { anchored, passage }| {
            let dom_id = format!("{}{}", placement.id_prefix, passage.dom_id);
            let kind = anchored.annotation.kind.as_str();
            Mark {
                range: passage.range.clone(),
                class: format!("ann ann-{kind}"),
                annotation: anchored.annotation.id.clone(),
                description: format!("annotated {kind} {}", anchored.number),
                after: format!(
                    "<a class=\"ann-num\" href=\"#note-{dom_id}\" aria-label=\"end of annotated {kind} {n}, see note\">{n}</a>",
                    n = anchored.number
                ),
                aside: note_aside(anchored, passage, source, placement, &dom_id),
                dom_id,
            }
        })
        .collect();
    super::markdown::render(passages::apply(&source.body, &marks).into_iter())
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Figure => "Figure",
        Kind::Quote => "Quote",
        Kind::Note => "Note",
    }
}

/// The aside after a passage: number, kind, who or how much, the note, and the way back.
fn note_aside(
    anchored: &Anchored,
    passage: &Passage,
    source: &Source,
    placement: Placement<'_>,
    dom_id: &str,
) -> String {
    let root = placement.root;
    let annotation = &anchored.annotation;
    let mut head = format!(
        "<span class=\"ann-num\">{}</span> <span class=\"ann-kind\">{}</span>",
        anchored.number,
        kind_label(annotation.kind)
    );
    if let Some(speaker) = &annotation.speaker {
        head.push_str(&format!(
            " · <span class=\"ann-speaker\">{}</span>",
            escape_html(speaker)
        ));
    }
    if let Some(value) = annotation.value {
        head.push_str(&format!(
            " · <span class=\"ann-value\">{}</span>",
            escape_html(&value_text(value, annotation))
        ));
    }
    let note = anchored.note_html.as_ref().map_or("", |[at_root, nested]| {
        if root.is_empty() {
            at_root.as_str()
        } else {
            nested.as_str()
        }
    });
    let mut links: Vec<String> = (1..=anchored.citations)
        .map(|n| {
            format!(
                "<a href=\"{root}index.html#cite-{id}-{n}\">citation {n} in the briefing</a>",
                id = annotation.id
            )
        })
        .collect();
    if anchored.citations == 0 {
        links.push("not cited in the briefing".to_string());
    }
    links.push(format!(
        "<a href=\"{root}annotations.html#{}\">all sources</a>",
        annotation.id
    ));
    // The link to the original, with its separator, in a span of its own: print hides it
    // (a text-fragment URL is no use on paper) without leaving a dangling separator.
    let original = source.meta.url.as_ref().map_or(String::new(), |url| {
        format!(
            "<span class=\"ann-original\"> · <a rel=\"external noopener\" href=\"{}\">at the original</a></span>",
            escape_html(&text_fragment(url, &passage.exact))
        )
    });
    format!(
        "<aside class=\"ann-note ann-{kind}\" id=\"note-{dom}\" aria-label=\"Annotation {n}\">\n<p class=\"ann-head\">{head}</p>\n{note}<p class=\"ann-links\">{links}{original}</p>\n</aside>\n",
        kind = annotation.kind.as_str(),
        dom = dom_id,
        n = anchored.number,
        links = links.join(" · ")
    )
}

/// A link to `url` scrolled to `exact` (Text Fragments): `-`, `,` and `&` are
/// percent-encoded because they are the directive's own syntax.
pub fn text_fragment(url: &str, exact: &str) -> String {
    let base = url.split('#').next().unwrap_or(url);
    let words = exact.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{base}#:~:text={}", percent_encode(&words))
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'.' | b'_' | b'~' | b'!' | b'*' | b'(' | b')' | b'\'')
        {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A briefing's body (`events`, resolved, on a page `root` away from the site root):
/// citations as links, and after the block of the first citation of an annotation with
/// several sources, how each source words it.
pub fn briefing_html(
    events: &[Event<'static>],
    resolved: &Resolved,
    sources: &[Source],
    root: &str,
) -> String {
    let corroborated: HashMap<&str, &Anchored> = resolved
        .annotations
        .iter()
        .filter(|a| a.passages.len() > 1)
        .map(|a| (a.annotation.id.as_str(), a))
        .collect();
    let mut out: Vec<Event<'static>> = Vec::with_capacity(events.len());
    let mut pending: Vec<String> = Vec::new();
    for event in events {
        if let Event::InlineHtml(html) = event
            && let Some(anchored) = first_citation_of(html).and_then(|id| corroborated.get(id))
        {
            pending.push(corroboration_aside(anchored, sources, root));
        }
        let ends_block = matches!(
            event,
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_))
        );
        out.push(event.clone());
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
    super::markdown::render(out.into_iter())
}

/// The annotation id of a citation link's opening tag when it is the first citation of its
/// annotation: `... id="cite-<id>-1" ...`.
fn first_citation_of(html: &str) -> Option<&str> {
    let start = html.find(" id=\"cite-")? + " id=\"cite-".len();
    let rest = &html[start..];
    rest[..rest.find('"')?].strip_suffix("-1")
}

fn corroboration_aside(anchored: &Anchored, sources: &[Source], root: &str) -> String {
    let wordings = wordings(anchored, sources, root);
    let items: String = wordings
        .iter()
        .map(|w| {
            format!(
                "<li><a href=\"{}\">{}</a>: <q>{}</q></li>\n",
                escape_html(&w.href),
                escape_html(&w.outlet),
                w.quote_html
            )
        })
        .collect();
    format!(
        "<aside class=\"corroboration\" aria-label=\"How the sources word it\">\n<p class=\"corroboration-head\">How the sources word it{}</p>\n<ul>\n{items}</ul>\n</aside>\n",
        corroborated_label(anchored)
    )
}

fn corroborated_label(anchored: &Anchored) -> String {
    reports(anchored).map_or_else(String::new, |text| format!(" · {text}"))
}

/// "reported by 3 sources, 2 independent": sources joined by `based_on` are one report.
pub fn reports(anchored: &Anchored) -> Option<String> {
    (anchored.reported_by > 1).then(|| {
        format!(
            "reported by {} sources, {} independent",
            anchored.reported_by, anchored.independent
        )
    })
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
    /// The passage as HTML, the words that differ from the other wording in `<mark>`.
    pub quote_html: String,
}

/// Each target's wording; with two or more, the words that differ from the first wording
/// (and, for the first, from the second) are marked.
pub fn wordings(anchored: &Anchored, sources: &[Source], root: &str) -> Vec<Wording> {
    let exacts: Vec<&str> = anchored.passages.iter().map(|p| p.exact.as_str()).collect();
    anchored
        .passages
        .iter()
        .enumerate()
        .map(|(index, passage)| {
            let source = &sources[passage.source];
            let other = if index == 0 {
                exacts.get(1)
            } else {
                exacts.first()
            };
            let quote_html = match other {
                Some(other) => marked_differences(other, &passage.exact),
                None => escape_html(&passage.exact),
            };
            Wording {
                source: source.slug.clone(),
                title: source.meta.title.clone(),
                outlet: source.meta.outlet.clone(),
                href: format!("{root}sources/{}.html#{}", source.slug, passage.dom_id),
                line: passage.line,
                quote_html,
            }
        })
        .collect()
}

/// `text` as HTML with the words absent from `other` marked.
fn marked_differences(other: &str, text: &str) -> String {
    diff_words(other, text)
        .into_iter()
        .filter_map(|change| match change {
            WordChange::Same(word) => Some(escape_html(word)),
            WordChange::Added(word) => Some(format!(
                "<mark class=\"differs\">{}</mark>",
                escape_html(word)
            )),
            WordChange::Removed(_) => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A row of the briefing's key-figures table.
#[derive(Debug, Serialize)]
pub struct KeyFigure {
    /// The annotation id.
    pub id: String,
    /// Its display number.
    pub number: usize,
    /// What the figure is: the first line of its note, or its quote.
    pub label: String,
    /// The value as a reader writes it: "$500 billion".
    pub value: String,
    /// The value as a number, for charts.
    pub amount: f64,
    /// The unit name: "USD".
    pub unit: String,
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
                value: value_text(value, &a.annotation),
                amount: value,
                unit: a.annotation.unit.map_or("", |u| u.as_str()).to_string(),
                sources: wordings(a, sources, ""),
                corroborated: corroborated(a),
            })
        })
        .collect()
}

/// How an annotation is named in lists: its `label`, else the first line of its note, or its quote.
pub(crate) fn label(anchored: &Anchored) -> String {
    if let Some(label) = &anchored.annotation.label {
        return label.clone();
    }
    anchored
        .annotation
        .note
        .as_deref()
        .and_then(|note| note.lines().map(str::trim).find(|l| !l.is_empty()))
        .map_or_else(
            || anchored.annotation.targets[0].quote.trim().to_string(),
            str::to_string,
        )
}

/// One annotation, as `annotations.html` lists it.
#[derive(Debug, Serialize)]
pub struct AnnotationView {
    /// The id, also the element id on the page.
    pub id: String,
    /// Display number.
    pub number: usize,
    /// "figure", "quote" or "note".
    pub kind: &'static str,
    /// Who said it.
    pub speaker: Option<String>,
    /// For figures, the value as written by a reader.
    pub value: Option<String>,
    /// The note as HTML.
    pub note_html: Option<String>,
    /// Each source's wording.
    pub wordings: Vec<Wording>,
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
    /// The annotation file.
    pub file: String,
    /// The line of its id.
    pub line: usize,
}

/// Every annotation, in display order.
pub fn views(resolved: &Resolved, sources: &[Source]) -> Vec<AnnotationView> {
    resolved
        .annotations
        .iter()
        .map(|a| AnnotationView {
            id: a.annotation.id.clone(),
            number: a.number,
            kind: a.annotation.kind.as_str(),
            speaker: a.annotation.speaker.clone(),
            value: a.annotation.value.map(|v| value_text(v, &a.annotation)),
            note_html: a.note_html.as_ref().map(|[root, _]| root.clone()),
            wordings: wordings(a, sources, ""),
            citations: (1..=a.citations)
                .map(|n| format!("index.html#cite-{}-{n}", a.annotation.id))
                .collect(),
            corroborated: corroborated(a),
            reported_by: a.reported_by,
            independent: a.independent,
            reports: reports(a),
            file: a.annotation.at.file.display().to_string(),
            line: a.annotation.at.line,
        })
        .collect()
}

/// How many characters of context a TextQuoteSelector carries on each side.
const SELECTOR_CONTEXT: usize = 32;

/// `annotations.jsonld`: the W3C Web Annotation export of every annotation.
pub fn json_ld(
    resolved: &Resolved,
    sources: &[Source],
    site_title: &str,
    base_url: Option<&str>,
) -> String {
    let chars = char_offsets(resolved, sources);
    let exported: Vec<ExportAnnotation> = resolved
        .annotations
        .iter()
        .map(|anchored| {
            let annotation = &anchored.annotation;
            ExportAnnotation {
                id: annotation.id.clone(),
                kind: annotation.kind.as_str(),
                note: annotation.note.clone(),
                speaker: annotation.speaker.clone(),
                value: annotation.value,
                unit: annotation.unit.map(|u| u.as_str()),
                reports: reports(anchored),
                targets: anchored
                    .passages
                    .iter()
                    .map(|p| export_target(p, &sources[p.source], &chars))
                    .collect(),
            }
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&jsonld::collection(&exported, site_title, base_url))
            .unwrap_or_default();
    text.push('\n');
    text
}

/// The character offset of each passage's start, by (source, byte offset): one pass over each
/// source's text, however many passages it has.
fn char_offsets(resolved: &Resolved, sources: &[Source]) -> HashMap<(usize, usize), usize> {
    let mut starts: Vec<(usize, usize)> = resolved
        .annotations
        .iter()
        .flat_map(|a| a.passages.iter().map(|p| (p.source, p.range.start)))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut offsets = HashMap::with_capacity(starts.len());
    let mut counted = (usize::MAX, 0, 0);
    for (source, start) in starts {
        let (from, chars) = if counted.0 == source {
            (counted.1, counted.2)
        } else {
            (0, 0)
        };
        let chars = chars + sources[source].body.text.text[from..start].chars().count();
        counted = (source, start, chars);
        offsets.insert((source, start), chars);
    }
    offsets
}

fn export_target(
    passage: &Passage,
    source: &Source,
    chars: &HashMap<(usize, usize), usize>,
) -> ExportTarget {
    let text = &source.body.text.text;
    let before = &text[..passage.range.start];
    let after = &text[passage.range.end..];
    let prefix: String = before
        .chars()
        .rev()
        .take(SELECTOR_CONTEXT)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let start = chars
        .get(&(passage.source, passage.range.start))
        .copied()
        .unwrap_or_else(|| before.chars().count());
    ExportTarget {
        page: format!("sources/{}.html", source.slug),
        original_url: source.meta.url.clone(),
        exact: passage.exact.clone(),
        prefix,
        suffix: after.chars().take(SELECTOR_CONTEXT).collect(),
        start,
        end: start + passage.exact.chars().count(),
    }
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
            marked_differences(
                "They don't actually have the money",
                "actually have no money"
            ),
            "actually have <mark class=\"differs\">no</mark> money"
        );
    }
}

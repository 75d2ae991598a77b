//! The W3C Web Annotation export (`annotations.jsonld`), so that annotation tools and
//! archives can reuse the site's anchors without scraping its HTML. It must pass every MUST
//! assertion of the Working Group's test suite, which checks every `id`, `source` and `scope`
//! as an absolute URI (RFC 3986): that constraint decides every IRI choice below.
//!
//! - IRIs. With a `base_url`, an annotation is `{base}/annotations.html#{id}`, the collection
//!   `{base}/annotations.jsonld`, a local page `{base}/sources/<slug>.html`. Without one, no
//!   absolute URL of the site may appear (the site works offline and under any sub-path) and a
//!   relative reference is not a URI, so the export uses URNs instead: `urn:brief:annotation:{id}`,
//!   `urn:brief:collection`, and `urn:brief:page:sources/<slug>.html`, whose part after
//!   `urn:brief:page:` is the page's path relative to the site root.
//! - Targets. One `SpecificResource` per target. Its `source` is the original article when its
//!   URL is known, because that is the resource the passage belongs to; the local page then goes
//!   in `scope` (model §4.6: the resource that gives the context of this annotation), since
//!   both selectors count characters in the rendered text of that page, not in the original's
//!   HTML. Without an original URL, the local page is the `source` and there is no `scope`.
//!   Each target has a `TextQuoteSelector` (empty `prefix`/`suffix` left out) and a
//!   `TextPositionSelector`, alternatives in the model's sense.
//! - Bodies say what the annotation adds: a figure's value and unit (purpose `describing`), a
//!   quote's speaker (`identifying`), the note as Markdown (`commenting`). The motivation is the
//!   purpose of the first body, or `highlighting` when there is no body (the model allows none).
//! - URLs from content are converted from IRI to URI (non-ASCII and unsafe characters are
//!   percent-encoded); an original URL without a scheme is treated as unknown rather than
//!   exported as an invalid IRI.

use std::collections::HashMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::model::Kind;
use super::resolve::{Passage, Resolved};
use crate::content::Source;

/// The JSON-LD context every Web Annotation document names.
const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// One target of an annotation, as the export needs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportTarget {
    /// The local page of the source, relative to the site root: `sources/<slug>.html`.
    pub page: String,
    /// The original article's URL, when known (https://...).
    pub original_url: Option<String>,
    /// The exact text of the passage as it appears in the source's rendered text.
    pub exact: String,
    /// Up to 32 characters of the source's rendered text just before the passage (may be
    /// empty at the start).
    pub prefix: String,
    /// Up to 32 characters of the source's rendered text just after the passage (may be empty
    /// at the end).
    pub suffix: String,
    /// Character (Unicode scalar) offset where the passage starts in the source's rendered text
    /// (TextPositionSelector semantics).
    pub start: usize,
    /// Character offset just past the passage's end.
    pub end: usize,
}

/// One annotation, as the export needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportAnnotation {
    /// The annotation's id, `[a-z0-9-]+`; becomes the fragment or last part of its IRI.
    pub id: String,
    /// What it is.
    pub kind: Kind,
    /// The editor's note, Markdown.
    pub note: Option<String>,
    /// Who said a quote.
    pub speaker: Option<String>,
    /// The number a figure states.
    pub value: Option<f64>,
    /// The unit of `value` (USD, jobs, ...).
    pub unit: Option<&'static str>,
    /// How many sources, and independent reports, carry it: "reported by 3 sources, 2
    /// independent"; exported as an `assessing` body.
    pub reports: Option<String>,
    /// Where the passage is; at least one.
    pub targets: Vec<ExportTarget>,
}

/// The AnnotationCollection (JSON-LD), ready to serialise: deterministic (same input -> same
/// bytes), and written item by item from `items` as it is serialised, so the export of tens of
/// thousands of annotations never exists as a tree of values.
///
/// Each item repeats `@context`, so that every annotation is a complete Web Annotation on its
/// own, as the model's tests check them. An empty collection has no `first`/`last` page (the
/// model requires them only when there are annotations). Keys are written in sorted order, as
/// a `serde_json` map writes them.
pub struct Collection<'a, I> {
    iris: Iris,
    label: &'a str,
    total: usize,
    /// Cloned to walk the annotations: an iterator over the model, cheap to clone.
    items: I,
}

/// The collection of `annotations`.
pub fn collection<'a>(
    annotations: &'a [ExportAnnotation],
    site_title: &'a str,
    base_url: Option<&str>,
) -> Collection<'a, impl Iterator<Item = ExportAnnotation> + Clone + 'a> {
    Collection {
        iris: Iris::new(base_url),
        label: site_title,
        total: annotations.len(),
        items: annotations.iter().cloned(),
    }
}

impl<I: Iterator<Item = ExportAnnotation> + Clone> Serialize for Collection<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let page = (self.total > 0).then(|| self.iris.page());
        let mut out = serializer.serialize_map(None)?;
        out.serialize_entry("@context", CONTEXT)?;
        if let Some(page) = &page {
            out.serialize_entry(
                "first",
                &AnnotationPage {
                    id: page,
                    items: Items {
                        items: self.items.clone(),
                        iris: &self.iris,
                    },
                    part_of: &self.iris.collection(),
                    start_index: 0,
                    kind: "AnnotationPage",
                },
            )?;
        }
        out.serialize_entry("id", &self.iris.collection())?;
        out.serialize_entry("label", self.label)?;
        if let Some(page) = &page {
            out.serialize_entry("last", page)?;
        }
        out.serialize_entry("total", &self.total)?;
        out.serialize_entry("type", "AnnotationCollection")?;
        out.end()
    }
}

/// The collection's one page.
#[derive(Serialize)]
#[serde(bound = "")]
struct AnnotationPage<'a, I: Iterator<Item = ExportAnnotation> + Clone> {
    id: &'a str,
    items: Items<'a, I>,
    #[serde(rename = "partOf")]
    part_of: &'a str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The annotations of the page, each made and written in turn.
struct Items<'a, I> {
    items: I,
    iris: &'a Iris,
}

impl<I: Iterator<Item = ExportAnnotation> + Clone> Serialize for Items<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.clone().map(|a| annotation(&a, self.iris)))
    }
}

/// How the site's own resources are named: under the base URL, or as URNs when there is none.
struct Iris {
    base: Option<String>,
}

impl Iris {
    fn new(base_url: Option<&str>) -> Self {
        let base = base_url
            .map(|b| b.trim().trim_end_matches('/'))
            .filter(|b| has_scheme(b))
            .map(|b| escape(b, URI));
        Iris { base }
    }

    fn collection(&self) -> String {
        match &self.base {
            Some(base) => format!("{base}/annotations.jsonld"),
            None => "urn:brief:collection".to_string(),
        }
    }

    fn page(&self) -> String {
        match &self.base {
            Some(base) => format!("{base}/annotations.jsonld#page-1"),
            None => "urn:brief:collection:page-1".to_string(),
        }
    }

    fn annotation(&self, id: &str) -> String {
        let id = escape(id, UNRESERVED);
        match &self.base {
            Some(base) => format!("{base}/annotations.html#{id}"),
            None => format!("urn:brief:annotation:{id}"),
        }
    }

    fn local_page(&self, page: &str) -> String {
        let page = escape(page.trim_start_matches('/'), PATH);
        match &self.base {
            Some(base) => format!("{base}/{page}"),
            None => format!("urn:brief:page:{page}"),
        }
    }
}

/// One Web Annotation.
#[derive(Serialize)]
struct WebAnnotation {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    body: Vec<TextualBody>,
    id: String,
    motivation: &'static str,
    target: Vec<SpecificResource>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TextualBody {
    format: &'static str,
    purpose: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

#[derive(Serialize)]
struct SpecificResource {
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    selector: (TextQuoteSelector, TextPositionSelector),
    source: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TextQuoteSelector {
    exact: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    prefix: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    suffix: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TextPositionSelector {
    end: usize,
    start: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn annotation(a: &ExportAnnotation, iris: &Iris) -> WebAnnotation {
    let body = bodies(a);
    WebAnnotation {
        context: CONTEXT,
        motivation: body.first().map_or("highlighting", |b| b.purpose),
        body,
        id: iris.annotation(&a.id),
        target: a.targets.iter().map(|t| target(t, iris)).collect(),
        kind: "Annotation",
    }
}

fn bodies(a: &ExportAnnotation) -> Vec<TextualBody> {
    let textual = |value: String, format: &'static str, purpose: &'static str| TextualBody {
        format,
        purpose,
        kind: "TextualBody",
        value,
    };
    let mut out = Vec::new();
    if a.kind == Kind::Figure
        && let Some(value) = a.value.filter(|v| v.is_finite())
    {
        let stated = match a.unit {
            Some(unit) => format!("{value} {unit}"),
            None => value.to_string(),
        };
        out.push(textual(stated, "text/plain", "describing"));
    }
    if a.kind == Kind::Quote
        && let Some(speaker) = a
            .speaker
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        out.push(textual(speaker.to_string(), "text/plain", "identifying"));
    }
    if let Some(note) = a.note.as_deref().filter(|n| !n.trim().is_empty()) {
        out.push(textual(note.to_string(), "text/markdown", "commenting"));
    }
    if let Some(reports) = &a.reports {
        out.push(textual(reports.clone(), "text/plain", "assessing"));
    }
    out
}

fn target(t: &ExportTarget, iris: &Iris) -> SpecificResource {
    let local = iris.local_page(&t.page);
    let original = t
        .original_url
        .as_deref()
        .map(str::trim)
        .filter(|u| has_scheme(u))
        .map(|u| escape(u, URI));
    let (source, scope) = match original {
        Some(url) => (url, Some(local)),
        None => (local, None),
    };
    SpecificResource {
        scope,
        selector: (
            TextQuoteSelector {
                exact: t.exact.clone(),
                prefix: t.prefix.clone(),
                suffix: t.suffix.clone(),
                kind: "TextQuoteSelector",
            },
            TextPositionSelector {
                end: t.end,
                start: t.start,
                kind: "TextPositionSelector",
            },
        ),
        source,
        kind: "SpecificResource",
    }
}

/// An absolute URI starts with `scheme:`; anything else would not be an IRI at all.
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Everything but what RFC 3986 leaves unencoded anywhere in a URI (letters, digits, `-._~`).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path of unreserved segments: `/` kept too.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// What an IRI may not hold literally as a URI (RFC 3987 §3.1): controls, space and
/// `"<>\^`{|}`; reserved characters keep their meaning, `%` is taken as an existing escape,
/// and non-ASCII is always encoded.
const URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `s` with every character of `encoded` (and all non-ASCII) percent-encoded.
fn escape(s: &str, encoded: &'static AsciiSet) -> String {
    utf8_percent_encode(s, encoded).to_string()
}

/// How many characters of context a TextQuoteSelector carries on each side.
const SELECTOR_CONTEXT: usize = 32;

/// Writes `annotations.jsonld`, the W3C Web Annotation export of every annotation, into `out`
/// as it is made.
pub fn write(
    out: &mut dyn Write,
    resolved: &Resolved,
    sources: &[Source],
    site_title: &str,
    base_url: Option<&str>,
) -> io::Result<()> {
    let chars = char_offsets(resolved, sources);
    let items = resolved.annotations.iter().map(|anchored| {
        let annotation = &anchored.annotation;
        ExportAnnotation {
            id: annotation.id.clone(),
            kind: annotation.kind,
            note: annotation.note.clone(),
            speaker: annotation.speaker.clone(),
            value: annotation.value,
            unit: annotation.unit.map(|u| u.as_str()),
            reports: anchored.reports(),
            targets: anchored
                .passages
                .iter()
                .map(|p| export_target(p, &sources[p.source], &chars))
                .collect(),
        }
    });
    let collection = Collection {
        iris: Iris::new(base_url),
        label: site_title,
        total: resolved.annotations.len(),
        items,
    };
    serde_json::to_writer_pretty(&mut *out, &collection)?;
    out.write_all(b"\n")
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
mod tests;

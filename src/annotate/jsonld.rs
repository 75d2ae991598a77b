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

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use super::model::Kind;
use super::resolve::{Passage, Resolved};
use crate::content::Source;

/// The JSON-LD context every Web Annotation document names.
const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// One target of an annotation, as the export needs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportTarget {
    /// The local page of the source, relative to the site root: "sources/<slug>.html".
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

/// The AnnotationCollection (JSON-LD), deterministic (same input -> same bytes when
/// pretty-printed with serde_json::to_string_pretty).
///
/// Each item repeats `@context`, so that every annotation is a complete Web Annotation on its
/// own, as the model's tests check them. An empty collection has no `first`/`last` page (the
/// model requires them only when there are annotations).
pub fn collection(
    annotations: &[ExportAnnotation],
    site_title: &str,
    base_url: Option<&str>,
) -> Value {
    let iris = Iris::new(base_url);
    let items: Vec<Value> = annotations.iter().map(|a| annotation(a, &iris)).collect();
    let mut out = Map::new();
    out.insert("@context".into(), json!(CONTEXT));
    out.insert("id".into(), json!(iris.collection()));
    out.insert("type".into(), json!("AnnotationCollection"));
    out.insert("label".into(), json!(site_title));
    out.insert("total".into(), json!(items.len()));
    if !items.is_empty() {
        let page = iris.page();
        out.insert(
            "first".into(),
            json!({
                "id": page,
                "type": "AnnotationPage",
                "partOf": iris.collection(),
                "startIndex": 0,
                "items": items,
            }),
        );
        out.insert("last".into(), json!(page));
    }
    Value::Object(out)
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

fn annotation(a: &ExportAnnotation, iris: &Iris) -> Value {
    let bodies = bodies(a);
    let motivation = bodies
        .first()
        .and_then(|b| b.get("purpose"))
        .cloned()
        .unwrap_or_else(|| json!("highlighting"));
    let mut out = Map::new();
    out.insert("@context".into(), json!(CONTEXT));
    out.insert("id".into(), json!(iris.annotation(&a.id)));
    out.insert("type".into(), json!("Annotation"));
    out.insert("motivation".into(), motivation);
    if !bodies.is_empty() {
        out.insert("body".into(), Value::Array(bodies));
    }
    let targets = a.targets.iter().map(|t| target(t, iris)).collect();
    out.insert("target".into(), Value::Array(targets));
    Value::Object(out)
}

fn bodies(a: &ExportAnnotation) -> Vec<Value> {
    let textual = |value: String, format: &str, purpose: &str| json!({"type": "TextualBody", "value": value, "format": format, "purpose": purpose});
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

fn target(t: &ExportTarget, iris: &Iris) -> Value {
    let local = iris.local_page(&t.page);
    let original = t
        .original_url
        .as_deref()
        .map(str::trim)
        .filter(|u| has_scheme(u))
        .map(|u| escape(u, URI));
    let mut quote = Map::new();
    quote.insert("type".into(), json!("TextQuoteSelector"));
    quote.insert("exact".into(), json!(t.exact));
    if !t.prefix.is_empty() {
        quote.insert("prefix".into(), json!(t.prefix));
    }
    if !t.suffix.is_empty() {
        quote.insert("suffix".into(), json!(t.suffix));
    }
    let position = json!({"type": "TextPositionSelector", "start": t.start, "end": t.end});
    let mut out = Map::new();
    out.insert("type".into(), json!("SpecificResource"));
    match original {
        Some(url) => {
            out.insert("source".into(), json!(url));
            out.insert("scope".into(), json!(local));
        }
        None => {
            out.insert("source".into(), json!(local));
        }
    }
    out.insert("selector".into(), json!([Value::Object(quote), position]));
    Value::Object(out)
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

/// `annotations.jsonld`: the W3C Web Annotation export of every annotation.
pub fn export(
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
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&collection(&exported, site_title, base_url))
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

    fn target(page: &str, original_url: Option<&str>) -> ExportTarget {
        ExportTarget {
            page: page.to_string(),
            original_url: original_url.map(str::to_string),
            exact: "$500 billion".to_string(),
            prefix: "pledge to invest ".to_string(),
            suffix: ".".to_string(),
            start: 120,
            end: 132,
        }
    }

    fn figure() -> ExportAnnotation {
        ExportAnnotation {
            id: "stargate-total".to_string(),
            kind: Kind::Figure,
            note: Some("The total *Stargate* pledge.".to_string()),
            speaker: None,
            value: Some(500e9),
            unit: Some("USD"),
            reports: None,
            targets: vec![target(
                "sources/cnbc.html",
                Some("https://www.cnbc.com/2025/01/21/stargate.html"),
            )],
        }
    }

    fn bare_note() -> ExportAnnotation {
        ExportAnnotation {
            id: "n1".to_string(),
            kind: Kind::Note,
            note: None,
            speaker: None,
            value: None,
            unit: None,
            reports: None,
            targets: vec![ExportTarget {
                prefix: String::new(),
                suffix: String::new(),
                ..target("sources/local.html", None)
            }],
        }
    }

    fn item(c: &Value, i: usize) -> &Value {
        &c["first"]["items"][i]
    }

    #[test]
    fn collection_shape() {
        let c = collection(&[figure(), bare_note()], "Briefing", None);
        assert_eq!(c["@context"], CONTEXT);
        assert_eq!(c["type"], "AnnotationCollection");
        assert_eq!(c["label"], "Briefing");
        assert_eq!(c["total"], 2);
        assert_eq!(c["id"], "urn:brief:collection");
        assert_eq!(c["first"]["type"], "AnnotationPage");
        assert_eq!(c["first"]["startIndex"], 0);
        assert_eq!(c["last"], c["first"]["id"]);
        let a = item(&c, 0);
        assert_eq!(a["@context"], CONTEXT);
        assert_eq!(a["type"], "Annotation");
        assert_eq!(a["id"], "urn:brief:annotation:stargate-total");
    }

    #[test]
    fn empty_collection_has_no_pages() {
        let c = collection(&[], "Empty", None);
        assert_eq!(c["total"], 0);
        assert!(c.get("first").is_none() && c.get("last").is_none());
    }

    #[test]
    fn figure_states_value_and_note() {
        let c = collection(&[figure()], "B", None);
        let a = item(&c, 0);
        assert_eq!(a["motivation"], "describing");
        assert_eq!(
            a["body"],
            json!([
                {"type": "TextualBody", "value": "500000000000 USD", "format": "text/plain",
                 "purpose": "describing"},
                {"type": "TextualBody", "value": "The total *Stargate* pledge.",
                 "format": "text/markdown", "purpose": "commenting"},
            ])
        );
    }

    #[test]
    fn quote_names_its_speaker() {
        let quote = ExportAnnotation {
            id: "nadella".to_string(),
            kind: Kind::Quote,
            note: None,
            speaker: Some("Satya Nadella".to_string()),
            value: None,
            unit: None,
            reports: None,
            targets: vec![target("sources/a.html", None)],
        };
        let c = collection(&[quote], "B", None);
        let a = item(&c, 0);
        assert_eq!(a["motivation"], "identifying");
        assert_eq!(a["body"][0]["value"], "Satya Nadella");
        assert_eq!(a["body"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn note_without_text_is_a_highlight_without_body() {
        let c = collection(&[bare_note()], "B", None);
        let a = item(&c, 0);
        assert_eq!(a["motivation"], "highlighting");
        assert!(a.get("body").is_none());
        let with_text = ExportAnnotation {
            note: Some("Look.".into()),
            ..bare_note()
        };
        let c = collection(&[with_text], "B", None);
        assert_eq!(item(&c, 0)["motivation"], "commenting");
    }

    #[test]
    fn original_url_is_the_source_and_local_page_the_scope() {
        let c = collection(&[figure()], "B", None);
        let t = &item(&c, 0)["target"][0];
        assert_eq!(t["type"], "SpecificResource");
        assert_eq!(t["source"], "https://www.cnbc.com/2025/01/21/stargate.html");
        assert_eq!(t["scope"], "urn:brief:page:sources/cnbc.html");
        assert_eq!(
            t["selector"],
            json!([
                {"type": "TextQuoteSelector", "exact": "$500 billion",
                 "prefix": "pledge to invest ", "suffix": "."},
                {"type": "TextPositionSelector", "start": 120, "end": 132},
            ])
        );
    }

    #[test]
    fn without_original_url_the_local_page_is_the_source() {
        let c = collection(&[bare_note()], "B", None);
        let t = &item(&c, 0)["target"][0];
        assert_eq!(t["source"], "urn:brief:page:sources/local.html");
        assert!(t.get("scope").is_none());
        let quote = &t["selector"][0];
        assert!(quote.get("prefix").is_none() && quote.get("suffix").is_none());
    }

    #[test]
    fn base_url_makes_site_iris_absolute() {
        let c = collection(
            &[figure(), bare_note()],
            "B",
            Some("https://user.github.io/repo/"),
        );
        assert_eq!(c["id"], "https://user.github.io/repo/annotations.jsonld");
        let a = item(&c, 0);
        assert_eq!(
            a["id"],
            "https://user.github.io/repo/annotations.html#stargate-total"
        );
        assert_eq!(
            a["target"][0]["scope"],
            "https://user.github.io/repo/sources/cnbc.html"
        );
        assert_eq!(
            item(&c, 1)["target"][0]["source"],
            "https://user.github.io/repo/sources/local.html"
        );
    }

    #[test]
    fn without_base_url_no_absolute_site_url_appears() {
        let c = collection(&[bare_note()], "B", None);
        let mut text = serde_json::to_string(&c).expect("a Value serializes");
        text = text.replace(CONTEXT, "");
        assert!(!text.contains("://"), "{text}");
    }

    #[test]
    fn urls_are_converted_to_uris() {
        let mut f = figure();
        f.targets[0].original_url = Some("https://example.org/zürich report?q=a|b".to_string());
        f.id = "odd id".to_string();
        let c = collection(&[f], "B", None);
        let a = item(&c, 0);
        assert_eq!(
            a["target"][0]["source"],
            "https://example.org/z%C3%BCrich%20report?q=a%7Cb"
        );
        assert_eq!(a["id"], "urn:brief:annotation:odd%20id");
    }

    #[test]
    fn url_without_scheme_is_not_exported() {
        let mut f = figure();
        f.targets[0].original_url = Some("www.cnbc.com/x".to_string());
        let c = collection(&[f], "B", Some("example.org"));
        let t = &item(&c, 0)["target"][0];
        assert_eq!(t["source"], "urn:brief:page:sources/cnbc.html");
        assert!(t.get("scope").is_none());
    }

    #[test]
    fn output_is_deterministic() {
        let input = [figure(), bare_note()];
        let a = serde_json::to_string_pretty(&collection(&input, "B", Some("https://x.org")));
        let b = serde_json::to_string_pretty(&collection(&input, "B", Some("https://x.org")));
        assert_eq!(a.expect("serializes"), b.expect("serializes"));
    }
}

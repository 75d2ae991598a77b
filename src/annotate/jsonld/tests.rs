//! The export's shape, checked on hand-made annotations.

use super::*;
use serde_json::{Value, json};

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

/// The collection as a JSON value, to look into.
fn export_value(annotations: &[ExportAnnotation], title: &str, base: Option<&str>) -> Value {
    serde_json::to_value(collection(annotations, title, base)).expect("a collection serialises")
}

fn item(c: &Value, i: usize) -> &Value {
    &c["first"]["items"][i]
}

#[test]
fn collection_shape() {
    let c = export_value(&[figure(), bare_note()], "Briefing", None);
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
    let c = export_value(&[], "Empty", None);
    assert_eq!(c["total"], 0);
    assert!(c.get("first").is_none() && c.get("last").is_none());
}

#[test]
fn figure_states_value_and_note() {
    let c = export_value(&[figure()], "B", None);
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
    let c = export_value(&[quote], "B", None);
    let a = item(&c, 0);
    assert_eq!(a["motivation"], "identifying");
    assert_eq!(a["body"][0]["value"], "Satya Nadella");
    assert_eq!(a["body"].as_array().map(Vec::len), Some(1));
}

#[test]
fn note_without_text_is_a_highlight_without_body() {
    let c = export_value(&[bare_note()], "B", None);
    let a = item(&c, 0);
    assert_eq!(a["motivation"], "highlighting");
    assert!(a.get("body").is_none());
    let with_text = ExportAnnotation {
        note: Some("Look.".into()),
        ..bare_note()
    };
    let c = export_value(&[with_text], "B", None);
    assert_eq!(item(&c, 0)["motivation"], "commenting");
}

#[test]
fn original_url_is_the_source_and_local_page_the_scope() {
    let c = export_value(&[figure()], "B", None);
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
    let c = export_value(&[bare_note()], "B", None);
    let t = &item(&c, 0)["target"][0];
    assert_eq!(t["source"], "urn:brief:page:sources/local.html");
    assert!(t.get("scope").is_none());
    let quote = &t["selector"][0];
    assert!(quote.get("prefix").is_none() && quote.get("suffix").is_none());
}

#[test]
fn base_url_makes_site_iris_absolute() {
    let c = export_value(
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
    let c = export_value(&[bare_note()], "B", None);
    let mut text = serde_json::to_string(&c).expect("a Value serializes");
    text = text.replace(CONTEXT, "");
    assert!(!text.contains("://"), "{text}");
}

#[test]
fn urls_are_converted_to_uris() {
    let mut f = figure();
    f.targets[0].original_url = Some("https://example.org/zürich report?q=a|b".to_string());
    f.id = "odd id".to_string();
    let c = export_value(&[f], "B", None);
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
    let c = export_value(&[f], "B", Some("example.org"));
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

/// Written item by item, the export has the bytes a tree of values would print (keys
/// sorted), as the export built as a `serde_json::Value` did.
#[test]
fn streamed_export_prints_as_its_value_tree() {
    let input = [figure(), bare_note()];
    for base in [None, Some("https://x.org/")] {
        let streamed = serde_json::to_string_pretty(&collection(&input, "B", base));
        let tree = serde_json::to_string_pretty(&export_value(&input, "B", base));
        assert_eq!(streamed.expect("serializes"), tree.expect("serializes"));
    }
}

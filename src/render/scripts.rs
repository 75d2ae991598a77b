//! Data for the theme's scripts, shipped as classic `<script src>` files.
//!
//! `fetch()` and module scripts fail from `file://`, so whatever a script needs (the search
//! index, the annotations for hover cards) is written as a JavaScript file that assigns one
//! global; the page loads it like any script, offline or not.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::annotations::wordings;
use crate::annotate::resolve::{Resolved, value_text};
use crate::content::{Briefing, Source};

/// `assets/annotations-data.js`: every annotation by id, for hover cards.
pub fn annotations_data(resolved: &Resolved, sources: &[Source]) -> String {
    let mut by_id = Map::new();
    for anchored in &resolved.annotations {
        let annotation = &anchored.annotation;
        let wordings: Vec<Value> = wordings(anchored, sources, "")
            .into_iter()
            .zip(&anchored.passages)
            .map(|(w, p)| json!({ "outlet": w.outlet, "title": w.title, "href": w.href, "quote": p.exact }))
            .collect();
        by_id.insert(
            annotation.id.clone(),
            json!({
                "kind": annotation.kind.as_str(),
                "number": anchored.number,
                "speaker": annotation.speaker,
                "value": annotation.value.map(|v| value_text(v, annotation)),
                "note_html": anchored.note_html.as_ref().map(|[root, _]| root),
                "wordings": wordings,
            }),
        );
    }
    assign("BRIEF_ANNOTATIONS", &Value::Object(by_id))
}

/// One searchable page or annotation.
#[derive(Debug, Serialize)]
struct Entry {
    title: String,
    href: String,
    kind: &'static str,
    text: String,
}

/// `assets/search-index.js`: the briefings (each with its page), the sources and the
/// annotations, as plain text.
pub fn search_index(
    briefings: &[(String, &Briefing)],
    sources: &[Source],
    resolved: &Resolved,
) -> String {
    let squash = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut entries: Vec<Entry> = briefings
        .iter()
        .map(|(href, briefing)| Entry {
            title: briefing.meta.title.clone(),
            href: href.clone(),
            kind: "briefing",
            text: squash(&briefing.body.text.text),
        })
        .collect();
    entries.extend(sources.iter().map(|source| Entry {
        title: source.meta.title.clone(),
        href: format!("sources/{}.html", source.slug),
        kind: "source",
        text: squash(&source.body.text.text),
    }));
    entries.extend(resolved.annotations.iter().map(|anchored| {
        let annotation = &anchored.annotation;
        let quotes: Vec<&str> = anchored.passages.iter().map(|p| p.exact.as_str()).collect();
        let text = [
            annotation.speaker.as_deref().unwrap_or(""),
            &quotes.join(" / "),
            annotation.note.as_deref().unwrap_or(""),
        ]
        .join(" ");
        Entry {
            title: format!(
                "{} {}: {}",
                annotation.kind.as_str(),
                anchored.number,
                quotes.first().copied().unwrap_or("")
            ),
            href: format!("annotations.html#{}", annotation.id),
            kind: "annotation",
            text: squash(&text),
        }
    }));
    assign("BRIEF_SEARCH", &json!(entries))
}

fn assign(name: &str, value: &Value) -> String {
    format!("window.{name} = {value};\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn assigns_one_global() {
        assert_eq!(
            super::assign("X", &serde_json::json!({"a": "</script>"})),
            "window.X = {\"a\":\"</script>\"};\n"
        );
    }
}

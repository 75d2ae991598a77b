//! The MUSTs of the W3C Web Annotation Data Model (<https://www.w3.org/TR/annotation-model/>),
//! written by the project from the specification, so that `annotations.jsonld` is checked on
//! any clone. The Working Group's own suite (`w3c.rs`) is used in addition where it is present,
//! and there the two are checked to agree on every sample of the suite.
//!
//! Each check is named after the section of the model that states it, as the suite names its
//! assertions, and looks at every annotation, body, target, source, item, selector and state
//! the annotation holds.

use serde_json::{Value, json};

/// The JSON-LD context every annotation names (§3.1).
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

const SELECTORS: &[&str] = &[
    "FragmentSelector",
    "CssSelector",
    "XPathSelector",
    "TextQuoteSelector",
    "TextPositionSelector",
    "DataPositionSelector",
    "SvgSelector",
    "RangeSelector",
];
const STATES: &[&str] = &["TimeState", "HttpRequestState"];

/// The MUSTs `annotation` breaks, by section and name; empty when it conforms.
pub fn model_violations(annotation: &Value) -> Vec<&'static str> {
    let mut broken = Vec::new();
    let mut fail = |rule: &'static str, ok: bool| {
        if !ok && !broken.contains(&rule) {
            broken.push(rule);
        }
    };
    fail(
        "3.1 @context includes the anno.jsonld context",
        one_of_is(&annotation["@context"], CONTEXT),
    );
    fail(
        "3.1 id is a single IRI",
        annotation["id"].as_str().is_some_and(is_iri),
    );
    fail(
        "3.1 type includes Annotation",
        one_of_is(&annotation["type"], "Annotation"),
    );
    fail("3.1 has a target", annotation.get("target").is_some());
    fail(
        "3.2.5 not both body and bodyValue",
        annotation.get("body").is_none() || annotation.get("bodyValue").is_none(),
    );
    fail(
        "3.2.5 bodyValue is a single string",
        annotation.get("bodyValue").is_none_or(Value::is_string),
    );
    lifecycle(annotation, &mut fail);
    for body in values(&annotation["body"]) {
        resource(body, Role::Body, annotation, &mut fail);
    }
    for target in values(&annotation["target"]) {
        resource(target, Role::Target, annotation, &mut fail);
    }
    broken
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Body,
    Target,
}

/// §3.3.1, §3.3.6, §3.3.7: dates, rights and other identities, wherever they appear.
fn lifecycle(object: &Value, fail: &mut impl FnMut(&'static str, bool)) {
    for key in ["created", "modified", "generated"] {
        fail(
            "3.3.1 created, modified and generated are single date-times",
            object
                .get(key)
                .is_none_or(|v| v.as_str().is_some_and(is_date_time)),
        );
    }
    fail(
        "3.3.6 rights are IRIs",
        values(&object["rights"]).all(|v| v.as_str().is_some_and(is_iri)),
    );
    fail(
        "3.3.7 canonical is a single IRI",
        object
            .get("canonical")
            .is_none_or(|v| v.as_str().is_some_and(is_iri)),
    );
    fail(
        "3.3.7 via are IRIs",
        values(&object["via"]).all(|v| v.as_str().is_some_and(is_iri)),
    );
    fail(
        "3.2.1 textDirection is ltr, rtl or auto",
        object
            .get("textDirection")
            .is_none_or(|v| matches!(v.as_str(), Some("ltr" | "rtl" | "auto"))),
    );
}

/// §3.2 to §4: a body or target, and what it holds.
fn resource(
    value: &Value,
    role: Role,
    annotation: &Value,
    fail: &mut impl FnMut(&'static str, bool),
) {
    if let Some(iri) = value.as_str() {
        fail("3.2 bodies and targets are IRIs or resources", is_iri(iri));
        return;
    }
    let Some(object) = value.as_object() else {
        fail("3.2 bodies and targets are IRIs or resources", false);
        return;
    };
    let has = |key: &str| object.contains_key(key);
    let typed = |name: &str| one_of_is(&value["type"], name);
    let textual = typed("TextualBody") || (role == Role::Body && has("value") && !has("source"));
    let choice = typed("Choice") || typed("Set") || typed("Composite") || typed("List");
    let specific = has("source");
    let external = !textual && !choice && !specific;
    fail(
        "3.2 bodies and targets are IRIs or resources",
        !external || value["id"].as_str().is_some_and(is_iri),
    );
    lifecycle(value, fail);
    if role == Role::Target {
        fail("3.2.4 a target is not a TextualBody", !typed("TextualBody"));
    }
    if external {
        fail("3.2.7 an external resource has no items", !has("items"));
        if role == Role::Body {
            fail("3.3.5 an external body has no purpose", !has("purpose"));
        }
    }
    if choice {
        fail("3.2.4 a Choice or Set has no value", !has("value"));
        fail("4 a Choice or Set has no source", !has("source"));
        fail("3.3.5 a Choice or Set has no purpose", !has("purpose"));
        for item in values(&value["items"]) {
            resource(item, role, annotation, fail);
        }
    }
    if textual && role == Role::Body {
        fail("3.2.7 a TextualBody has no items", !has("items"));
        fail("4 a TextualBody has no source", !has("source"));
    }
    if specific {
        fail("3.2.7 a SpecificResource has no items", !has("items"));
        fail("4 a SpecificResource has no value", !has("value"));
        let source = &value["source"];
        if source.is_object() {
            lifecycle(source, fail);
            if role == Role::Target {
                fail(
                    "3.2.4 a target is not a TextualBody",
                    !one_of_is(&source["type"], "TextualBody"),
                );
            }
        }
        for selector in values(&value["selector"]) {
            selector_valid(selector, fail);
        }
        for state in values(&value["state"]) {
            state_valid(state, fail);
        }
        if value.get("styleClass").is_some() {
            fail(
                "4.4 a styleClass needs the annotation's single stylesheet",
                annotation.get("stylesheet").is_some_and(|s| !s.is_array()),
            );
        }
    }
}

/// §4.2: a selector, and the selectors refining it.
fn selector_valid(selector: &Value, fail: &mut impl FnMut(&'static str, bool)) {
    if let Some(iri) = selector.as_str() {
        fail("4.2 a selector is an IRI or a known selector", is_iri(iri));
        return;
    }
    let kind = selector["type"].as_str().unwrap_or_default();
    fail(
        "4.2 a selector is an IRI or a known selector",
        SELECTORS.contains(&kind),
    );
    let single = |key: &str| {
        selector
            .get(key)
            .is_some_and(|v| !v.is_array() && !v.is_null())
    };
    match kind {
        "FragmentSelector" | "CssSelector" | "XPathSelector" => {
            fail(
                "4.2 Fragment, Css and XPath selectors have one value",
                single("value"),
            );
        }
        "TextQuoteSelector" => fail("4.2.4 a TextQuoteSelector has one exact", single("exact")),
        "TextPositionSelector" | "DataPositionSelector" => fail(
            "4.2 position selectors have non-negative integer start and end",
            selector["start"].is_u64() && selector["end"].is_u64(),
        ),
        "SvgSelector" => fail(
            "4.2.7 an SvgSelector has a value or an id",
            single("value") || selector["id"].as_str().is_some_and(is_iri),
        ),
        "RangeSelector" => {
            let ends = [&selector["startSelector"], &selector["endSelector"]];
            fail(
                "4.2.8 a RangeSelector has one start and one end selector",
                ends.iter().all(|s| s.is_object()),
            );
            for end in ends.into_iter().filter(|s| s.is_object()) {
                selector_valid(end, fail);
            }
        }
        _ => {}
    }
    for refinement in values(&selector["refinedBy"]) {
        selector_valid(refinement, fail);
    }
}

/// §4.3: a state, and the states refining it.
fn state_valid(state: &Value, fail: &mut impl FnMut(&'static str, bool)) {
    if let Some(iri) = state.as_str() {
        fail("4.3 a state is an IRI or a known state", is_iri(iri));
        return;
    }
    let kind = state["type"].as_str().unwrap_or_default();
    // A state named only by its `id` is described elsewhere: the model allows the reference.
    let referenced = kind.is_empty() && state["id"].as_str().is_some_and(is_iri);
    fail(
        "4.3 a state is an IRI or a known state",
        referenced || STATES.contains(&kind),
    );
    let date = |key: &str| state[key].as_str().is_some_and(is_date_time);
    match kind {
        "TimeState" => {
            let has = |key: &str| state.get(key).is_some();
            let one = has("sourceDate") && date("sourceDate");
            let pair = date("sourceDateStart") && date("sourceDateEnd");
            fail(
                "4.3.1 a TimeState has a sourceDate or a start and end, not both",
                one != pair
                    && !(has("sourceDate") && (has("sourceDateStart") || has("sourceDateEnd"))),
            );
        }
        "HttpRequestState" => fail(
            "4.3.2 an HttpRequestState has a value",
            state.get("value").is_some(),
        ),
        _ => {}
    }
    // A state may be refined by a further state or by a selector (§4.2.9).
    for refinement in values(&state["refinedBy"]) {
        let selector = refinement["type"]
            .as_str()
            .is_some_and(|kind| SELECTORS.contains(&kind));
        if !selector {
            state_valid(refinement, fail);
        }
    }
}

/// The values of a key that may hold one value or an array of them (none when absent).
fn values(value: &Value) -> impl Iterator<Item = &Value> {
    match value {
        Value::Null => [].iter(),
        Value::Array(items) => items.iter(),
        one => std::slice::from_ref(one).iter(),
    }
}

fn one_of_is(value: &Value, wanted: &str) -> bool {
    values(value).any(|v| v == wanted)
}

/// An absolute IRI (RFC 3987): a scheme, a colon, then no white space.
fn is_iri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
}

/// An RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`.
fn is_date_time(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let b = text.as_bytes();
    if !text.is_ascii() || b.len() < 20 || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let (date, time) = (&text[..10], &text[11..]);
    let date_ok = digits(&date[..4])
        && &date[4..5] == "-"
        && digits(&date[5..7])
        && &date[7..8] == "-"
        && digits(&date[8..10]);
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => return false,
    };
    let clock = clock
        .split_once('.')
        .map_or(clock, |(c, f)| if digits(f) { c } else { "" });
    let clock_ok = clock.len() == 8
        && clock.split(':').all(|p| p.len() == 2 && digits(p))
        && clock.matches(':').count() == 2;
    let zone_ok = zone.eq_ignore_ascii_case("z")
        || (zone.len() == 6 && &zone[3..4] == ":" && digits(&zone[1..3]) && digits(&zone[4..6]));
    date_ok && clock_ok && zone_ok
}

/// A conforming annotation to break one MUST at a time.
fn conforming() -> Value {
    json!({
        "@context": CONTEXT,
        "id": "https://example.org/annotations.jsonld#stargate-total",
        "type": "Annotation",
        "created": "2025-01-22T10:00:00Z",
        "body": {"type": "TextualBody", "value": "The pledge.", "format": "text/plain"},
        "target": {
            "source": "https://example.org/sources/a.html",
            "selector": [
                {"type": "TextQuoteSelector", "exact": "$500 billion", "prefix": "invest "},
                {"type": "TextPositionSelector", "start": 40, "end": 52}
            ]
        }
    })
}

#[test]
fn a_conforming_annotation_breaks_no_must() {
    assert_eq!(model_violations(&conforming()), Vec::<&str>::new());
    let mut bare = conforming();
    bare["target"] = json!("https://example.org/a");
    bare.as_object_mut().expect("an object").remove("body");
    assert_eq!(model_violations(&bare), Vec::<&str>::new());
}

#[test]
fn each_must_is_checked() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "3.1 @context includes the anno.jsonld context",
            json!({"@context": "http://example.org/ctx"}),
        ),
        ("3.1 id is a single IRI", json!({"id": "sources/a.html"})),
        (
            "3.1 id is a single IRI",
            json!({"id": ["https://a.org/1", "https://a.org/2"]}),
        ),
        ("3.1 type includes Annotation", json!({"type": "Note"})),
        ("3.1 has a target", json!({"target": null})),
        (
            "3.2.5 not both body and bodyValue",
            json!({"bodyValue": "x"}),
        ),
        (
            "3.3.1 created, modified and generated are single date-times",
            json!({"modified": "2025-01-22"}),
        ),
        ("3.3.6 rights are IRIs", json!({"rights": ["not an iri"]})),
        (
            "3.3.7 canonical is a single IRI",
            json!({"canonical": ["urn:a", "urn:b"]}),
        ),
        ("3.3.7 via are IRIs", json!({"via": "nope"})),
        (
            "3.2 bodies and targets are IRIs or resources",
            json!({"target": "relative.html"}),
        ),
        (
            "3.2 bodies and targets are IRIs or resources",
            json!({"target": 7}),
        ),
        (
            "3.2.1 textDirection is ltr, rtl or auto",
            json!({"body": {"type": "TextualBody", "value": "x", "textDirection": "up"}}),
        ),
        (
            "3.2.7 a TextualBody has no items",
            json!({"body": {"type": "TextualBody", "value": "x", "items": []}}),
        ),
        (
            "3.2.4 a target is not a TextualBody",
            json!({"target": {"type": "TextualBody", "value": "x"}}),
        ),
        (
            "3.2.7 an external resource has no items",
            json!({"target": {"id": "https://a.org/x", "items": []}}),
        ),
        (
            "3.3.5 an external body has no purpose",
            json!({"body": {"id": "https://a.org/x", "purpose": "tagging"}}),
        ),
        (
            "3.2.4 a Choice or Set has no value",
            json!({"body": {"type": "Choice", "items": ["https://a.org/x"], "value": "v"}}),
        ),
        (
            "4 a Choice or Set has no source",
            json!({"target": {"type": "Set", "items": ["https://a.org/x"], "source": "https://a.org/y"}}),
        ),
        (
            "4 a SpecificResource has no value",
            json!({"target": {"source": "https://a.org/x", "value": "v"}}),
        ),
        (
            "3.2.7 a SpecificResource has no items",
            json!({"target": {"source": "https://a.org/x", "items": []}}),
        ),
        (
            "4.2 a selector is an IRI or a known selector",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "QuoteSelector"}}}),
        ),
        (
            "4.2.4 a TextQuoteSelector has one exact",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "TextQuoteSelector", "exact": ["a", "b"]}}}),
        ),
        (
            "4.2 position selectors have non-negative integer start and end",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "TextPositionSelector", "start": -1, "end": 4}}}),
        ),
        (
            "4.2 Fragment, Css and XPath selectors have one value",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "CssSelector"}}}),
        ),
        (
            "4.2.7 an SvgSelector has a value or an id",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "SvgSelector"}}}),
        ),
        (
            "4.2.8 a RangeSelector has one start and one end selector",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "RangeSelector", "startSelector": {"type": "XPathSelector", "value": "/p"}}}}),
        ),
        (
            "4.2.4 a TextQuoteSelector has one exact",
            json!({"target": {"source": "https://a.org/x", "selector": {"type": "XPathSelector", "value": "/p", "refinedBy": {"type": "TextQuoteSelector"}}}}),
        ),
        (
            "4.3 a state is an IRI or a known state",
            json!({"target": {"source": "https://a.org/x", "state": {"type": "Cached"}}}),
        ),
        (
            "4.3.1 a TimeState has a sourceDate or a start and end, not both",
            json!({"target": {"source": "https://a.org/x", "state": {"type": "TimeState", "sourceDate": "2025-01-01T00:00:00Z", "sourceDateStart": "2025-01-01T00:00:00Z", "sourceDateEnd": "2025-01-02T00:00:00Z"}}}),
        ),
        (
            "4.3.2 an HttpRequestState has a value",
            json!({"target": {"source": "https://a.org/x", "state": {"type": "HttpRequestState"}}}),
        ),
        (
            "4.4 a styleClass needs the annotation's single stylesheet",
            json!({"target": {"source": "https://a.org/x", "styleClass": "red"}}),
        ),
    ];
    for (rule, change) in cases {
        let mut annotation = conforming();
        for (key, value) in change.as_object().expect("a change is an object") {
            if value.is_null() {
                annotation.as_object_mut().expect("an object").remove(key);
            } else {
                annotation[key] = value.clone();
            }
        }
        let broken = model_violations(&annotation);
        assert!(
            broken.contains(&rule),
            "{rule}: {annotation:#} broke only {broken:#?}"
        );
    }
}

#[test]
fn dates_and_iris_follow_their_rfcs() {
    for good in [
        "2025-01-22T10:00:00Z",
        "2025-01-22T10:00:00.123+01:00",
        "2025-01-22t10:00:00z",
    ] {
        assert!(is_date_time(good), "{good}");
    }
    for bad in [
        "2025-01-22",
        "2025-01-22T10:00Z",
        "2025-01-22 10:00:00Z",
        "2025-01-22T10:00:00",
        "2025-01-22T10:00:00+0100",
    ] {
        assert!(!is_date_time(bad), "{bad}");
    }
    for good in ["https://例え.jp/記事", "urn:uuid:1", "mailto:a@b.org"] {
        assert!(is_iri(good), "{good}");
    }
    for bad in [
        "sources/a.html",
        "https://a.org/a b",
        ":x",
        "1http://a.org",
        "https:",
    ] {
        assert!(!is_iri(bad), "{bad}");
    }
}

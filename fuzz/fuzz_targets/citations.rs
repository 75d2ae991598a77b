//! Citations (`[text](@id)`) in a briefing, resolved against a fixed figure, quote and note.
#![no_main]

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use brief::annotate::citation::{self, Citable, Citing};
use brief::annotate::model::Kind;
use libfuzzer_sys::fuzz_target;

fn citable(kind: Kind, quote: &str, value: Option<f64>) -> Citable {
    Citable {
        kind,
        href: "sources/a.html#ann-x".to_string(),
        quote: quote.to_string(),
        value,
        unit: None,
        stated: None,
        value_text: value.map(|v| v.to_string()),
    }
}

fuzz_target!(|text: &str| {
    let Ok(briefing) =
        brief::content::parse_briefing(Path::new("content/index.md"), text.to_string())
    else {
        return;
    };
    let citables = BTreeMap::from([
        (
            "stargate-total".to_string(),
            citable(Kind::Figure, "$500 billion", Some(500e9)),
        ),
        (
            "jobs".to_string(),
            citable(Kind::Figure, "100,000 jobs", Some(100_000.0)),
        ),
        (
            "nadella".to_string(),
            citable(Kind::Quote, "I'm good for my $80 billion", None),
        ),
        ("context".to_string(), citable(Kind::Note, "the call", None)),
    ]);
    let unanchored = HashSet::from(["broken".to_string()]);
    let citing = Citing {
        file: &briefing.markdown,
        briefing: true,
        unanchored: &unanchored,
    };
    let _ = citation::resolve(briefing.body.events.clone(), &citables, &citing);
});

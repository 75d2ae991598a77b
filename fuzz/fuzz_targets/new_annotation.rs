//! `brief new annotation`: anchoring the quote and appending to an existing annotation file
//! (comments, a single entry, a list, broken YAML). Input: the source, the annotation file and
//! the quote, separated by lines holding only `===`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BRIEFING: &str = "---\ntitle: Fuzz\n---\n\nA briefing.\n";

fuzz_target!(|text: &str| {
    let [source, annotations, quote] = brief_fuzz::parts::<3>(text);
    let root = brief_fuzz::write_site(source, annotations, BRIEFING);
    let request = brief::scaffold::NewAnnotation {
        source: "a".to_string(),
        quote: quote.to_string(),
        root,
        ..brief::scaffold::NewAnnotation::default()
    };
    let _ = brief::scaffold::new_annotation(&request);
});

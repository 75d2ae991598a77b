//! `brief suggest` on a site of one source and one annotation file. Input: the source and the
//! annotation file, separated by a line holding only `===`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BRIEFING: &str = "---\ntitle: Fuzz\n---\n\nA briefing.\n";

fuzz_target!(|text: &str| {
    let [source, annotations] = brief_fuzz::parts::<2>(text);
    let root = brief_fuzz::write_site(source, annotations, BRIEFING);
    let _ = brief::suggest::suggest(&root, None);
});

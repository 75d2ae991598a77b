//! A source, an annotation file and a briefing citing it, through load, resolve and render
//! (`brief check`: everything a build does but the write). Input: the three files, separated
//! by lines holding only `===`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let [source, annotations, briefing] = brief_fuzz::parts::<3>(text);
    let root = brief_fuzz::write_site(source, annotations, briefing);
    let options = brief::site::BuildOptions {
        root,
        ..brief::site::BuildOptions::default()
    };
    let _ = brief::site::build(&options);
});

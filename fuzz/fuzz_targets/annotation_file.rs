//! An annotation file, parsed and checked entry by entry.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = brief::annotate::model::parse_file(Path::new("content/annotations/a.yaml"), text);
});

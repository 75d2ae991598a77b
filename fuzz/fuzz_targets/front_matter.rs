//! Front matter and the Markdown after it, as a source article and as a briefing.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = brief::content::parse_source(Path::new("content/sources/a.md"), text.to_string(), "en");
    let _ = brief::content::parse_briefing(Path::new("content/index.md"), text.to_string());
});

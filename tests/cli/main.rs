//! The integration tests: one binary, running the real `brief` on sites laid out in temp
//! folders and reading the produced HTML with an HTML parser.

mod annotations;
mod architecture;
// The benchmark's archive generator; the tests use the brief site, not the peers'.
#[allow(dead_code)]
#[path = "../../benches/support/archive.rs"]
mod archive;
mod browser;
mod build;
mod editor;
mod errors;
mod import;
mod pipes;
mod reader_text;
mod scale;
mod series;
#[cfg(feature = "serve")]
mod serve;
mod snapshots;
mod trust;
mod util;
mod w3c;
mod webannotation;

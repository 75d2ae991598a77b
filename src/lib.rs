//! brief: a static site generator for annotated briefings.
//!
//! The build is a straight line of stages over one immutable model: [`site::load`] reads the
//! content, [`site::render`] renders pages in parallel into an [`output::Sink`], and
//! [`output::Staging`] swaps the new site in atomically. Problems are [`diagnostics::Diagnostic`] values, reported all at once by
//! the [`cli`] at the edge.

pub mod annotate;
pub mod cli;
pub mod config;
pub mod console;
pub mod content;
pub mod diagnostics;
pub mod explain;
pub mod feed;
pub mod import;
pub mod init;
pub mod list;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod series;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod suggest;
#[cfg(test)]
mod testing;
pub mod timeline;
pub mod walk;
pub mod yaml;

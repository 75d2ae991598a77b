//! The annotation layer: annotation files, anchoring against sources, figures, citations.
//!
//! It runs as the build's resolve stage: annotations are parsed ([`model`]), each target is
//! anchored in its source's rendered text ([`anchor`]), figures are checked against the number
//! their quotes state ([`figure`]), and the briefing's `[text](@id)` links are resolved
//! ([`citation`]). The result, [`Resolved`](resolve::Resolved), is what rendering reads.

pub mod anchor;
pub mod citation;
pub mod diff;
pub mod figure;
pub mod fold;
pub mod fuzzy;
pub mod jsonld;
pub mod model;
pub mod placing;
pub mod problems;
pub mod propose;
pub mod resolve;
pub mod review;

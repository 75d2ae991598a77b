//! Turning the site model into HTML through the theme's templates: pages, passages, the
//! chart and the scripts' data. Markdown itself is [`crate::markdown`]'s.

pub mod annotations;
pub mod chart;
pub mod citations;
pub mod passages;
pub mod scripts;
pub mod theme;
pub mod wordings;

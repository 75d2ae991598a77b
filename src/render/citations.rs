//! Citations as the reader sees them: each [`Citation`] of a resolved text written through
//! the theme's `partials/citation.html` as a link to its passage.

use pulldown_cmark::{CowStr, Event};
use serde::Serialize;
use tera::Context;

use super::theme::Theme;
use crate::annotate::citation::{Citation, Cited};
use crate::diagnostics::Diagnostic;

/// How a text's citations are linked from the page it is on.
#[derive(Debug, Clone, Copy)]
pub struct Linking<'a> {
    /// The relative path from the page to the site root (`""` or `"../"`).
    pub root: &'a str,
    /// Give each citation the element id `cite-<id>-<n>` that its passage links back to: the
    /// briefing's citations have them, a note's do not.
    pub anchors: bool,
}

/// What `partials/citation.html` receives as `citation`.
#[derive(Debug, Serialize)]
struct CitationView<'a> {
    /// The annotation id.
    id: &'a str,
    /// "figure", "quote" or "note".
    kind: &'static str,
    /// The passage, relative to the page.
    href: String,
    /// The element id, `cite-<id>-<n>`, when the text has them.
    anchor: Option<String>,
    /// Set in quotation marks.
    quoted: bool,
}

/// `cited`'s events with each citation made one piece of inline HTML (its link text inside),
/// paired with the citation it is.
pub fn events<'c>(
    cited: &'c Cited,
    linking: Linking<'_>,
    theme: &Theme,
) -> Result<Vec<(Event<'static>, Option<&'c Citation>)>, Diagnostic> {
    let mut out = Vec::with_capacity(cited.events.len());
    let mut next = 0;
    for citation in &cited.citations {
        let plain = cited.events.get(next..citation.events.start).unwrap_or(&[]);
        out.extend(plain.iter().map(|event| (event.clone(), None)));
        let html = link(cited, citation, linking, theme)?;
        out.push((Event::InlineHtml(CowStr::from(html)), Some(citation)));
        next = citation.events.end;
    }
    let rest = cited.events.get(next..).unwrap_or(&[]);
    out.extend(rest.iter().map(|event| (event.clone(), None)));
    Ok(out)
}

/// `cited` as HTML.
pub fn html(cited: &Cited, linking: Linking<'_>, theme: &Theme) -> Result<String, Diagnostic> {
    let events = events(cited, linking, theme)?;
    Ok(crate::markdown::render(
        events.into_iter().map(|(event, _)| event),
    ))
}

/// One citation through `partials/citation.html`, its link text rendered as `content`.
fn link(
    cited: &Cited,
    citation: &Citation,
    linking: Linking<'_>,
    theme: &Theme,
) -> Result<String, Diagnostic> {
    let text = cited.events.get(citation.events.clone()).unwrap_or(&[]);
    let mut context = Context::new();
    context.insert(
        "citation",
        &CitationView {
            id: &citation.id,
            kind: citation.kind.as_str(),
            href: format!("{}{}", linking.root, citation.href),
            anchor: linking
                .anchors
                .then(|| format!("cite-{}-{}", citation.id, citation.nth)),
            quoted: citation.quoted,
        },
    );
    context.insert("content", &crate::markdown::render(text.iter().cloned()));
    theme.render("partials/citation.html", &context)
}

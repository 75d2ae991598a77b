//! Link addresses: unsafe ones dropped, links to content files turned into links to pages.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Links and images whose address would run code when followed (`javascript:`,
/// `vbscript:`, `data:` other than an image's) lose their address: a link shows as its text,
/// an image as its description. Only web, mail and telephone addresses and relative links are
/// kept, so a source or note imported from anywhere cannot carry a live script.
pub(super) fn drop_unsafe_links(
    events: Vec<(Event<'static>, Range<usize>)>,
) -> Vec<(Event<'static>, Range<usize>)> {
    // Per open link or image: whether it was dropped, so its end goes too.
    let mut open: Vec<bool> = Vec::new();
    events
        .into_iter()
        .filter(|(event, _)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open.push(!is_safe_address(dest_url, false));
                !open.last().copied().unwrap_or(false)
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                open.push(!is_safe_address(dest_url, true));
                !open.last().copied().unwrap_or(false)
            }
            Event::End(TagEnd::Link | TagEnd::Image) => !open.pop().unwrap_or(false),
            _ => true,
        })
        .collect()
}

/// Whether a link (or, with `image`, an image) address is safe to publish.
fn is_safe_address(address: &str, image: bool) -> bool {
    // Browsers ignore tabs and line breaks anywhere in an address and control characters and
    // spaces before it, so `java\tscript:` is `javascript:`.
    let cleaned: String = address
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .skip_while(|c| *c <= ' ')
        .collect();
    let Some((scheme, rest)) = cleaned.split_once(':') else {
        return true;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return true;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" | "mailto" | "tel" => true,
        "data" => {
            image
                && rest
                    .get(..6)
                    .is_some_and(|t| t.eq_ignore_ascii_case("image/"))
        }
        _ => false,
    }
}

/// A relative link to a content file (`sources/x.md`) goes to its page (`sources/x.html`),
/// so an editor can link files the way they see them.
pub(super) fn link_to_pages(event: Event<'static>) -> Event<'static> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = page_link(&dest_url).map_or(dest_url, CowStr::from);
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    }
}

fn page_link(dest: &str) -> Option<String> {
    if dest.contains("://") || dest.starts_with('/') || dest.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = dest
        .split_once('#')
        .map_or((dest, None), |(p, f)| (p, Some(f)));
    let stem = path.strip_suffix(".md")?;
    Some(match fragment {
        Some(fragment) => format!("{stem}.html#{fragment}"),
        None => format!("{stem}.html"),
    })
}

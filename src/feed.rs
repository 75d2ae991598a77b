//! `feed.xml`: an Atom 1.0 feed (RFC 4287) of the series' briefings, newest first.
//!
//! A feed reader fetches the feed from anywhere, so its links must be absolute: the feed is
//! written only with a base URL. Without one, a site with a series gets warning W301 saying
//! the feed was left out; a site with no series has nothing to feed and gets no warning.
//! Dates come from the briefings' front matter, never from the clock, so two builds of the
//! same content write the same feed.

use crate::annotate::resolve::Resolved;
use crate::content::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::escape_html;
use crate::render::annotations;
use crate::render::theme::Theme;
use crate::series::FOLDER;
use crate::site::Site;

/// The feed's path in the output.
pub const PATH: &str = "feed.xml";

/// Whether the site has a feed: a series and a base URL.
pub fn published(site: &Site) -> bool {
    !site.series.is_empty() && site.config.base_url.is_some()
}

/// The feed, or `None` (with W301 when there is a series but no base URL).
pub fn atom(
    site: &Site,
    resolved: &Resolved,
    theme: &Theme,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let newest = site.series.first()?;
    let Some(base) = &site.config.base_url else {
        diagnostics.push(
            Diagnostic::warning("W301", "feed.xml is left out: the site has no base URL")
                .at(Location::from_range(&newest.briefing.markdown.file, &newest.briefing.markdown.text, 0..3))
                .label(format!("a briefing of {FOLDER}/, for the feed"))
                .note("feed readers fetch the feed from elsewhere, so every link in it must be absolute")
                .help("set `base_url: https://user.github.io/repo/` in content/site.yaml, or build with `--base-url`"),
        );
        return None;
    };
    let base = base.trim_end_matches('/');
    let url = |path: &str| escape_html(&format!("{base}/{path}"));
    let title = escape_html(site_title(site));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape_html(&site.config.language)
    ));
    xml.push_str(&format!("<id>{}</id>\n", url(PATH)));
    xml.push_str(&format!("<title>{title}</title>\n"));
    xml.push_str(&format!("<updated>{}</updated>\n", timestamp(newest.date)));
    xml.push_str(&format!("<author><name>{title}</name></author>\n"));
    xml.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        url(PATH)
    ));
    xml.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        url("index.html")
    ));
    xml.push_str(&format!(
        "<generator version=\"{}\">brief</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for (entry, cited) in site.series.iter().zip(&resolved.series) {
        let meta = &entry.briefing.meta;
        let page = url(&entry.href);
        // A theme partial that fails here fails on the briefing's own page too, which reports it.
        let body =
            annotations::briefing_html(&cited.body, resolved, &site.sources, "../", theme).ok()?;
        xml.push_str("<entry>\n");
        xml.push_str(&format!("<id>{page}</id>\n"));
        xml.push_str(&format!("<title>{}</title>\n", escape_html(&meta.title)));
        xml.push_str(&format!(
            "<published>{}</published>\n",
            timestamp(entry.date)
        ));
        xml.push_str(&format!("<updated>{}</updated>\n", timestamp(entry.date)));
        if let Some(author) = &meta.author {
            xml.push_str(&format!(
                "<author><name>{}</name></author>\n",
                escape_html(author)
            ));
        }
        xml.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n"
        ));
        if let Some(description) = &meta.description {
            xml.push_str(&format!(
                "<summary>{}</summary>\n",
                escape_html(description)
            ));
        }
        // The body's links are relative to the briefing's page; `xml:base` makes a reader
        // resolve them against its absolute address (RFC 4287, section 2).
        xml.push_str(&format!(
            "<content type=\"html\" xml:base=\"{page}\">{}</content>\n",
            escape_html(&body)
        ));
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    Some(xml)
}

fn site_title(site: &Site) -> &str {
    site.config
        .title
        .as_deref()
        .unwrap_or(&site.briefing.meta.title)
}

/// An RFC 3339 timestamp for a day: midnight UTC, the only time front matter implies.
fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_midnight_utc() {
        let date = Date::parse("2025-01-23").expect("a date");
        assert_eq!(timestamp(date), "2025-01-23T00:00:00Z");
    }
}

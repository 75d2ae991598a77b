//! Syntax highlighting of fenced code, into CSS classes (`hl-*`) that the theme styles for
//! light and dark.
//!
//! Loading syntect's syntax set costs tens of milliseconds, so it happens once per process and
//! only when a page has a fenced block with a language.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::escape_html;

/// The events with each code block (its start, text and end) replaced by one HTML event: the
/// block highlighted by [`code_block`].
pub fn code_blocks<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut code: Option<(String, String)> = None;
    events.filter_map(move |event| match (event, &mut code) {
        (Event::Start(Tag::CodeBlock(kind)), _) => {
            let language = match kind {
                CodeBlockKind::Fenced(language) => language.to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            code = Some((language, String::new()));
            None
        }
        (Event::Text(text), Some((_, buffer))) => {
            buffer.push_str(&text);
            None
        }
        (Event::End(TagEnd::CodeBlock), Some(_)) => code
            .take()
            .map(|(language, buffer)| Event::Html(CowStr::from(code_block(&buffer, &language)))),
        (event, _) => Some(event),
    })
}

/// The prefix of every highlighting class, so theme CSS cannot clash with them.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A fenced code block as HTML: `<pre><code class="language-LANG">` with highlighted spans
/// when syntect knows the language, escaped plain text otherwise.
pub fn code_block(code: &str, language: &str) -> String {
    let language = language.split_whitespace().next().unwrap_or("");
    let body = if language.is_empty() {
        escape_html(code)
    } else {
        highlighted(code, language).unwrap_or_else(|| escape_html(code))
    };
    if language.is_empty() {
        format!("<pre><code>{body}</code></pre>\n")
    } else {
        format!(
            "<pre class=\"highlight\"><code class=\"language-{}\">{body}</code></pre>\n",
            escape_html(language)
        )
    }
}

fn highlighted(code: &str, language: &str) -> Option<String> {
    let syntaxes = syntaxes();
    let syntax = syntaxes.find_syntax_by_token(language)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The theme's `highlight.css`: syntect's InspiredGitHub colours for light and base16-ocean
/// for dark. Generated here and committed, so the build needs no theme data at run time; a test
/// keeps the committed file current.
#[cfg(test)]
pub(crate) fn stylesheet() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        css_for_theme_with_class_style(&themes.themes[name], CLASS_STYLE)
            .expect("syntect's bundled themes convert to CSS")
    };
    format!(
        "/* Generated from syntect's bundled themes; see src/markdown/highlight.rs. */\n{}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
        css("InspiredGitHub"),
        css("base16-ocean.dark")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = code_block("fn main() {}\n", "rust");
        assert!(html.contains("class=\"language-rust\""), "{html}");
        assert!(html.contains("hl-"), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_text() {
        let html = code_block("<b>\n", "no-such-language");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("hl-"), "{html}");
    }
}

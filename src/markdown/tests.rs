//! Parsing, reader text, links, headings and escaping, on small texts and generated ones.

use super::*;
use crate::testing::XorShift;

const SOURCE: MarkdownOptions = MarkdownOptions {
    smart_punctuation: false,
    allow_html: false,
};
const BRIEFING: MarkdownOptions = MarkdownOptions {
    smart_punctuation: true,
    allow_html: true,
};

fn html(body: &str, options: MarkdownOptions) -> String {
    let markdown = parse(body, options).expect("within the limits");
    render(markdown.events.into_iter().map(|(event, _)| event))
}

#[test]
fn reader_text_drops_markup_and_separates_blocks() {
    let markdown = parse(
        "# Title\n\nSome *emphasis* and `code`.\nNext line.\n",
        SOURCE,
    )
    .expect("within the limits");
    assert_eq!(
        markdown.text.text,
        "Title\n\nSome emphasis and code.\nNext line."
    );
}

#[test]
fn reader_text_maps_back_to_markdown() {
    let body = "First.\n\nSecond *word* here.\n";
    let markdown = parse(body, SOURCE).expect("within the limits");
    let at = markdown
        .text
        .text
        .find("word")
        .expect("word is in the text");
    assert_eq!(
        &body[markdown.text.markdown_offset(body, at)..][..4],
        "word"
    );
}

#[test]
fn headings_get_unique_stable_ids() {
    let out = html("# Money\n\n## Money\n\n## Other {#mine}\n", BRIEFING);
    assert!(out.contains("<h1 id=\"money\">"), "{out}");
    assert!(out.contains("<h2 id=\"money-1\">"), "{out}");
    assert!(out.contains("<h2 id=\"mine\">"), "{out}");
}

#[test]
fn html_in_sources_is_text() {
    let out = html(
        "<script>alert(1)</script>\n\nA <b>bold</b> claim.\n",
        SOURCE,
    );
    assert!(!out.contains("<script>"), "{out}");
    assert!(!out.contains("<b>"), "{out}");
    assert!(out.contains("&lt;script&gt;"), "{out}");
}

#[test]
fn html_in_the_briefing_passes() {
    assert!(html("A <b>bold</b> claim.\n", BRIEFING).contains("<b>bold</b>"));
}

#[test]
fn smart_punctuation_only_when_asked() {
    assert!(html("\"Hi\" -- it's\n", BRIEFING).contains("\u{201c}Hi\u{201d}"));
    assert!(html("\"Hi\" -- it's\n", SOURCE).contains("\"Hi\" -- it's"));
}

#[test]
fn fenced_code_is_highlighted() {
    let out = html("```rust\nlet x = 1;\n```\n", BRIEFING);
    let page = scraper::Html::parse_fragment(&out);
    let select = |css: &str| {
        let selector = scraper::Selector::parse(css).expect("a selector");
        page.select(&selector)
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        select("pre.highlight > code.language-rust"),
        ["let x = 1;\n"]
    );
    // The keyword gets a class of its own, within the `hl-` namespace.
    let keyword = select("code span[class~=\"hl-storage\"]");
    assert_eq!(keyword, ["let"], "{out}");
    // Without a language: escaped text, no highlighting; and the code is not the reader's.
    let plain = html("```\n<b>x</b>\n```\n", BRIEFING);
    assert_eq!(plain, "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n");
    let parsed = parse("Before.\n\n```rust\nlet x = 1;\n```\n\nAfter.\n", BRIEFING)
        .expect("within the limits");
    assert_eq!(parsed.text.text, "Before.\n\nAfter.");
}

#[test]
fn links_to_markdown_files_go_to_pages() {
    let out = html(
        "[a](sources/x.md) [b](sources/x.md#p) [c](https://e.com/a.md)\n",
        BRIEFING,
    );
    assert!(out.contains("href=\"sources/x.html\""), "{out}");
    assert!(out.contains("href=\"sources/x.html#p\""), "{out}");
    assert!(out.contains("href=\"https://e.com/a.md\""), "{out}");
}

#[test]
fn tables_footnotes_strikethrough() {
    let out = html(
        "| a |\n|---|\n| b |\n\n~~no~~ yes[^1]\n\n[^1]: note\n",
        BRIEFING,
    );
    assert!(out.contains("<table>"), "{out}");
    assert!(out.contains("<del>no</del>"), "{out}");
    assert!(out.contains("footnote"), "{out}");
}

#[test]
fn addresses_that_run_code_are_dropped() {
    for body in [
        "[a](javascript:alert(1))",
        "[a](JavaScript:alert(1))",
        "[a](java\tscript:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[a](vbscript:msgbox)",
        "[a](data:text/html,<script>alert(1)</script>)",
        "[a][r]\n\n[r]: javascript:alert(1)",
        "![a](data:text/html,x)",
        "![a](javascript:alert(1))",
    ] {
        for options in [SOURCE, BRIEFING] {
            let out = html(body, options);
            assert!(
                !out.contains("href") && !out.contains("src"),
                "{body}: {out}"
            );
        }
    }
    let kept = html(
        "[w](https://e.com) [m](mailto:a@e.com) [r](x.html) ![i](data:image/png;base64,AA)",
        SOURCE,
    );
    assert_eq!(kept.matches("href").count(), 3, "{kept}");
    assert!(kept.contains("src=\"data:image/png"), "{kept}");
}

#[test]
fn many_equal_headings_get_ids_in_order() {
    let body = "# S\n\n# S\n\n# S-2 {#s-2}\n\n# S\n\n# S\n";
    let out = html(body, BRIEFING);
    let ids: Vec<&str> = out
        .split("id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(ids, ["s", "s-1", "s-2", "s-3", "s-4"]);
}

/// A word that occurs once and in no other word (`Z` only starts one), in letters only (digits could hide in an entity like
/// `&#36;`), with a non-ASCII letter so that an offset off by one is not a char boundary.
fn unique_word(n: usize) -> String {
    let mut letters = String::new();
    let mut rest = n;
    loop {
        letters.push(char::from(b'a' + (rest % 26) as u8));
        rest /= 26;
        if rest == 0 {
            break;
        }
    }
    format!("Z{letters}\u{e9}\u{2019}x")
}

/// Markdown whose reader text differs from it everywhere it can: code spans (one or two
/// backticks, over two lines, in tables), containers whose `> ` or indentation sits inside
/// a span, inline HTML over two lines, entities, escapes, smart punctuation. Returns the
/// body and its unique words.
fn generated_body(rng: &mut XorShift) -> (String, Vec<String>) {
    let mut body = String::new();
    let mut words = Vec::new();
    for _ in 0..1 + rng.below(6) {
        let (first, next) = *rng.pick(&[
            ("", ""),
            ("> ", "> "),
            ("- ", "  "),
            ("> - ", ">   "),
            ("|", ""),
        ]);
        let table = first == "|";
        let mut line = first.to_string();
        for _ in 0..1 + rng.below(8) {
            let mut word = || {
                words.push(unique_word(words.len()));
                words.last().cloned().unwrap_or_default()
            };
            let break_line = if table {
                " ".to_string()
            } else {
                format!("\n{next}")
            };
            let item = match rng.below(10) {
                0 => format!("*{}*", word()),
                1 => format!("`{} {}`", word(), word()),
                2 => format!("`` {} ` {} ``", word(), word()),
                3 => format!("`{}{break_line}{}`", word(), word()),
                4 => format!("<span{break_line}title=\"t\">{}</span>", word()),
                5 => rng
                    .pick(&["&amp;", "&#36;", "&nbsp;", "\\*", "\"", "--", "..."])
                    .to_string(),
                6 if table => format!("`{}\\|{}`", word(), word()),
                _ => word(),
            };
            line.push_str(&item);
            let gap = [" ", " ", "\n"][rng.below(3)];
            line.push_str(if table { " | " } else { gap });
            if line.ends_with('\n') {
                line.push_str(next);
            }
        }
        if table {
            line = format!("| h |\n|---|\n{line}");
        }
        body.push_str(&line);
        body.push_str("\n\n");
    }
    (body, words)
}

#[test]
fn offsets_map_back_like_the_slow_obvious_search() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        let (body, words) = generated_body(&mut rng);
        for options in [SOURCE, BRIEFING] {
            let reader = parse(&body, options).expect("within the limits").text;
            for at in 0..=reader.text.len() + 1 {
                let mapped = reader.markdown_offset(&body, at);
                assert!(
                    body.is_char_boundary(mapped),
                    "{at} -> {mapped} in {body:?}"
                );
            }
            for word in &words {
                // The slow obvious version: a word that occurs once is where it is found.
                let (Some(read), Some(written)) = (reader.text.find(word), body.find(word)) else {
                    continue;
                };
                for (i, _) in word.char_indices() {
                    assert_eq!(
                        reader.markdown_offset(&body, read + i),
                        written + i,
                        "{word:?}+{i} in {body:?}"
                    );
                }
            }
        }
    }
}

/// Regression: 2 MB of empty table cells took more than 1 GB.
#[test]
fn millions_of_table_cells_are_refused_early() {
    let body = format!("| a |\n|---|\n{}", "|\n".repeat(MAX_ELEMENTS));
    let error = parse(&body, SOURCE).expect_err("over the limit");
    assert!(0 < error.offset && error.offset < body.len(), "{error:?}");
}

#[test]
fn slugs_are_readable() {
    assert_eq!(
        slugify("OpenAI's \"backer\"? Media: Trump"),
        "openais-backer-media-trump"
    );
}

#[test]
fn escapes_markup_and_quotes() {
    assert_eq!(
        super::escape_html(r#"<script>"x" & 'y'</script>"#),
        "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
    );
}

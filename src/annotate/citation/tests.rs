//! Citations resolved on small briefings: links, numbering, and every check of a figure.

use super::*;
use crate::markdown::{self, MarkdownOptions};
use crate::testing::XorShift;
use std::path::PathBuf;

fn file(body: &str) -> MarkdownFile {
    MarkdownFile {
        file: PathBuf::from("content/index.md"),
        text: format!("---\ntitle: T\n---\n{body}"),
        body_offset: 16,
    }
}

fn table() -> BTreeMap<String, Citable> {
    let mut table = BTreeMap::new();
    table.insert(
        "stargate-total".to_string(),
        Citable {
            kind: Kind::Figure,
            href: "sources/a.html#ann-stargate-total".to_string(),
            quote: "$500 billion".to_string(),
            value: Some(500e9),
            unit: Some(Unit::Usd),
            stated: figure::first_figure("$500 billion"),
            value_text: Some("$500 billion".to_string()),
        },
    );
    table
}

fn run(body: &str) -> Resolution {
    let file = file(body);
    let parsed = markdown::parse(
        file.body(),
        MarkdownOptions {
            smart_punctuation: true,
            allow_html: true,
        },
    )
    .expect("within the limits");
    let unanchored = HashSet::new();
    let citing = Citing {
        file: &file,
        briefing: true,
        unanchored: &unanchored,
    };
    resolve(parsed.events, &table(), &citing)
}

/// The text of a citation's events.
fn text_of(cited: &Cited, citation: &Citation) -> String {
    cited.events[citation.events.clone()]
        .iter()
        .map(|event| match event {
            Event::Text(text) => text.to_string(),
            _ => String::new(),
        })
        .collect()
}

#[test]
fn citations_are_numbered_and_keep_their_link_text() {
    let resolution = run("A [$500 billion](@stargate-total) pledge, [*again*](@stargate-total).\n");
    let cited = &resolution.cited;
    let found: Vec<_> = cited
        .citations
        .iter()
        .map(|c| (c.id.as_str(), c.nth, c.href.as_str(), text_of(cited, c)))
        .collect();
    let href = "sources/a.html#ann-stargate-total";
    assert_eq!(
        found,
        [
            ("stargate-total", 1, href, "$500 billion".to_string()),
            ("stargate-total", 2, href, "again".to_string())
        ]
    );
    assert!(matches!(
        cited.events[cited.citations[1].events.start],
        Event::Start(Tag::Emphasis)
    ));
    assert!(
        !cited
            .events
            .iter()
            .any(|e| matches!(e, Event::Start(Tag::Link { .. }))),
        "the link itself is taken out"
    );
    assert_eq!(resolution.counts["stargate-total"], 2);
    assert!(
        resolution.diagnostics.is_empty(),
        "{:?}",
        resolution.diagnostics
    );
}

#[test]
fn empty_text_is_filled_with_the_quote() {
    let resolution = run("Pledge: [](@stargate-total).\n");
    let cited = &resolution.cited;
    assert_eq!(text_of(cited, &cited.citations[0]), "$500 billion");
}

#[test]
fn a_different_number_is_an_error() {
    let resolution = run("A [$50 billion](@stargate-total) pledge.\n");
    assert_eq!(resolution.diagnostics[0].code, "E202");
    assert_eq!(
        resolution.diagnostics[0].location.as_ref().map(|l| l.line),
        Some(4)
    );
}

#[test]
fn unknown_id_names_the_closest() {
    let resolution = run("See [it](@stargate-totl).\n");
    assert_eq!(resolution.diagnostics[0].code, "E201");
    assert_eq!(
        resolution.diagnostics[0].help.as_deref(),
        Some("did you mean `@stargate-total`?")
    );
}

#[test]
fn figure_wrapped_over_two_lines_is_read_whole() {
    let resolution = run("Funds far less than $10\nbillion, he said.\n");
    assert_eq!(
        resolution.diagnostics.len(),
        1,
        "{:?}",
        resolution.diagnostics
    );
    assert!(
        resolution.diagnostics[0].message.contains("$10 billion"),
        "{}",
        resolution.diagnostics[0].message
    );
    assert_eq!(
        resolution.diagnostics[0]
            .location
            .as_ref()
            .map(|l| (l.line, l.column)),
        Some((4, 7))
    );
}

/// The verdict on a briefing: every diagnostic's code and message.
fn verdict(body: &str) -> Vec<(&'static str, String)> {
    run(body)
        .diagnostics
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

/// One token of a citation's link text, written with some inline markup.
fn dress(token: &str, rng: &mut XorShift) -> String {
    match rng.below(8) {
        0 => format!("*{token}*"),
        1 => format!("**{token}**"),
        2 => format!("`{token}`"),
        3 => token.replacen('$', "&#36;", 1),
        4 if token.starts_with('$') => format!("$*{}*", &token[1..]),
        5 if token.len() > 3 && token.is_ascii() => {
            let (a, b) = token.split_at(token.len() / 2);
            format!("{a}{}{b}", rng.pick(&["\u{ad}", "&shy;"]))
        }
        _ => token.to_string(),
    }
}

#[test]
fn rewrapping_or_markup_of_link_text_keeps_the_verdict() {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    let gaps = [
        " ", "\n", "  \n", "\\\n", "&nbsp;", "\u{a0}", "\u{202f}", "\u{2009}", " \n ",
    ];
    for _ in 0..300 {
        let number = rng.pick(&["$7", "$500", "$500.0", "$50", "500"]);
        let scale = rng.pick(&["billion", "million", "bn"]);
        let lead = *rng.pick(&[&["a", "total", "of"][..], &["up", "to"], &[]]);
        let tokens: Vec<&str> = lead.iter().copied().chain([*number, *scale]).collect();
        let plain = format!("A [{}](@stargate-total) pledge.\n", tokens.join(" "));
        let dressed: Vec<String> = tokens.iter().map(|t| dress(t, &mut rng)).collect();
        let mut text = dressed[0].clone();
        for token in &dressed[1..] {
            text.push_str(gaps[rng.below(gaps.len())]);
            text.push_str(token);
        }
        let wrapped = format!("A [{text}](@stargate-total) pledge.\n");
        assert_eq!(
            verdict(&wrapped),
            verdict(&plain),
            "{wrapped:?} vs {plain:?}"
        );
    }
}

/// Regression: `[a total of $7\nbillion](@stargate-total)` passed the check.
#[test]
fn a_citation_wrapped_over_two_lines_is_checked() {
    let codes: Vec<_> = verdict("A [a total of $7\nbillion](@stargate-total).\n")
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(codes, ["E202"]);
}

/// Regression: `[x](@ a)` was published as text and `![y](@a)` as an image, silently.
#[test]
fn citations_that_are_not_links_are_errors() {
    let codes =
        |body: &str| -> Vec<&str> { verdict(body).into_iter().map(|(code, _)| code).collect() };
    assert_eq!(codes("See [x](@ stargate-total).\n"), ["E203"]);
    assert_eq!(codes("See [x] (@stargate-total).\n"), ["E203"]);
    assert_eq!(codes("See ![y](@stargate-total).\n"), ["E204"]);
    assert!(codes("See [x](@stargate-total), (@ not this).\n").is_empty());
}

/// Regression: only a link text's first figure was compared and figures in another
/// currency were not read, so `$500 billion and $7 billion` or `€500 billion` passed.
#[test]
fn every_figure_of_a_citation_and_its_currency_are_checked() {
    let codes =
        |body: &str| -> Vec<&str> { verdict(body).into_iter().map(|(code, _)| code).collect() };
    assert_eq!(
        codes("[$500 billion and $7 billion](@stargate-total)\n"),
        ["E202"]
    );
    assert_eq!(codes("[€500 billion](@stargate-total)\n"), ["E202"]);
    assert_eq!(codes("[500 billion euros](@stargate-total)\n"), ["E202"]);
    assert_eq!(
        codes("[$500 billion (£400 billion)](@stargate-total)\n"),
        ["E202"]
    );
    assert!(codes("[$500 billion over four years](@stargate-total)\n").is_empty());
    assert!(codes("[$500 billion for Europe](@stargate-total)\n").is_empty());
    assert!(codes("[500 billion](@stargate-total)\n").is_empty());
}

#[test]
fn unknown_id_far_from_all_names_where_ids_are_listed() {
    let resolution = run("See [it](@zzz).\n");
    let help = resolution.diagnostics[0].help.clone().unwrap_or_default();
    assert!(help.contains("annotations.html"), "{help}");
}

#[test]
fn uncited_figure_is_a_warning() {
    let resolution = run("It costs $80 billion, or [$500 billion](@stargate-total).\n");
    let warnings: Vec<_> = resolution.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(warnings, ["W201"]);
    assert!(resolution.diagnostics[0].message.contains("$80 billion"));
}

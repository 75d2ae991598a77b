//! The problems of placing an annotation in its sources: no such source (E106), a quote with
//! several matches (E102), a quote found nowhere (E101). Built here without a place, for the
//! resolve stage, `brief new annotation` and `brief suggest`, which each know where the
//! editor wrote the slug or the quote.

use std::ops::Range;
use std::sync::OnceLock;

use super::anchor::{Ambiguity, Context, NearMiss};
use super::diff::{describe_changes, diff_words};
use crate::content::Source;
use crate::diagnostics::{Diagnostic, closest_name};
use crate::yaml;

/// No source has this slug; the caller places the error.
pub fn unknown_source(slug: &str, sources: &[Source]) -> Diagnostic {
    let diagnostic = Diagnostic::error("E106", format!("there is no source `{slug}`"))
        .label("not a file of content/sources/");
    let slugs = sources.iter().map(|s| s.slug.as_str());
    // A path or a file name where the slug goes: `content/sources/a.md`, `a.md`, `A`.
    let written = slug.rsplit('/').next().unwrap_or(slug);
    let written = written
        .strip_suffix(".md")
        .unwrap_or(written)
        .to_lowercase();
    if written != slug
        && let Some(name) = slugs.clone().find(|s| *s == written)
    {
        return diagnostic.help(format!(
            "write `{name}`: a source's slug is its file's name in content/sources/, without `.md`"
        ));
    }
    match closest_name(slug, slugs.clone()) {
        Some(name) => diagnostic.help(format!("did you mean `{name}`?")),
        // An archive's thousands of slugs would make the hint longer than the file.
        None if sources.len() > LISTED_SOURCES => diagnostic.help(format!(
            "the slug is a file's name in content/sources/ without `.md`; there are {} sources",
            sources.len()
        )),
        None => diagnostic.help(format!("sources: {}", slugs.collect::<Vec<_>>().join(", "))),
    }
}

/// Up to how many sources an unknown slug's hint lists them all.
const LISTED_SOURCES: usize = 12;

/// A quote with several matches: the first ones listed with what singles each out; the
/// caller places it.
pub fn ambiguous(lines: &SourceLines<'_>, ambiguity: &Ambiguity) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        "E102",
        format!(
            "the quote occurs {} times in `{}`",
            count(ambiguity),
            lines.source.slug
        ),
    )
    .label("matches more than one passage");
    let (diagnostic, all_listed) = list_matches(diagnostic, lines, ambiguity);
    if all_listed {
        diagnostic.help(
            "a quote must match exactly one passage: add a `prefix` or `suffix` from the notes above",
        )
    } else {
        diagnostic
            .help("a quote must match exactly one passage: quote more of the sentence you mean")
    }
}

/// A quote whose words are in the source but never with its `prefix` or `suffix` (which one
/// the target has: `context`, as the editor calls it); the matches of the words alone are
/// listed with what surrounds them. The caller places it.
pub fn out_of_context(lines: &SourceLines<'_>, context: &str, alone: &Ambiguity) -> Diagnostic {
    let once = alone.count == 1 && !alone.more;
    let found = if once {
        "once".to_string()
    } else {
        format!("{} times", count(alone))
    };
    let diagnostic = Diagnostic::error(
        "E101",
        format!(
            "the quote is in `{}`, but not with its {context}",
            lines.source.slug
        ),
    )
    .label(format!(
        "these words occur {found}, never with that {context}"
    ));
    let (diagnostic, _) = list_matches(diagnostic, lines, alone);
    if once {
        diagnostic.help(format!(
            "the words alone match one passage: remove the {context}, or copy it from the source as the note shows"
        ))
    } else {
        diagnostic.help(format!(
            "replace the {context} with the one the note of the match you mean proposes"
        ))
    }
}

/// "7" or "more than 1000": how many matches an ambiguity counted.
fn count(ambiguity: &Ambiguity) -> String {
    if ambiguity.more {
        format!("more than {}", ambiguity.count)
    } else {
        ambiguity.count.to_string()
    }
}

/// Adds a note for each listed match (its line, an excerpt, the context that picks it) and
/// one for those not listed; says whether every match was listed.
fn list_matches(
    mut diagnostic: Diagnostic,
    lines: &SourceLines<'_>,
    ambiguity: &Ambiguity,
) -> (Diagnostic, bool) {
    let source = lines.source;
    let unlisted = ambiguity.count - ambiguity.candidates.len();
    let all_listed = unlisted == 0 && !ambiguity.more;
    for (n, candidate) in ambiguity.candidates.iter().enumerate() {
        let line = lines.line(candidate.range.start);
        let context = excerpt(&source.body.text.text, candidate.range.clone());
        let fix = match &candidate.disambiguation {
            Some(Context::Prefix(prefix)) => {
                format!("; to pick it, add `prefix: {}`", yaml::quoted(prefix))
            }
            Some(Context::Suffix(suffix)) => {
                format!("; to pick it, add `suffix: {}`", yaml::quoted(suffix))
            }
            None if !all_listed || ambiguity.candidates.len() == 1 => String::new(),
            None => "; no short context singles it out; quote more words".to_string(),
        };
        diagnostic = diagnostic.note(format!(
            "match {} at {}:{line}: {context}{fix}",
            n + 1,
            source.markdown.file.display()
        ));
    }
    if !all_listed {
        let more = if ambiguity.more { "more than " } else { "" };
        diagnostic = diagnostic.note(format!("{more}{unlisted} more matches are not listed"));
    }
    (diagnostic, all_listed)
}

/// A quote found nowhere, with the closest passage; the caller places it.
pub fn not_found(quote: &str, lines: &SourceLines<'_>, near: Option<&NearMiss>) -> Diagnostic {
    let source = lines.source;
    let diagnostic = Diagnostic::error("E101", format!("the quote is not in `{}`", source.slug))
        .label("no passage has these exact words");
    if let Some(curly) = quote
        .trim_start()
        .chars()
        .next()
        .filter(|c| matches!(c, '“' | '‘' | '«' | '„'))
    {
        return diagnostic.help(format!("the curly `{curly}` is part of the quote: YAML quotes a value with straight quotes, so write `quote: \"...\"` or leave the curly marks out"));
    }
    let Some(near) = near.filter(|n| n.similarity >= 0.5) else {
        return diagnostic.help("copy the words from the source page; matching ignores only white space, quote styles and dashes");
    };
    let text = &source.body.text.text;
    let passage = &text[near.range.clone()];
    let changes = describe_changes(&diff_words(quote.trim(), passage));
    let line = lines.line(near.range.start);
    let diagnostic = diagnostic.note(format!(
        "closest passage, {:.0}% alike, at {}:{line}: {}",
        near.similarity * 100.0,
        source.markdown.file.display(),
        yaml::quoted(passage)
    ));
    if changes.is_empty() {
        diagnostic.help(
            "the words match but their spelling or punctuation differs; copy the passage above",
        )
    } else {
        diagnostic.help(format!("words that differ: {changes}"))
    }
}

/// The lines of a source's file, to say on which line a passage is. The file's line ends are
/// found once, on the first question: a long source with thousands of passages or problems
/// is read once, not once for each.
pub struct SourceLines<'a> {
    /// The source.
    pub source: &'a Source,
    newlines: OnceLock<Vec<usize>>,
}

impl<'a> SourceLines<'a> {
    /// The lines of `source`'s file, not read yet.
    pub fn new(source: &'a Source) -> SourceLines<'a> {
        SourceLines {
            source,
            newlines: OnceLock::new(),
        }
    }

    /// The line of the source file holding reader-text offset `offset`.
    pub fn line(&self, offset: usize) -> usize {
        let markdown = &self.source.markdown;
        let absolute = markdown.body_offset
            + self
                .source
                .body
                .text
                .markdown_offset(markdown.body(), offset);
        let newlines = self
            .newlines
            .get_or_init(|| memchr::memchr_iter(b'\n', markdown.text.as_bytes()).collect());
        newlines.partition_point(|&n| n < absolute) + 1
    }
}

/// A short excerpt around a match: a few words either side, the match in brackets.
fn excerpt(text: &str, range: Range<usize>) -> String {
    const AROUND: usize = 30;
    let before: Vec<char> = text[..range.start].chars().rev().take(AROUND).collect();
    let before: String = before.into_iter().rev().collect();
    let after: String = text[range.end..].chars().take(AROUND).collect();
    let squash = |s: &str| {
        s.split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let edge = |s: &str, at_start: bool| {
        let space = if at_start {
            s.starts_with(char::is_whitespace)
        } else {
            s.ends_with(char::is_whitespace)
        };
        if space { " " } else { "" }
    };
    format!(
        "\"...{}{}[{}]{}{}...\"",
        squash(&before),
        edge(&before, false),
        squash(&text[range]),
        edge(&after, true),
        squash(&after)
    )
}

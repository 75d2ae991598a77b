//! YAML through serde, with every error turned into a located [`Diagnostic`].
//!
//! We use serde-saphyr: it is maintained (serde_yaml was archived in 2024), panic-free on
//! hostile input, bounded in depth and size, and it reports line and column for values
//! (`Spanned<T>`) and for serde's own errors (unknown field, missing field, bad type), which is
//! what lets a hand-edited file get `file:line:col` and a "did you mean" for every mistake.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Error, Location as YamlLocation};

use crate::diagnostics::{Diagnostic, Location, closest_name};

/// Parses `text` (the contents of `file`, or the part of it that starts on line
/// `first_line`) into `T`.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    if let Some(tag) = first_tag(text) {
        let mut location = Location::from_range(file, text, tag.clone());
        location.line += first_line - 1;
        return Err(Diagnostic::error(
            "E001",
            format!("YAML tags such as `{}` are not accepted", &text[tag]),
        )
        .at(location)
        .label("a tag")
        .help("write the value itself; if it starts with `!`, put it in quotes: `\"!...\"`"));
    }
    serde_saphyr::from_str(text).map_err(|error| diagnostic(file, text, first_line, &error))
}

/// The first YAML tag (`!!binary`, `!x`) in `text`, read line by line: a value that starts
/// with `!` after a key, a list dash or the indentation. Tags would let a file decode or
/// retype a value behind the editor's back, so none is accepted. Lines inside a block scalar
/// (`note: |`) are text, not YAML, and are skipped.
fn first_tag(text: &str) -> Option<std::ops::Range<usize>> {
    let mut block_indent: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end();
        let indent = content.len() - content.trim_start_matches(' ').len();
        if let Some(block) = block_indent {
            if content.trim().is_empty() || indent > block {
                continue;
            }
            block_indent = None;
        }
        let mut value = content.trim_start();
        while let Some(rest) = value.strip_prefix("- ") {
            value = rest.trim_start();
        }
        if let Some((key, rest)) = value.split_once(": ")
            && !key.starts_with(['"', '\'', '[', '{'])
        {
            value = rest.trim_start();
        }
        if value.starts_with('!') {
            let at = start + (content.len() - value.len());
            let end = value.find(' ').map_or(value.len(), |n| n);
            return Some(at..at + end);
        }
        if value.starts_with(['|', '>']) {
            block_indent = Some(indent);
        }
    }
    None
}

/// Converts a location reported by the YAML parser into ours, shifted to the file's lines.
pub fn locate(file: &Path, text: &str, first_line: usize, at: &YamlLocation) -> Location {
    let mut location = Location::from_line_column(
        file,
        text,
        (at.line() as usize).max(1),
        (at.column() as usize).max(1),
    );
    location.line += first_line - 1;
    location
}

/// Locates a value the parser reported by its start, with the caret under the whole scalar:
/// a quoted string to its closing quote, a plain one to the end of the line or a comment.
pub fn locate_value(file: &Path, text: &str, first_line: usize, at: &YamlLocation) -> Location {
    let mut location = locate(file, text, first_line, at);
    let rest = &location.line_text[location.span.start..];
    let length = scalar_length(rest);
    location.span.end = location.span.start + length;
    location
}

fn scalar_length(rest: &str) -> usize {
    let plain = || {
        rest.find(" #")
            .map_or(rest, |end| &rest[..end])
            .trim_end()
            .len()
    };
    match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => closing_quote(rest, quote).unwrap_or_else(plain),
        _ => plain(),
    }
}

/// The length of a quoted scalar up to its closing quote: `\"` escapes in double quotes,
/// `''` in single quotes.
fn closing_quote(rest: &str, quote: char) -> Option<usize> {
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            c if c == quote => {
                if quote == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                    chars.next();
                } else {
                    return Some(index + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn diagnostic(file: &Path, text: &str, first_line: usize, error: &Error) -> Diagnostic {
    if let Some(diagnostic) = layout_mistake(file, text, first_line, error) {
        return diagnostic;
    }
    let described = describe(error);
    let mut location = error
        .location()
        .filter(|at| at.line() > 0)
        .map(|at| locate(file, text, first_line, &at))
        .unwrap_or_else(|| Location::file_start(file));
    if described.code == "E001"
        && let Some(curly) = curly_quoted(&location.line_text)
    {
        return described
            .at(location)
            .help(format!("YAML quotes a value with straight quotes `\"` or `'`; the curly `{curly}` is read as part of the text, so write the value as `\"...\"`"));
    }
    match original(error) {
        Error::SerdeUnknownField { field, .. }
            if location.line_text[location.span.start..].starts_with(field.as_str()) =>
        {
            location.span.end = location.span.start + field.len();
        }
        Error::SerdeUnknownVariant { .. }
        | Error::SerdeInvalidType { .. }
        | Error::SerdeInvalidValue { .. } => {
            location.span.end =
                location.span.start + scalar_length(&location.line_text[location.span.start..]);
        }
        _ => {}
    }
    described.at(location)
}

/// The mistakes of layout a hand-edited file makes, which the parser reports in its own
/// terms, often a line off: a tab in the indentation, and a key indented less than its
/// siblings (the parser then misses the key where it belongs).
fn layout_mistake(file: &Path, text: &str, first_line: usize, error: &Error) -> Option<Diagnostic> {
    let at = |offset: usize, length: usize| {
        let mut location = Location::from_range(file, text, offset..offset + length);
        location.line += first_line - 1;
        location
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indentation = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if let Some(tab) = indentation.find('\t') {
            return Some(
                Diagnostic::error("E001", "a tab indents this line; YAML allows only spaces for indentation")
                    .at(at(offset + tab, 1))
                    .label("a tab")
                    .help("replace the tab with spaces, lined up with the keys it belongs with (most editors: \"Convert indentation to spaces\")"),
            );
        }
        offset += line.len();
    }
    let Error::SerdeMissingField { field, .. } = original(error) else {
        return None;
    };
    let key = format!("{field}:");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if trimmed.starts_with(&key) {
            let start = offset + (line.len() - trimmed.len());
            return Some(
                Diagnostic::error(
                    "E004",
                    format!("`{field}:` is indented less than the keys it belongs with"),
                )
                .at(at(start, key.len() - 1))
                .label("so YAML reads it as a key of the block around")
                .help(format!(
                    "indent `{field}:` with as many spaces as the other keys of its entry or target"
                )),
            );
        }
        offset += line.len();
    }
    None
}

/// The curly quote mark a value on this line starts with, if it does.
fn curly_quoted(line: &str) -> Option<char> {
    let value = line
        .split_once(": ")
        .map_or(line, |(_, value)| value)
        .trim_start();
    value
        .chars()
        .next()
        .filter(|c| matches!(c, '“' | '”' | '‘' | '’' | '«' | '„'))
}

/// The parser wraps errors to carry snippets and alias paths; we describe the original.
fn original(mut error: &Error) -> &Error {
    while let Error::WithSnippet { error: inner, .. } | Error::AliasError { error: inner, .. } =
        error
    {
        error = inner;
    }
    error
}

fn describe(error: &Error) -> Diagnostic {
    match original(error) {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let diagnostic = Diagnostic::error("E003", format!("unknown key `{field}`"))
                .label("not a key brief knows");
            match closest_name(field, expected.iter().copied()) {
                Some(name) => diagnostic.help(format!("did you mean `{name}`?")),
                None => diagnostic.help(format!(
                    "the keys allowed here are: {}",
                    expected.join(", ")
                )),
            }
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let diagnostic = Diagnostic::error("E010", format!("unknown value `{variant}`"))
                .label("not one of the allowed values");
            match closest_name(variant, expected.iter().copied()) {
                Some(name) => diagnostic.help(format!(
                    "did you mean `{name}`? allowed: {}",
                    expected.join(", ")
                )),
                None => diagnostic.help(format!("allowed values: {}", expected.join(", "))),
            }
        }
        Error::SerdeMissingField { field, .. } => {
            Diagnostic::error("E004", format!("`{field}:` is missing"))
                .label("the block that lacks it ends here")
                .help(missing_key_help(field))
        }
        Error::DuplicateMappingKey { key, .. } => Diagnostic::error(
            "E001",
            match key {
                Some(key) => format!("`{key}:` is written twice in the same block"),
                None => "a key is written twice in the same block".to_string(),
            },
        )
        .label("the second time")
        .help("keep one of the two lines; each key appears once per entry"),
        Error::Budget { .. } => Diagnostic::error(
            "E001",
            "this YAML is over brief's limits: too deep, too many values, or aliases that expand too far",
        )
        .label("the limit was reached here")
        .help("an annotation file or front matter holds at most 64 levels of nesting and 250,000 values, each use of an alias (`*name`) counting its whole value; see Limits in docs/errors.md"),
                Error::MultipleDocuments { .. } => Diagnostic::error(
            "E001",
            "a second YAML document starts here, after a `---` line",
        )
        .label("a file holds one document")
        .help("remove the `---` line; several annotations in one file are a list of `- id: ...` entries"),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::error("E010", format!("expected {expected}, found {unexpected}"))
            .label("this value"),
        other => invalid_yaml(other),
    }
}

/// E001 for what the YAML parser itself refuses: its first line, in the editor's terms where
/// a usual slip hides behind the parser's words.
fn invalid_yaml(error: &Error) -> Diagnostic {
    let message = error.to_string();
    let first = message.lines().next().unwrap_or("invalid YAML").trim();
    let first = strip_position(first);
    let (message, help) = if first.starts_with("mapping values are not allowed") {
        (
            "this line is indented further than the keys above it, or a value holds `: ` without quotes",
            "start the key in the same column as the keys above it; if the value holds `: `, put the value in quotes",
        )
    } else if first.starts_with("invalid floating point") {
        (
            "this value must be a number",
            "write the number alone, in digits: `2.5e6` for 2.5 million, `500e9` for $500 billion, `50` for 50%; the words and the unit go in `quote` and `unit`",
        )
    } else {
        (
            first,
            "check the indentation and quoting; a value holding `: ` or starting with a quote or `[` needs quotes around it",
        )
    };
    Diagnostic::error("E001", format!("invalid YAML: {message}"))
        .label("here")
        .help(help)
}

/// What to write for a missing key, in the terms of the file it is missing from.
fn missing_key_help(field: &str) -> String {
    match field {
        "source" => "add `source:` with the source's slug, its file name in content/sources/ without `.md`".to_string(),
        "quote" => "add `quote:` with the exact words of the passage, copied from the source".to_string(),
        "id" => "add `id:` with a unique name of lowercase letters, digits and dashes; citations use it as `[text](@id)`".to_string(),
        "kind" => "add `kind:` with `figure`, `quote` or `note`".to_string(),
        _ => format!("add `{field}: ...`"),
    }
}

/// The parser's own messages end with "at line L column C"; we show the place ourselves.
fn strip_position(message: &str) -> &str {
    message
        .find(" at line ")
        .map_or(message, |at| &message[..at])
}

/// A string as YAML, double-quoted (JSON strings are valid YAML): for the hints and
/// proposals that give the editor a line to paste.
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

/// A number as YAML reads it back exactly: `5e11` rather than `500000000000`.
pub fn number(value: f64) -> String {
    if value.abs() >= 1e6 && value.fract() == 0.0 {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        date: Option<String>,
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let text = "title: a\ntitel: b\n";
        let error = parse::<Meta>(Path::new("x.md"), text, 2).expect_err("titel is unknown");
        let location = error.location.expect("located");
        assert_eq!(error.code, "E003");
        assert_eq!((location.line, location.column), (3, 1));
        assert_eq!(error.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn value_spans_cover_the_whole_scalar() {
        assert_eq!(scalar_length("\"a \\\" b\" # c"), 8);
        assert_eq!(scalar_length("'it''s' x"), 7);
        assert_eq!(scalar_length("plain words  # comment"), 11);
        assert_eq!(scalar_length("\"unclosed"), 9);
    }

    /// A tired editor writes `value: 2.5 million`: the help says how a number is written.
    #[test]
    fn a_number_in_words_gets_how_to_write_it() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Figure {
            value: f64,
        }
        let error = parse::<Figure>(Path::new("x.yaml"), "value: 2.5 million\n", 1)
            .expect_err("not a number");
        assert_eq!(error.code, "E001");
        assert_eq!(error.message, "invalid YAML: this value must be a number");
        let location = error.location.expect("located");
        assert_eq!((location.line, location.column), (1, 8));
        assert!(
            error
                .help
                .as_deref()
                .is_some_and(|h| h.contains("`2.5e6` for 2.5 million"))
        );
    }

    #[test]
    fn syntax_error_is_located() {
        let text = "title: [a\n";
        let error = parse::<Meta>(Path::new("x.md"), text, 1).expect_err("unclosed");
        assert_eq!(error.code, "E001");
        assert!(error.location.is_some());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("title: {}{}\n", "[".repeat(1000), "]".repeat(1000));
        let error = parse::<Meta>(Path::new("x.yaml"), &text, 1).expect_err("too deep");
        assert_eq!(error.severity, crate::diagnostics::Severity::Error);
        // Aliases that expand past the budget: said in brief's words, not the parser's.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            bomb += &format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 10].join(", ")
            );
        }
        let error = parse::<serde_json::Value>(Path::new("x.yaml"), &bomb, 1).expect_err("a bomb");
        assert!(
            error.message.contains("over brief's limits"),
            "{}",
            error.message
        );
        assert!(error.location.is_some());
    }
}

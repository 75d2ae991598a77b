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
    serde_saphyr::from_str(text).map_err(|error| diagnostic(file, text, first_line, &error))
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
    let described = describe(error);
    let mut location = error
        .location()
        .filter(|at| at.line() > 0)
        .map(|at| locate(file, text, first_line, &at))
        .unwrap_or_else(|| Location::file_start(file));
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
            Diagnostic::error("E004", format!("missing required key `{field}`"))
                .label("missing from the block that ends here")
                .help(format!("add `{field}: ...`"))
        }
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
        other => {
            let message = other.to_string();
            let first = message.lines().next().unwrap_or("invalid YAML").trim();
            Diagnostic::error("E001", format!("invalid YAML: {}", strip_position(first)))
                .label("here")
                .help("check the indentation and quoting; a value holding `: ` or starting with a quote or `[` needs quotes around it")
        }
    }
}

/// The parser's own messages end with "at line L column C"; we show the place ourselves.
fn strip_position(message: &str) -> &str {
    message
        .find(" at line ")
        .map_or(message, |at| &message[..at])
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
    }
}

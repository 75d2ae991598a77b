//! Cuts prose into words, numbers and symbols with their byte ranges.

/// A word, number or symbol with its byte range. Whitespace (including U+00A0) only separates
/// tokens, so "touching" versus "spaced" is read from the ranges.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) kind: TokenKind<'a>,
    pub(super) text: &'a str,
    pub(super) start: usize,
    pub(super) end: usize,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum TokenKind<'a> {
    /// Starts with a letter and runs through letters, digits and inner hyphens or apostrophes,
    /// so "GPT-4", "COVID-19", "FY2025" and "SoftBank’s" are single words, never numbers.
    Word,
    Number(Number<'a>),
    Symbol(char),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Number<'a> {
    pub(super) value: f64,
    /// Digits before the first separator or decimal point: a year has exactly four.
    pub(super) int_digits: usize,
    /// Written with thousands separators ("2,015" is a count, not a year).
    pub(super) grouped: bool,
    pub(super) fraction: bool,
    /// Letters attached to the digits: a scale ("10B"), an ordinal ("22nd"), or a sign the
    /// number is a name ("3D", "1990s").
    pub(super) suffix: &'a str,
}

pub(super) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        let start = pos;
        pos += c.len_utf8();
        if c.is_whitespace() {
            continue;
        }
        let kind = if c.is_alphabetic() {
            pos = scan_word(text, start);
            TokenKind::Word
        } else if c.is_ascii_digit() {
            let (end, kind) = scan_number(text, start);
            pos = end;
            kind
        } else {
            TokenKind::Symbol(c)
        };
        tokens.push(Token {
            kind,
            text: &text[start..pos],
            start,
            end: pos,
        });
    }
    tokens
}

pub(super) fn scan_word(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        let joiner =
            matches!(c, '-' | '\'' | '’') && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if !(c.is_alphanumeric() || joiner) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

pub(super) fn scan_number(text: &str, start: usize) -> (usize, TokenKind<'_>) {
    // Separators and the decimal point are ASCII, so byte offsets found here are char boundaries.
    let bytes = text.as_bytes();
    let digits_at = |i: usize| {
        bytes.get(i..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let int_digits = digits_at(start);
    let mut end = start + int_digits;
    let mut grouped = false;
    // "1,000" groups, but not "1,2" (a list) nor "2015,000" (a run-on).
    while int_digits <= 3 && bytes.get(end) == Some(&b',') && digits_at(end + 1) == 3 {
        end += 4;
        grouped = true;
    }
    let fraction = bytes.get(end) == Some(&b'.') && digits_at(end + 1) > 0;
    if fraction {
        end += 1 + digits_at(end + 1);
    }
    let number_end = end;
    if text[end..].starts_with(char::is_alphabetic) {
        end += text[end..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum::<usize>();
    }
    let suffix = &text[number_end..end];
    let kind = match text[start..number_end].replace(',', "").parse::<f64>() {
        Ok(value) => TokenKind::Number(Number {
            value,
            int_digits,
            grouped,
            fraction,
            suffix,
        }),
        // Only digits and one decimal point reach the parse, which always succeeds; were it
        // ever to fail, a word is the harmless reading: never a figure.
        Err(_) => TokenKind::Word,
    };
    (end, kind)
}

pub(super) fn word<'a>(tokens: &[Token<'a>], k: usize) -> Option<&'a str> {
    tokens
        .get(k)
        .filter(|t| matches!(t.kind, TokenKind::Word))
        .map(|t| t.text)
}

pub(super) fn number<'a>(tokens: &[Token<'a>], k: usize) -> Option<Number<'a>> {
    match tokens.get(k)?.kind {
        TokenKind::Number(n) => Some(n),
        _ => None,
    }
}

pub(super) fn symbol(tokens: &[Token], k: usize) -> Option<char> {
    match tokens.get(k)?.kind {
        TokenKind::Symbol(c) => Some(c),
        _ => None,
    }
}

/// Whether token `k` touches the one before it, as "$" and "10" do in "$10".
pub(super) fn touches(tokens: &[Token], k: usize) -> bool {
    k > 0 && tokens.get(k).is_some_and(|t| t.start == tokens[k - 1].end)
}

/// Whether whitespace separates token `k` from the one before it.
pub(super) fn spaced(tokens: &[Token], k: usize) -> bool {
    k > 0 && tokens.get(k).is_some_and(|t| t.start > tokens[k - 1].end)
}

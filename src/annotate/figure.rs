//! Reads the figures in news prose ("well under $10B", "100,000 new jobs") as a value and a unit.
//! Annotations claim numbers (`value: 500e9`) while quotes and link texts state them in prose;
//! reducing both to one form lets the build catch a quote, a link text and a claim that disagree,
//! and point at figures in the briefing that cite nothing.

use std::ops::Range;

/// A number as stated in prose.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Fully scaled ("$500 billion" is `500e9`), so a claim and a quote compare without caring
    /// how either spelled the scale.
    pub value: f64,
    /// What the number counts.
    pub unit: Unit,
    /// The qualifier before the number ("well under", "about"), lowercase. Kept because
    /// "well under $10B" does not state $10B as fact, and a check may want to say so.
    pub hedge: Option<String>,
}

/// What a figure counts: the units annotation files can claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// US dollars.
    Usd,
    /// A percentage: `50` means 50%.
    Percent,
    /// A calendar year, such as 2015.
    Year,
    /// A duration in years, such as "four years".
    Years,
    /// Jobs created, cut or promised.
    Jobs,
    /// Floor area.
    SquareFeet,
    /// Anything else that is counted ("10 data centers").
    Count,
}

/// Every name `Unit::parse` accepts, paired with its unit. `Unit::NAMES` lists the same names;
/// a test keeps the two in step.
const UNIT_ALIASES: &[(&str, Unit)] = &[
    ("USD", Unit::Usd),
    ("$", Unit::Usd),
    ("US$", Unit::Usd),
    ("dollars", Unit::Usd),
    ("dollar", Unit::Usd),
    ("percent", Unit::Percent),
    ("%", Unit::Percent),
    ("per cent", Unit::Percent),
    ("pct", Unit::Percent),
    ("year", Unit::Year),
    ("years", Unit::Years),
    ("jobs", Unit::Jobs),
    ("job", Unit::Jobs),
    ("sqft", Unit::SquareFeet),
    ("sq ft", Unit::SquareFeet),
    ("sq. ft.", Unit::SquareFeet),
    ("square feet", Unit::SquareFeet),
    ("square foot", Unit::SquareFeet),
    ("count", Unit::Count),
];

impl Unit {
    /// Every unit, for listing their names in hints.
    pub const CANONICAL: &[Unit] = &[
        Unit::Usd,
        Unit::Percent,
        Unit::Year,
        Unit::Years,
        Unit::Jobs,
        Unit::SquareFeet,
        Unit::Count,
    ];

    /// All names accepted, for "did you mean" hints.
    pub const NAMES: &[&str] = &[
        "USD",
        "$",
        "US$",
        "dollars",
        "dollar",
        "percent",
        "%",
        "per cent",
        "pct",
        "year",
        "years",
        "jobs",
        "job",
        "sqft",
        "sq ft",
        "sq. ft.",
        "square feet",
        "square foot",
        "count",
    ];

    /// The name used in annotation files: "USD", "percent", "year", "years", "jobs", "sqft",
    /// "count".
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Usd => "USD",
            Unit::Percent => "percent",
            Unit::Year => "year",
            Unit::Years => "years",
            Unit::Jobs => "jobs",
            Unit::SquareFeet => "sqft",
            Unit::Count => "count",
        }
    }

    /// Parses an annotation file's `unit:` value. Case and spacing are forgiven because authors
    /// type these by hand; anything outside [`Unit::NAMES`] is `None` so a typo is reported
    /// rather than guessed at.
    pub fn parse(name: &str) -> Option<Unit> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        UNIT_ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(&name))
            .map(|&(_, unit)| unit)
    }
}

/// A figure found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundFigure {
    /// Byte range in the text, on char boundaries, covering the hedge, number, scale and unit
    /// words ("well under $10B", "100,000 new jobs"). A plain count covers only its number
    /// ("10" in "10 data centers"): the noun after it does not change what it states.
    pub range: Range<usize>,
    /// What the figure states.
    pub quantity: Quantity,
}

/// Every figure in `text`, in order, non-overlapping. Dates, times, ordinals and numbers inside
/// names (GPT-4, FY2025) are passed over: they are numbers, but not figures a source can state.
pub fn find_figures(text: &str) -> Vec<FoundFigure> {
    let tokens = tokenize(text);
    let mut found = Vec::new();
    // Tokens before `floor` belong to an earlier figure or date; look-behinds stop there so
    // figures never overlap.
    let mut floor = 0;
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        let step = match token.kind {
            Kind::Word => word_step(&tokens, i, floor),
            Kind::Number(number) => number_step(&tokens, i, number, floor),
            Kind::Symbol(_) => Step::Pass,
        };
        match step {
            Step::Figure(figure, next) => {
                found.push(figure);
                (i, floor) = (next, next);
            }
            Step::Skip(next) => (i, floor) = (next, next),
            Step::Pass => i += 1,
        }
    }
    found
}

/// The first figure in `text`, if any: what a quote or a link text "states".
pub fn first_figure(text: &str) -> Option<Quantity> {
    find_figures(text)
        .into_iter()
        .next()
        .map(|figure| figure.quantity)
}

/// Whether two values are the same figure. The tolerance is relative (1e-9) so that `500e9`
/// from an annotation equals 500 × 1e9 parsed from "$500 billion" despite float rounding.
pub fn same_value(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Formats a value the way a reader writes it in a table, so diagnostics quote figures in the
/// briefing's own idiom: "$500 billion", "1 million sq ft", "100,000 jobs", "4 years", "2015",
/// "50%", "10".
pub fn format_quantity(value: f64, unit: Unit) -> String {
    let plural =
        |one: &str, many: &str| if same_value(value, 1.0) { one } else { many }.to_string();
    match unit {
        Unit::Usd if value < 0.0 => format!("-${}", in_words(-value)),
        Unit::Usd => format!("${}", in_words(value)),
        Unit::Percent => format!("{}%", with_commas(value)),
        Unit::Year => tidy(value).to_string(),
        Unit::Years => format!("{} {}", with_commas(value), plural("year", "years")),
        Unit::Jobs => format!("{} {}", in_words(value), plural("job", "jobs")),
        Unit::SquareFeet => format!("{} sq ft", in_words(value)),
        Unit::Count => in_words(value),
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/// Scale words, written after the number with a space ("$500 billion").
const SCALE_WORDS: &[(&str, f64)] = &[
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
];

/// Qualifiers before a number. Longer phrases come first so "far less than" wins over its
/// tail "less than" (a test checks the order).
const HEDGES: &[&str] = &[
    "far less than",
    "far more than",
    "no more than",
    "no less than",
    "as much as",
    "as many as",
    "well under",
    "well over",
    "less than",
    "more than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "just over",
    "just under",
    "close to",
    "upwards of",
    "an estimated",
    "approximately",
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "over",
    "under",
    "some",
];

/// Number words that count as figures when a scale or unit word follows ("four years").
/// Bare, they are too common in prose ("one of the", "the two spoke") to be figures.
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("dozen", 12.0),
];

/// Nouns that make a number word a figure without having a unit of their own.
const COUNTED_SPANS: &[&str] = &["months", "month", "weeks", "week", "days", "day"];

/// Words that end the search for a unit noun: "10 people over five years" is not ten years.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "for", "in", "on", "at", "to", "by", "with", "from",
    "per", "than", "that", "this", "these", "those", "which", "who", "over", "under", "into", "as",
    "is", "are", "was", "were", "be", "been", "will", "would", "each", "every", "but",
];

/// Month names; a capital is required so the verbs "may" and "march" are not dates.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

fn is_any(word: &str, list: &[&str]) -> bool {
    list.iter().any(|entry| word.eq_ignore_ascii_case(entry))
}

fn is_month(word: &str) -> bool {
    word.starts_with(char::is_uppercase) && is_any(word, MONTHS)
}

fn scale_word(word: &str) -> Option<f64> {
    SCALE_WORDS
        .iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name))
        .map(|&(_, scale)| scale)
}

/// Scale letters attached to the digits ("$10B", "$80bn"). Lowercase single letters count only
/// after a currency sign: "10m" alone is more likely metres than millions.
fn scale_suffix(suffix: &str, after_currency: bool) -> Option<f64> {
    match suffix {
        "K" => Some(1e3),
        "M" | "mn" | "Mn" => Some(1e6),
        "B" | "bn" | "Bn" => Some(1e9),
        "T" | "tn" | "Tn" => Some(1e12),
        "k" if after_currency => Some(1e3),
        "m" if after_currency => Some(1e6),
        "b" if after_currency => Some(1e9),
        _ => None,
    }
}

fn is_ordinal(suffix: &str) -> bool {
    is_any(suffix, &["st", "nd", "rd", "th"])
}

/// "twenty-five" as well as the single words of [`NUMBER_WORDS`].
fn number_word_value(word: &str) -> Option<f64> {
    let single = |w: &str| {
        NUMBER_WORDS
            .iter()
            .find(|(name, _)| w.eq_ignore_ascii_case(name))
    };
    if let Some(&(_, value)) = single(word) {
        return Some(value);
    }
    let (tens, ones) = word.split_once('-')?;
    match (single(tens)?, single(ones)?) {
        (&(_, t), &(_, o)) if t >= 20.0 && t % 10.0 == 0.0 && o < 10.0 => Some(t + o),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// A word, number or symbol with its byte range. Whitespace (including U+00A0) only separates
/// tokens, so "touching" versus "spaced" is read from the ranges.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind<'a>,
    text: &'a str,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy)]
enum Kind<'a> {
    /// Starts with a letter and runs through letters, digits and inner hyphens or apostrophes,
    /// so "GPT-4", "COVID-19", "FY2025" and "SoftBank’s" are single words, never numbers.
    Word,
    Number(Number<'a>),
    Symbol(char),
}

#[derive(Debug, Clone, Copy)]
struct Number<'a> {
    value: f64,
    /// Digits before the first separator or decimal point: a year has exactly four.
    int_digits: usize,
    /// Written with thousands separators ("2,015" is a count, not a year).
    grouped: bool,
    fraction: bool,
    /// Letters attached to the digits: a scale ("10B"), an ordinal ("22nd"), or a sign the
    /// number is a name ("3D", "1990s").
    suffix: &'a str,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
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
            Kind::Word
        } else if c.is_ascii_digit() {
            let (end, kind) = scan_number(text, start);
            pos = end;
            kind
        } else {
            Kind::Symbol(c)
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

fn scan_word(text: &str, start: usize) -> usize {
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

fn scan_number(text: &str, start: usize) -> (usize, Kind<'_>) {
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
        Ok(value) => Kind::Number(Number {
            value,
            int_digits,
            grouped,
            fraction,
            suffix,
        }),
        // Only digits and one decimal point reach the parse, which always succeeds; were it
        // ever to fail, a word is the harmless reading: never a figure.
        Err(_) => Kind::Word,
    };
    (end, kind)
}

fn word<'a>(tokens: &[Token<'a>], k: usize) -> Option<&'a str> {
    tokens
        .get(k)
        .filter(|t| matches!(t.kind, Kind::Word))
        .map(|t| t.text)
}

fn number<'a>(tokens: &[Token<'a>], k: usize) -> Option<Number<'a>> {
    match tokens.get(k)?.kind {
        Kind::Number(n) => Some(n),
        _ => None,
    }
}

fn symbol(tokens: &[Token], k: usize) -> Option<char> {
    match tokens.get(k)?.kind {
        Kind::Symbol(c) => Some(c),
        _ => None,
    }
}

/// Whether token `k` touches the one before it, as "$" and "10" do in "$10".
fn touches(tokens: &[Token], k: usize) -> bool {
    k > 0 && tokens.get(k).is_some_and(|t| t.start == tokens[k - 1].end)
}

/// Whether whitespace separates token `k` from the one before it.
fn spaced(tokens: &[Token], k: usize) -> bool {
    k > 0 && tokens.get(k).is_some_and(|t| t.start > tokens[k - 1].end)
}

// ---------------------------------------------------------------------------------------------
// Matching

enum Step {
    /// A figure, and the token after it.
    Figure(FoundFigure, usize),
    /// Tokens up to this index are a date, time or name: not figures, and not to be reused.
    Skip(usize),
    /// Nothing starts here.
    Pass,
}

/// What is attached before the digits.
struct Prefix {
    start: usize,
    currency: bool,
    sign: f64,
}

fn number_step(tokens: &[Token], i: usize, n: Number, floor: usize) -> Step {
    if let Some(end) = compound_end(tokens, i) {
        return Step::Skip(end);
    }
    if is_day(n) && spaced(tokens, i + 1) && word(tokens, i + 1).is_some_and(is_month) {
        return Step::Skip(year_after(tokens, i + 2).unwrap_or(i + 2));
    }
    if is_ordinal(n.suffix) || clock_follows(tokens, i) {
        return Step::Skip(i + 1);
    }
    let Some(prefix) = prefix_before(tokens, i, floor) else {
        return Step::Skip(i + 1);
    };
    let mut value = n.value * prefix.sign;
    let mut end = i + 1;
    let mut scaled = false;
    if !n.suffix.is_empty() {
        let Some(scale) = scale_suffix(n.suffix, prefix.currency) else {
            return Step::Skip(i + 1);
        };
        value *= scale;
        scaled = true;
    } else if let Some((k, scale)) = scale_at(tokens, end) {
        value *= scale;
        scaled = true;
        end = k + 1;
    }
    let (unit, end) = if prefix.currency {
        (Unit::Usd, end)
    } else if let Some(after) = percent_at(tokens, end) {
        (Unit::Percent, after)
    } else if let Some(found) = unit_after(tokens, end, value) {
        found
    } else if !scaled && prefix.sign > 0.0 && is_year(n) {
        (Unit::Year, end)
    } else {
        (Unit::Count, end)
    };
    figure(tokens, prefix.start, end, value, unit, floor)
}

fn word_step(tokens: &[Token], i: usize, floor: usize) -> Step {
    let Some(w) = word(tokens, i) else {
        return Step::Pass;
    };
    if let Some(end) = date_from_month(tokens, i) {
        return Step::Skip(end);
    }
    // "a billion", but not "a year": the article is a number only before a scale word.
    let article = is_any(w, &["a", "an"]);
    let stated = if article {
        Some(1.0)
    } else {
        number_word_value(w)
    };
    let Some(mut value) = stated else {
        return Step::Pass;
    };
    let next = i + 1;
    let (unit, end) = if let Some((k, scale)) = scale_at(tokens, next) {
        value *= scale;
        let end = k + 1;
        percent_at(tokens, end)
            .map(|after| (Unit::Percent, after))
            .or_else(|| unit_after(tokens, end, value))
            .unwrap_or((Unit::Count, end))
    } else if article || !spaced(tokens, next) {
        return Step::Pass;
    } else if let Some(after) = percent_at(tokens, next) {
        (Unit::Percent, after)
    } else if let Some(found) = unit_word_at(tokens, next, same_value(value, 1.0)) {
        found
    } else if word(tokens, next).is_some_and(|n| is_any(n, COUNTED_SPANS)) {
        (Unit::Count, next)
    } else {
        return Step::Pass;
    };
    let start = if w.eq_ignore_ascii_case("dozen")
        && i > floor
        && spaced(tokens, i)
        && word(tokens, i - 1).is_some_and(|a| is_any(a, &["a", "an"]))
    {
        i - 1
    } else {
        i
    };
    figure(tokens, start, end, value, unit, floor)
}

/// Builds the figure for tokens `start..end`, widened to a hedge just before them.
fn figure(
    tokens: &[Token],
    start: usize,
    end: usize,
    value: f64,
    unit: Unit,
    floor: usize,
) -> Step {
    let (start, hedge) = match hedge_before(tokens, start, floor) {
        Some((hedge_start, hedge)) => (hedge_start, Some(hedge.to_string())),
        None => (start, None),
    };
    let range = tokens[start].start..tokens[end - 1].end;
    Step::Figure(
        FoundFigure {
            range,
            quantity: Quantity { value, unit, hedge },
        },
        end,
    )
}

fn hedge_before(tokens: &[Token], start: usize, floor: usize) -> Option<(usize, &'static str)> {
    HEDGES.iter().find_map(|&hedge| {
        let mut k = start;
        for hedge_word in hedge.split(' ').rev() {
            if k <= floor || !spaced(tokens, k) {
                return None;
            }
            k -= 1;
            if !word(tokens, k).is_some_and(|w| w.eq_ignore_ascii_case(hedge_word)) {
                return None;
            }
        }
        Some((k, hedge))
    })
}

/// Reads a dollar sign (with "US" before it) and a minus sign. `None` when the digits belong to
/// something that is not a USD figure: another currency (€5, A$5) or a rank (#1).
fn prefix_before(tokens: &[Token], i: usize, floor: usize) -> Option<Prefix> {
    let attached = |k: usize, symbols: &[char]| {
        k > floor
            && touches(tokens, k)
            && symbol(tokens, k - 1).is_some_and(|s| symbols.contains(&s))
    };
    let mut prefix = Prefix {
        start: i,
        currency: false,
        sign: 1.0,
    };
    if attached(prefix.start, &['$']) {
        prefix.start -= 1;
        prefix.currency = true;
        if prefix.start > floor && touches(tokens, prefix.start) {
            match word(tokens, prefix.start - 1) {
                Some("US") => prefix.start -= 1,
                Some(_) => return None,
                None => {}
            }
        }
    } else if attached(prefix.start, &['€', '£', '¥', '₹', '#']) {
        return None;
    }
    // A sign, unless the dash joins a word or number before it ("X-5" is a name).
    if attached(prefix.start, &['-', '−', '+'])
        && !(touches(tokens, prefix.start - 1)
            && matches!(tokens[prefix.start - 2].kind, Kind::Word | Kind::Number(_)))
    {
        prefix.start -= 1;
        prefix.sign = if symbol(tokens, prefix.start) == Some('+') {
            1.0
        } else {
            -1.0
        };
    }
    Some(prefix)
}

/// Numbers joined without spaces by - – / : . are dates, times, ranges and versions
/// (2025-01-21, 9:30, 24/7, 10–20, 1.2.3), none of which states one quantity.
fn compound_end(tokens: &[Token], i: usize) -> Option<usize> {
    let mut k = i;
    while matches!(symbol(tokens, k + 1), Some('-' | '–' | '/' | ':' | '.'))
        && touches(tokens, k + 1)
        && number(tokens, k + 2).is_some()
        && touches(tokens, k + 2)
    {
        k += 2;
    }
    (k > i).then_some(k + 1)
}

/// "9 a.m.", "9 pm": an hour, not a count.
fn clock_follows(tokens: &[Token], i: usize) -> bool {
    let k = i + 1;
    if !spaced(tokens, k) {
        return false;
    }
    match word(tokens, k) {
        Some(w) if is_any(w, &["am", "pm"]) => true,
        Some(w) if is_any(w, &["a", "p"]) => {
            symbol(tokens, k + 1) == Some('.')
                && word(tokens, k + 2).is_some_and(|m| m.eq_ignore_ascii_case("m"))
        }
        _ => false,
    }
}

fn is_day(n: Number) -> bool {
    !n.grouped
        && !n.fraction
        && n.int_digits <= 2
        && (1.0..=31.0).contains(&n.value)
        && (n.suffix.is_empty() || is_ordinal(n.suffix))
}

fn is_year_shape(n: Number) -> bool {
    n.int_digits == 4 && !n.grouped && !n.fraction && n.suffix.is_empty()
}

fn is_year(n: Number) -> bool {
    is_year_shape(n) && (1900.0..=2100.0).contains(&n.value)
}

/// A month name starting a date: "January 22", "Jan. 22nd", "January 21, 2025", "June 2025".
/// A day followed by a scale word is a figure instead ("in May 2 million jobs").
fn date_from_month(tokens: &[Token], i: usize) -> Option<usize> {
    if !word(tokens, i).is_some_and(is_month) {
        return None;
    }
    let mut k = i + 1;
    if symbol(tokens, k) == Some('.') && touches(tokens, k) {
        k += 1;
    }
    let n = number(tokens, k).filter(|_| spaced(tokens, k))?;
    if is_day(n) && scale_at(tokens, k + 1).is_none() && percent_at(tokens, k + 1).is_none() {
        Some(year_after(tokens, k + 1).unwrap_or(k + 1))
    } else if is_year_shape(n) {
        Some(k + 1)
    } else {
        None
    }
}

/// The year that may close a date: " 2025" or ", 2025". Returns the index after it.
fn year_after(tokens: &[Token], k: usize) -> Option<usize> {
    let k = if symbol(tokens, k) == Some(',') && touches(tokens, k) {
        k + 1
    } else {
        k
    };
    number(tokens, k)
        .is_some_and(|n| spaced(tokens, k) && is_year_shape(n))
        .then_some(k + 1)
}

/// The word starting at token `k`, if it is spaced from what precedes it or hyphen-joined to
/// it ("10-year", "$500-billion"); the flag says which.
fn next_word(tokens: &[Token], k: usize) -> Option<(usize, bool)> {
    if word(tokens, k).is_some() && spaced(tokens, k) {
        return Some((k, false));
    }
    let hyphenated = symbol(tokens, k) == Some('-')
        && touches(tokens, k)
        && word(tokens, k + 1).is_some()
        && touches(tokens, k + 1);
    hyphenated.then_some((k + 1, true))
}

fn scale_at(tokens: &[Token], k: usize) -> Option<(usize, f64)> {
    let (k, _) = next_word(tokens, k)?;
    Some((k, scale_word(word(tokens, k)?)?))
}

/// "%", "percent", "pct" or "per cent" directly after the number; returns the index after it.
fn percent_at(tokens: &[Token], k: usize) -> Option<usize> {
    if k > 0 && symbol(tokens, k) == Some('%') {
        return Some(k + 1);
    }
    let w = word(tokens, k).filter(|_| spaced(tokens, k))?;
    if is_any(w, &["percent", "pct"]) {
        Some(k + 1)
    } else if w.eq_ignore_ascii_case("per")
        && spaced(tokens, k + 1)
        && word(tokens, k + 1).is_some_and(|c| c.eq_ignore_ascii_case("cent"))
    {
        Some(k + 2)
    } else {
        None
    }
}

/// How many describing words may stand between a number and its unit ("100,000 new jobs").
const MAX_DESCRIBERS: usize = 2;

/// The unit noun after a number, possibly behind a few describing words; returns the unit and
/// the index after it.
fn unit_after(tokens: &[Token], k: usize, value: f64) -> Option<(Unit, usize)> {
    let (mut k, hyphenated) = next_word(tokens, k)?;
    // "year" and "job" in the singular follow a count only as "1 year" or "10-year"; otherwise
    // they are labels, as in "the 2025 fiscal year" or "10,000 job cuts".
    let singular_ok = hyphenated || same_value(value, 1.0);
    for _ in 0..=MAX_DESCRIBERS {
        if let Some(found) = unit_word_at(tokens, k, singular_ok) {
            return Some(found);
        }
        if is_any(word(tokens, k)?, STOP_WORDS) || !spaced(tokens, k + 1) {
            return None;
        }
        k += 1;
    }
    None
}

/// A unit noun at token `k`; returns the unit and the index after it.
fn unit_word_at(tokens: &[Token], k: usize, singular_ok: bool) -> Option<(Unit, usize)> {
    let w = word(tokens, k)?;
    let is = |name: &str| w.eq_ignore_ascii_case(name);
    let unit = if is("jobs") || (singular_ok && is("job")) {
        Unit::Jobs
    } else if is("years") || (singular_ok && is("year")) {
        Unit::Years
    } else if is_any(w, &["dollars", "dollar"]) {
        Unit::Usd
    } else if is_any(w, &["sqft", "square-feet", "square-foot"]) {
        Unit::SquareFeet
    } else if is("square")
        && spaced(tokens, k + 1)
        && word(tokens, k + 1).is_some_and(|f| is_any(f, &["feet", "foot"]))
    {
        return Some((Unit::SquareFeet, k + 2));
    } else if is("sq") {
        return square_feet_end(tokens, k).map(|end| (Unit::SquareFeet, end));
    } else {
        return None;
    };
    Some((unit, k + 1))
}

/// "sq ft", "sq. ft.", "sq.ft" starting at the "sq" token `k`; returns the index after it.
fn square_feet_end(tokens: &[Token], k: usize) -> Option<usize> {
    let dot = |j: usize| symbol(tokens, j) == Some('.') && touches(tokens, j);
    let mut j = k + 1;
    if dot(j) {
        j += 1;
    }
    if !word(tokens, j).is_some_and(|ft| ft.eq_ignore_ascii_case("ft")) {
        return None;
    }
    j += 1;
    if dot(j) {
        j += 1;
    }
    Some(j)
}

// ---------------------------------------------------------------------------------------------
// Formatting

/// Rounds away binary noise (0.1 + 0.2) so values print as a reader wrote them.
fn tidy(value: f64) -> f64 {
    if value.abs() < 1e9 {
        (value * 1e6).round() / 1e6
    } else {
        value.round()
    }
}

fn with_commas(value: f64) -> String {
    let text = tidy(value).to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, fraction) = match digits.split_once('.') {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (digits, None),
    };
    let mut out = String::from(sign);
    for (n, c) in int.chars().enumerate() {
        if n > 0 && (int.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// Millions and up read as "500 billion" when that is exact to three decimals ("1.5 trillion");
/// otherwise every digit is kept ("1,234,567"), since the reader may be checking it.
fn in_words(value: f64) -> String {
    for (name, scale) in [("trillion", 1e12), ("billion", 1e9), ("million", 1e6)] {
        let mantissa = value / scale;
        if mantissa.abs() >= 1.0 {
            let thousandths = mantissa * 1000.0;
            if same_value(thousandths.round(), thousandths) {
                return format!("{} {name}", with_commas(mantissa));
            }
            break;
        }
    }
    with_commas(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Expected = Option<(f64, Unit, Option<&'static str>)>;

    const CASES: &[(&str, Expected)] = &[
        // Currency
        ("$500 billion", Some((500e9, Unit::Usd, None))),
        ("$10B", Some((10e9, Unit::Usd, None))),
        ("$10b", Some((10e9, Unit::Usd, None))),
        ("$80bn", Some((80e9, Unit::Usd, None))),
        ("$500bn", Some((500e9, Unit::Usd, None))),
        ("$100 million", Some((100e6, Unit::Usd, None))),
        ("$1.5 trillion", Some((1.5e12, Unit::Usd, None))),
        ("$3tn", Some((3e12, Unit::Usd, None))),
        ("$2.5M", Some((2.5e6, Unit::Usd, None))),
        ("$5K", Some((5e3, Unit::Usd, None))),
        ("$5k", Some((5e3, Unit::Usd, None))),
        ("$2 thousand", Some((2e3, Unit::Usd, None))),
        ("$100", Some((100.0, Unit::Usd, None))),
        ("$2015", Some((2015.0, Unit::Usd, None))),
        ("US$5 billion", Some((5e9, Unit::Usd, None))),
        ("500 billion dollars", Some((500e9, Unit::Usd, None))),
        ("a billion dollars", Some((1e9, Unit::Usd, None))),
        ("$500\u{a0}billion", Some((500e9, Unit::Usd, None))),
        ("a $500-billion project", Some((500e9, Unit::Usd, None))),
        ("“$500 billion”", Some((500e9, Unit::Usd, None))),
        ("-$5 million", Some((-5e6, Unit::Usd, None))),
        // Plain numbers, years, percentages
        ("100,000", Some((1e5, Unit::Count, None))),
        ("10", Some((10.0, Unit::Count, None))),
        ("1.5", Some((1.5, Unit::Count, None))),
        ("2,015", Some((2015.0, Unit::Count, None))),
        ("1850", Some((1850.0, Unit::Count, None))),
        ("2.5M", Some((2.5e6, Unit::Count, None))),
        ("2015", Some((2015.0, Unit::Year, None))),
        (
            "OpenAI was founded in 2015.",
            Some((2015.0, Unit::Year, None)),
        ),
        ("the 2025 fiscal year", Some((2025.0, Unit::Year, None))),
        ("50%", Some((50.0, Unit::Percent, None))),
        ("2.5%", Some((2.5, Unit::Percent, None))),
        ("50 percent", Some((50.0, Unit::Percent, None))),
        ("50 per cent", Some((50.0, Unit::Percent, None))),
        ("50\u{a0}%", Some((50.0, Unit::Percent, None))),
        ("-5%", Some((-5.0, Unit::Percent, None))),
        ("fell (-5%)", Some((-5.0, Unit::Percent, None))),
        // Number words
        ("four years", Some((4.0, Unit::Years, None))),
        ("Four years ago", Some((4.0, Unit::Years, None))),
        ("one year", Some((1.0, Unit::Years, None))),
        ("twenty-five years", Some((25.0, Unit::Years, None))),
        ("two million jobs", Some((2e6, Unit::Jobs, None))),
        ("two million new jobs", Some((2e6, Unit::Jobs, None))),
        ("a dozen jobs", Some((12.0, Unit::Jobs, None))),
        ("ten days", Some((10.0, Unit::Count, None))),
        ("fifty percent", Some((50.0, Unit::Percent, None))),
        ("three billion", Some((3e9, Unit::Count, None))),
        // Unit words
        ("100,000 new jobs", Some((1e5, Unit::Jobs, None))),
        ("1 job", Some((1.0, Unit::Jobs, None))),
        ("10,000 job cuts", Some((1e4, Unit::Count, None))),
        ("2 million jobs", Some((2e6, Unit::Jobs, None))),
        ("1 million square feet", Some((1e6, Unit::SquareFeet, None))),
        ("250,000 sq ft", Some((250e3, Unit::SquareFeet, None))),
        ("250,000 sq. ft.", Some((250e3, Unit::SquareFeet, None))),
        (
            "a 4,000 square-foot home",
            Some((4e3, Unit::SquareFeet, None)),
        ),
        ("10 years", Some((10.0, Unit::Years, None))),
        ("a 10-year plan", Some((10.0, Unit::Years, None))),
        ("10 data centers", Some((10.0, Unit::Count, None))),
        ("10 people over five years", Some((10.0, Unit::Count, None))),
        ("2015 jobs", Some((2015.0, Unit::Jobs, None))),
        // Hedges
        (
            "well under $10B",
            Some((10e9, Unit::Usd, Some("well under"))),
        ),
        (
            "Well Under $10B",
            Some((10e9, Unit::Usd, Some("well under"))),
        ),
        (
            "far less than $1 trillion",
            Some((1e12, Unit::Usd, Some("far less than"))),
        ),
        (
            "less than 5%",
            Some((5.0, Unit::Percent, Some("less than"))),
        ),
        (
            "no more than 5%",
            Some((5.0, Unit::Percent, Some("no more than"))),
        ),
        (
            "more than 100,000 jobs",
            Some((1e5, Unit::Jobs, Some("more than"))),
        ),
        (
            "at least 20 years",
            Some((20.0, Unit::Years, Some("at least"))),
        ),
        ("about $5 billion", Some((5e9, Unit::Usd, Some("about")))),
        ("around 30%", Some((30.0, Unit::Percent, Some("around")))),
        (
            "roughly 2 million jobs",
            Some((2e6, Unit::Jobs, Some("roughly"))),
        ),
        ("nearly 50%", Some((50.0, Unit::Percent, Some("nearly")))),
        ("almost 10", Some((10.0, Unit::Count, Some("almost")))),
        (
            "up to $500 billion",
            Some((500e9, Unit::Usd, Some("up to"))),
        ),
        ("over four years", Some((4.0, Unit::Years, Some("over")))),
        ("under 2,000", Some((2e3, Unit::Count, Some("under")))),
        ("some 10,000 jobs", Some((1e4, Unit::Jobs, Some("some")))),
        (
            "approximately $3 billion",
            Some((3e9, Unit::Usd, Some("approximately"))),
        ),
        (
            "an estimated 100,000 jobs",
            Some((1e5, Unit::Jobs, Some("an estimated"))),
        ),
        (
            "about a dozen jobs",
            Some((12.0, Unit::Jobs, Some("about"))),
        ),
        // A date before a figure is skipped, not mistaken for it
        (
            "On January 22, 2025, it raised $5 billion",
            Some((5e9, Unit::Usd, None)),
        ),
        ("Jan. 22 2025: 10 people", Some((10.0, Unit::Count, None))),
        ("in May 2 million jobs", Some((2e6, Unit::Jobs, None))),
        ("X1 raised $5 billion", Some((5e9, Unit::Usd, None))),
        // Not figures
        ("", None),
        ("no numbers here", None),
        ("one of the", None),
        ("the two spoke", None),
        ("a year ago", None),
        ("X1", None),
        ("GPT-4", None),
        ("COVID-19", None),
        ("FY2025", None),
        ("1st", None),
        ("the 22nd", None),
        ("first", None),
        ("January 22", None),
        ("Jan. 22", None),
        ("22 January", None),
        ("22 January 2025", None),
        ("January 22nd", None),
        ("January 22, 2025", None),
        ("June 2025", None),
        ("9:30", None),
        ("at 9 a.m.", None),
        ("2025-01-21", None),
        ("24/7", None),
        ("10–20", None),
        ("version 1.2.3", None),
        ("the 1990s", None),
        ("3D", None),
        ("10m", None),
        ("A$5 billion", None),
        ("€5 billion", None),
        ("#1", None),
    ];

    fn matches(found: Option<&Quantity>, expected: Expected) -> bool {
        match (found, expected) {
            (None, None) => true,
            (Some(q), Some((value, unit, hedge))) => {
                same_value(q.value, value) && q.unit == unit && q.hedge.as_deref() == hedge
            }
            _ => false,
        }
    }

    #[test]
    fn first_figure_reads_each_form() {
        let failures: Vec<String> = CASES
            .iter()
            .filter_map(|&(text, expected)| {
                let found = first_figure(text);
                (!matches(found.as_ref(), expected))
                    .then(|| format!("{text:?}: got {found:?}, expected {expected:?}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} case(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn ranges_lie_on_char_boundaries_in_every_case() {
        for &(text, _) in CASES {
            for figure in find_figures(text) {
                assert!(
                    text.get(figure.range.clone()).is_some(),
                    "{text:?}: {:?}",
                    figure.range
                );
            }
        }
    }

    const PARAGRAPH: &str = "Trump announced on Tuesday, January 21, 2025 that OpenAI, SoftBank and \
        Oracle would invest $500 billion over the next four years, creating 100,000 new jobs; \
        Musk said SoftBank \"has well under $10B secured.\" Microsoft plans $80 billion; the \
        first site covers 1 million square feet, with 10 data centers. OpenAI was founded in 2015.";

    #[test]
    fn find_figures_in_a_realistic_paragraph() {
        let expected: &[(&str, f64, Unit, Option<&str>)] = &[
            ("$500 billion", 500e9, Unit::Usd, None),
            ("four years", 4.0, Unit::Years, None),
            ("100,000 new jobs", 1e5, Unit::Jobs, None),
            ("well under $10B", 10e9, Unit::Usd, Some("well under")),
            ("$80 billion", 80e9, Unit::Usd, None),
            ("1 million square feet", 1e6, Unit::SquareFeet, None),
            ("10", 10.0, Unit::Count, None),
            ("2015", 2015.0, Unit::Year, None),
        ];
        let found = find_figures(PARAGRAPH);
        let got: Vec<_> = found
            .iter()
            .map(|f| {
                (
                    &PARAGRAPH[f.range.clone()],
                    f.quantity.value,
                    f.quantity.unit,
                    f.quantity.hedge.as_deref(),
                )
            })
            .collect();
        assert_eq!(got.len(), expected.len(), "{got:#?}");
        for (g, e) in got.iter().zip(expected) {
            assert!(
                g.0 == e.0 && same_value(g.1, e.1) && g.2 == e.2 && g.3 == e.3,
                "got {g:?}, expected {e:?}"
            );
        }
    }

    #[test]
    fn unicode_spacing_and_quotes_keep_ranges_exact() {
        let text = "Musk: “well under\u{a0}$10B” – and “nearly\u{a0}50\u{a0}percent”.";
        let found = find_figures(text);
        let spans: Vec<&str> = found.iter().map(|f| &text[f.range.clone()]).collect();
        assert_eq!(
            spans,
            ["well under\u{a0}$10B", "nearly\u{a0}50\u{a0}percent"]
        );
        assert_eq!(found[0].quantity.hedge.as_deref(), Some("well under"));
        assert_eq!(found[1].quantity.unit, Unit::Percent);
    }

    #[test]
    fn figures_do_not_overlap_or_share_hedges() {
        let text = "$5 billion over 10 years, then 3 billion 4 jobs";
        let found = find_figures(text);
        let spans: Vec<&str> = found.iter().map(|f| &text[f.range.clone()]).collect();
        assert_eq!(
            spans,
            ["$5 billion", "over 10 years", "3 billion", "4 jobs"]
        );
        assert!(found.windows(2).all(|w| w[0].range.end <= w[1].range.start));
    }

    #[test]
    fn same_value_tolerates_float_rounding_only() {
        assert!(same_value(500e9, 500_000_000_000.0));
        assert!(same_value(0.1 + 0.2, 0.3));
        assert!(same_value(0.0, 0.0));
        assert!(!same_value(500e9, 501e9));
        assert!(!same_value(1.0, 1.000_001));
        assert!(!same_value(f64::NAN, f64::NAN));
    }

    #[test]
    fn format_quantity_writes_as_a_reader_would() {
        let cases: &[(f64, Unit, &str)] = &[
            (500e9, Unit::Usd, "$500 billion"),
            (1.5e12, Unit::Usd, "$1.5 trillion"),
            (2.5e6, Unit::Usd, "$2.5 million"),
            (100.0, Unit::Usd, "$100"),
            (-5e6, Unit::Usd, "-$5 million"),
            (1e6, Unit::SquareFeet, "1 million sq ft"),
            (250e3, Unit::SquareFeet, "250,000 sq ft"),
            (100_000.0, Unit::Jobs, "100,000 jobs"),
            (1.0, Unit::Jobs, "1 job"),
            (4.0, Unit::Years, "4 years"),
            (1.0, Unit::Years, "1 year"),
            (2015.0, Unit::Year, "2015"),
            (50.0, Unit::Percent, "50%"),
            (0.1 + 0.2, Unit::Percent, "0.3%"),
            (10.0, Unit::Count, "10"),
            (1_234_567.0, Unit::Count, "1,234,567"),
            (2e6, Unit::Count, "2 million"),
        ];
        for &(value, unit, text) in cases {
            assert_eq!(format_quantity(value, unit), text, "{value} {unit:?}");
        }
    }

    #[test]
    fn formatted_figures_read_back_as_themselves() {
        let cases = [
            (500e9, Unit::Usd),
            (1e6, Unit::SquareFeet),
            (100_000.0, Unit::Jobs),
            (4.0, Unit::Years),
            (2015.0, Unit::Year),
            (50.0, Unit::Percent),
            (10.0, Unit::Count),
        ];
        for (value, unit) in cases {
            let text = format_quantity(value, unit);
            let read = first_figure(&text);
            assert!(
                read.as_ref()
                    .is_some_and(|q| same_value(q.value, value) && q.unit == unit),
                "{text:?} read back as {read:?}"
            );
        }
    }

    #[test]
    fn unit_names_round_trip_and_accept_aliases() {
        let all = [
            Unit::Usd,
            Unit::Percent,
            Unit::Year,
            Unit::Years,
            Unit::Jobs,
            Unit::SquareFeet,
            Unit::Count,
        ];
        for unit in all {
            assert_eq!(Unit::parse(unit.as_str()), Some(unit));
        }
        let aliases = [
            ("usd", Unit::Usd),
            ("$", Unit::Usd),
            ("Dollars", Unit::Usd),
            ("%", Unit::Percent),
            ("per  cent", Unit::Percent),
            (" YEARS ", Unit::Years),
            ("square feet", Unit::SquareFeet),
            ("Sq Ft", Unit::SquareFeet),
        ];
        for (name, unit) in aliases {
            assert_eq!(Unit::parse(name), Some(unit), "{name:?}");
        }
        for unknown in ["", "people", "euros", "months", "sqm"] {
            assert_eq!(Unit::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn names_list_every_accepted_alias() {
        let aliases: Vec<&str> = UNIT_ALIASES.iter().map(|&(name, _)| name).collect();
        assert_eq!(Unit::NAMES, aliases.as_slice());
    }

    #[test]
    fn longer_hedges_are_tried_before_their_tails() {
        for (i, long) in HEDGES.iter().enumerate() {
            for short in &HEDGES[..i] {
                assert!(
                    !long.ends_with(&format!(" {short}")),
                    "{long:?} must come before {short:?}"
                );
            }
        }
    }
}

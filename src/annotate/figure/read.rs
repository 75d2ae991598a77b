//! Reads figures from tokens: a number with what is attached to it (currency, scale, unit,
//! hedge), and the dates, times and names that are numbers but not figures.

use super::lexicon::{
    COUNTED_SPANS, HEDGES, OTHER_UNIT_PAIRS, OTHER_UNITS, STOP_WORDS, is_any, is_month, is_ordinal,
    number_word_value, scale_suffix, scale_word,
};
use super::tokens::{Number, Token, TokenKind, number, spaced, symbol, tokenize, touches, word};
use super::{FoundFigure, Quantity, Unit, same_value};

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
            TokenKind::Word => word_step(&tokens, i, floor),
            TokenKind::Number(number) => number_step(&tokens, i, number, floor),
            TokenKind::Symbol(_) => Step::Pass,
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

pub(super) enum Step {
    /// A figure, and the token after it.
    Figure(FoundFigure, usize),
    /// Tokens up to this index are a date, time or name: not figures, and not to be reused.
    Skip(usize),
    /// Nothing starts here.
    Pass,
}

/// What is attached before the digits.
pub(super) struct Prefix {
    start: usize,
    currency: bool,
    sign: f64,
}

pub(super) fn number_step(tokens: &[Token], i: usize, n: Number, floor: usize) -> Step {
    if let Some(end) = compound_end(tokens, i) {
        return Step::Skip(end);
    }
    if is_day(n) && spaced(tokens, i + 1) && word(tokens, i + 1).is_some_and(is_month) {
        return Step::Skip(year_after(tokens, i + 2).unwrap_or(i + 2));
    }
    if is_ordinal(n.suffix) || clock_follows(tokens, i) || fraction_follows(tokens, i) {
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
        if let Some(after) = and_a_half(tokens, end) {
            value += 0.5 * scale * prefix.sign;
            end = after;
        }
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

pub(super) fn word_step(tokens: &[Token], i: usize, floor: usize) -> Step {
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
    // "half a billion" is half of it; "a third of a billion", a fraction this reader does not
    // read: as "a billion" it would have passed for a billion.
    let before = (article && i > floor && spaced(tokens, i))
        .then(|| word(tokens, i - 1))
        .flatten();
    let half = before.is_some_and(|w| w.eq_ignore_ascii_case("half"));
    let (unit, end) = if let Some((k, scale)) = scale_at(tokens, next) {
        if before.is_some_and(|w| w.eq_ignore_ascii_case("of")) {
            return Step::Skip(k + 1);
        }
        value *= scale;
        let mut end = k + 1;
        if half {
            value *= 0.5;
        } else if let Some(after) = and_a_half(tokens, end) {
            value += 0.5 * scale;
            end = after;
        }
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
    let a_dozen = w.eq_ignore_ascii_case("dozen")
        && i > floor
        && spaced(tokens, i)
        && word(tokens, i - 1).is_some_and(|a| is_any(a, &["a", "an"]));
    let start = if half || a_dozen { i - 1 } else { i };
    figure(tokens, start, end, value, unit, floor)
}

/// Builds the figure for tokens `start..end`, widened to a hedge just before them.
pub(super) fn figure(
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

pub(super) fn hedge_before(
    tokens: &[Token],
    start: usize,
    floor: usize,
) -> Option<(usize, &'static str)> {
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
pub(super) fn prefix_before(tokens: &[Token], i: usize, floor: usize) -> Option<Prefix> {
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
    } else if attached(prefix.start, &['€', '£', '¥', '₹', '#', '.']) {
        // Other currencies, ranks, and digits after a bare decimal point ("$.5 billion" is
        // not 5 billion).
        return None;
    } else if let Some(code) = (prefix.start > floor && spaced(tokens, prefix.start))
        .then(|| word(tokens, prefix.start - 1))
        .flatten()
    {
        // A currency's code before the number: "USD 500 billion" is dollars, "EUR 5 billion"
        // a currency this reader does not check, as "€5 billion" is.
        if code == "USD" {
            prefix.start -= 1;
            prefix.currency = true;
        } else if OTHER_UNITS.iter().any(|&(name, _)| {
            name == code && code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
        }) {
            return None;
        }
    }
    // "minus 5%", "negative 2 percent": the sign in words.
    if prefix.start > floor
        && spaced(tokens, prefix.start)
        && word(tokens, prefix.start - 1).is_some_and(|w| is_any(w, &["minus", "negative"]))
    {
        return Some(Prefix {
            start: prefix.start - 1,
            sign: -prefix.sign,
            ..prefix
        });
    }
    // A sign, unless the dash joins a word or number before it ("X-5" is a name).
    if attached(prefix.start, &['-', '−', '+'])
        && !(touches(tokens, prefix.start - 1)
            && matches!(
                tokens[prefix.start - 2].kind,
                TokenKind::Word | TokenKind::Number(_)
            ))
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

/// Numbers joined without spaces by - – / : . , are dates, times, ranges, versions and
/// decimal commas (2025-01-21, 9:30, 24/7, 10–20, 1.2.3, 1,5), none of which states one
/// quantity this reader can read ("1,5 million" is not 1). Thousands separators are part of
/// the number already.
pub(super) fn compound_end(tokens: &[Token], i: usize) -> Option<usize> {
    let mut k = i;
    while matches!(
        symbol(tokens, k + 1),
        Some('-' | '–' | '/' | ':' | '.' | ',')
    ) && touches(tokens, k + 1)
        && number(tokens, k + 2).is_some()
        && touches(tokens, k + 2)
    {
        k += 2;
    }
    (k > i).then_some(k + 1)
}

/// "1½ million", "1 1/2 million": a whole number and a fraction, which this reader does not
/// add up; read alone, the whole number would be a wrong figure.
pub(super) fn fraction_follows(tokens: &[Token], i: usize) -> bool {
    let vulgar = touches(tokens, i + 1)
        && symbol(tokens, i + 1).is_some_and(|c| "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞".contains(c));
    let written = spaced(tokens, i + 1)
        && number(tokens, i + 1).is_some()
        && symbol(tokens, i + 2) == Some('/')
        && touches(tokens, i + 2)
        && number(tokens, i + 3).is_some()
        && touches(tokens, i + 3);
    vulgar || written
}

/// "9 a.m.", "9 pm": an hour, not a count.
pub(super) fn clock_follows(tokens: &[Token], i: usize) -> bool {
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

pub(super) fn is_day(n: Number) -> bool {
    !n.grouped
        && !n.fraction
        && n.int_digits <= 2
        && (1.0..=31.0).contains(&n.value)
        && (n.suffix.is_empty() || is_ordinal(n.suffix))
}

pub(super) fn is_year_shape(n: Number) -> bool {
    n.int_digits == 4 && !n.grouped && !n.fraction && n.suffix.is_empty()
}

pub(super) fn is_year(n: Number) -> bool {
    is_year_shape(n) && (1900.0..=2100.0).contains(&n.value)
}

/// A month name starting a date: "January 22", "Jan. 22nd", "January 21, 2025", "June 2025".
/// A day followed by a scale word is a figure instead ("in May 2 million jobs").
pub(super) fn date_from_month(tokens: &[Token], i: usize) -> Option<usize> {
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
pub(super) fn year_after(tokens: &[Token], k: usize) -> Option<usize> {
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
pub(super) fn next_word(tokens: &[Token], k: usize) -> Option<(usize, bool)> {
    if word(tokens, k).is_some() && spaced(tokens, k) {
        return Some((k, false));
    }
    let hyphenated = symbol(tokens, k) == Some('-')
        && touches(tokens, k)
        && word(tokens, k + 1).is_some()
        && touches(tokens, k + 1);
    hyphenated.then_some((k + 1, true))
}

pub(super) fn scale_at(tokens: &[Token], k: usize) -> Option<(usize, f64)> {
    let (k, _) = next_word(tokens, k)?;
    Some((k, scale_word(word(tokens, k)?)?))
}

/// "%", "percent", "pct" or "per cent" directly after the number; returns the index after it.
pub(super) fn percent_at(tokens: &[Token], k: usize) -> Option<usize> {
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
pub(super) const MAX_DESCRIBERS: usize = 2;

/// The unit noun after a number, possibly behind a few describing words; returns the unit and
/// the index after it.
pub(super) fn unit_after(tokens: &[Token], k: usize, value: f64) -> Option<(Unit, usize)> {
    let (mut k, hyphenated) = next_word(tokens, k)?;
    // "year" and "job" in the singular follow a count only as "1 year" or "10-year"; otherwise
    // they are labels, as in "the 2025 fiscal year" or "10,000 job cuts".
    let singular_ok = hyphenated || same_value(value, 1.0);
    let first = k;
    for _ in 0..=MAX_DESCRIBERS {
        if let Some((unit, end)) = unit_word_at(tokens, k, singular_ok) {
            // "5 billion Canadian dollars" are not US dollars; "US dollars" are.
            let foreign = unit == Unit::Usd
                && (first..k)
                    .any(|d| !word(tokens, d).is_some_and(|w| is_any(w, &["US", "American"])));
            return Some((
                if foreign {
                    Unit::Other("non-US dollars")
                } else {
                    unit
                },
                end,
            ));
        }
        if is_any(word(tokens, k)?, STOP_WORDS) || !spaced(tokens, k + 1) {
            return None;
        }
        k += 1;
    }
    None
}

/// A unit noun at token `k`; returns the unit and the index after it.
pub(super) fn unit_word_at(tokens: &[Token], k: usize, singular_ok: bool) -> Option<(Unit, usize)> {
    let w = word(tokens, k)?;
    let is = |name: &str| w.eq_ignore_ascii_case(name);
    let unit = if is("jobs") || (singular_ok && is("job")) {
        Unit::Jobs
    } else if is("years") || (singular_ok && is("year")) {
        Unit::Years
    } else if is_any(w, &["dollars", "dollar"]) || w == "USD" {
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
        return other_unit_at(tokens, k);
    };
    Some((unit, k + 1))
}

/// A unit of [`OTHER_UNITS`] or [`OTHER_UNIT_PAIRS`] at token `k`; returns it and the index
/// after it.
fn other_unit_at(tokens: &[Token], k: usize) -> Option<(Unit, usize)> {
    let w = word(tokens, k)?;
    let second = word(tokens, k + 1).filter(|_| spaced(tokens, k + 1));
    let pair = OTHER_UNIT_PAIRS.iter().find(|(first, next, _)| {
        w.eq_ignore_ascii_case(first) && second.is_some_and(|s| s.eq_ignore_ascii_case(next))
    });
    if let Some(&(_, _, name)) = pair {
        return Some((Unit::Other(name), k + 2));
    }
    OTHER_UNITS
        .iter()
        .find(|(name, _)| w.eq_ignore_ascii_case(name))
        .map(|&(_, name)| (Unit::Other(name), k + 1))
}

/// "and a half" after a scale word ("a billion and a half"); returns the index after it.
fn and_a_half(tokens: &[Token], k: usize) -> Option<usize> {
    let words = ["and", "a", "half"];
    words
        .iter()
        .enumerate()
        .all(|(j, expected)| {
            spaced(tokens, k + j)
                && word(tokens, k + j).is_some_and(|w| w.eq_ignore_ascii_case(expected))
        })
        .then_some(k + words.len())
}

/// "sq ft", "sq. ft.", "sq.ft" starting at the "sq" token `k`; returns the index after it.
pub(super) fn square_feet_end(tokens: &[Token], k: usize) -> Option<usize> {
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

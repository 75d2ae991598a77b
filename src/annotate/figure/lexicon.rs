//! The English words figures are read with: scales, hedges, number words, months.

/// Scale words, written after the number with a space ("$500 billion").
pub(super) const SCALE_WORDS: &[(&str, f64)] = &[
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
    // South Asian English: a lakh is 100,000, a crore ten million.
    ("lakh", 1e5),
    ("lakhs", 1e5),
    ("crore", 1e7),
    ("crores", 1e7),
];

/// Qualifiers before a number. Longer phrases come first so "far less than" wins over its
/// tail "less than" (a test checks the order).
pub(super) const HEDGES: &[&str] = &[
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
pub(super) const NUMBER_WORDS: &[(&str, f64)] = &[
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

/// Units a figure can be stated in that annotations cannot claim, each with its name. A
/// number in one of them is read with [`Unit::Other`](super::Unit::Other), so that it agrees
/// with `unit: count` only: read as a plain count, "5 billion euros" would have passed as
/// `$5 billion`, and "25 million square metres" as square feet.
pub(super) const OTHER_UNITS: &[(&str, &str)] = &[
    ("euro", "euros"),
    ("euros", "euros"),
    ("EUR", "euros"),
    ("pound", "pounds"),
    ("pounds", "pounds"),
    ("sterling", "pounds"),
    ("GBP", "pounds"),
    ("yen", "yen"),
    ("JPY", "yen"),
    ("yuan", "yuan"),
    ("renminbi", "yuan"),
    ("RMB", "yuan"),
    ("CNY", "yuan"),
    ("rupee", "rupees"),
    ("rupees", "rupees"),
    ("INR", "rupees"),
    ("franc", "francs"),
    ("francs", "francs"),
    ("CHF", "francs"),
    ("peso", "pesos"),
    ("pesos", "pesos"),
    ("ruble", "rubles"),
    ("rubles", "rubles"),
    ("rouble", "rubles"),
    ("roubles", "rubles"),
    ("reais", "reais"),
    ("krona", "kronor"),
    ("kronor", "kronor"),
    ("krone", "kroner"),
    ("kroner", "kroner"),
    ("lira", "lira"),
    ("lire", "lira"),
    ("dirham", "dirhams"),
    ("dirhams", "dirhams"),
    ("riyal", "riyals"),
    ("riyals", "riyals"),
    ("shekel", "shekels"),
    ("shekels", "shekels"),
    ("won", "won"),
    ("KRW", "won"),
    ("baht", "baht"),
    ("ringgit", "ringgit"),
    ("rupiah", "rupiah"),
    ("zloty", "zloty"),
    ("zlotys", "zloty"),
    ("CAD", "non-US dollars"),
    ("AUD", "non-US dollars"),
    ("HKD", "non-US dollars"),
    ("SGD", "non-US dollars"),
    ("NZD", "non-US dollars"),
    ("bitcoin", "bitcoin"),
    ("bitcoins", "bitcoin"),
    ("BTC", "bitcoin"),
    ("acre", "acres"),
    ("acres", "acres"),
    ("hectare", "hectares"),
    ("hectares", "hectares"),
    ("tonne", "tonnes"),
    ("tonnes", "tonnes"),
    ("ton", "tons"),
    ("tons", "tons"),
    ("barrel", "barrels"),
    ("barrels", "barrels"),
    ("gallon", "gallons"),
    ("gallons", "gallons"),
    ("litre", "litres"),
    ("litres", "litres"),
    ("liter", "litres"),
    ("liters", "litres"),
    ("mile", "miles"),
    ("miles", "miles"),
    ("kilometre", "kilometres"),
    ("kilometres", "kilometres"),
    ("kilometer", "kilometres"),
    ("kilometers", "kilometres"),
    ("km", "kilometres"),
    ("metre", "metres"),
    ("metres", "metres"),
    ("meter", "metres"),
    ("meters", "metres"),
    ("kilogram", "kilograms"),
    ("kilograms", "kilograms"),
    ("kg", "kilograms"),
    ("megawatt", "megawatts"),
    ("megawatts", "megawatts"),
    ("MW", "megawatts"),
    ("gigawatt", "gigawatts"),
    ("gigawatts", "gigawatts"),
    ("GW", "gigawatts"),
    ("kilowatts", "kilowatts"),
    ("kW", "kilowatts"),
    ("kWh", "kilowatt-hours"),
    ("MWh", "megawatt-hours"),
    ("GWh", "gigawatt-hours"),
    ("TWh", "terawatt-hours"),
    ("bps", "basis points"),
];

/// Two-word units of [`OTHER_UNITS`]' kind: the first word, the second, the name.
pub(super) const OTHER_UNIT_PAIRS: &[(&str, &str, &str)] = &[
    ("square", "metres", "square metres"),
    ("square", "meters", "square metres"),
    ("square", "kilometres", "square kilometres"),
    ("square", "kilometers", "square kilometres"),
    ("square", "miles", "square miles"),
    ("square", "mile", "square miles"),
    ("basis", "points", "basis points"),
    ("basis", "point", "basis points"),
];

/// Nouns that make a number word a figure without having a unit of their own.
pub(super) const COUNTED_SPANS: &[&str] = &["months", "month", "weeks", "week", "days", "day"];

/// Words that end the search for a unit noun: "10 people over five years" is not ten years.
pub(super) const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "for", "in", "on", "at", "to", "by", "with", "from",
    "per", "than", "that", "this", "these", "those", "which", "who", "over", "under", "into", "as",
    "is", "are", "was", "were", "be", "been", "will", "would", "each", "every", "but",
];

/// Month names; a capital is required so the verbs "may" and "march" are not dates.
pub(super) const MONTHS: &[&str] = &[
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

pub(super) fn is_any(word: &str, list: &[&str]) -> bool {
    list.iter().any(|entry| word.eq_ignore_ascii_case(entry))
}

pub(super) fn is_month(word: &str) -> bool {
    word.starts_with(char::is_uppercase) && is_any(word, MONTHS)
}

/// The scale a word names; "billion-plus" is a billion (and more: a hedge the check ignores,
/// like "over").
pub(super) fn scale_word(word: &str) -> Option<f64> {
    let word = strip_suffix_ignore_case(word, "-plus").unwrap_or(word);
    SCALE_WORDS
        .iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name))
        .map(|&(_, scale)| scale)
}

fn strip_suffix_ignore_case<'a>(word: &'a str, suffix: &str) -> Option<&'a str> {
    let split = word.len().checked_sub(suffix.len())?;
    let (head, tail) = (word.get(..split)?, word.get(split..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// Scale letters attached to the digits ("$10B", "$80bn"). Lowercase single letters count only
/// after a currency sign: "10m" alone is more likely metres than millions.
pub(super) fn scale_suffix(suffix: &str, after_currency: bool) -> Option<f64> {
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

pub(super) fn is_ordinal(suffix: &str) -> bool {
    is_any(suffix, &["st", "nd", "rd", "th"])
}

/// "twenty-five" as well as the single words of [`NUMBER_WORDS`].
pub(super) fn number_word_value(word: &str) -> Option<f64> {
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

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
    /// A unit brief reads but does not check, named as the quote says it ("euros", "square
    /// metres", "basis points", "non-US dollars"): such a figure agrees only with `unit: count`.
    /// Quotes state it; annotation files cannot claim it.
    Other(&'static str),
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
            // What an annotation writes for a figure in a unit it cannot claim.
            Unit::Count | Unit::Other(_) => "count",
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

/// The first figure in `text`, if any: what a quote or a link text "states".
pub fn first_figure(text: &str) -> Option<Quantity> {
    find_figures(text)
        .into_iter()
        .next()
        .map(|figure| figure.quantity)
}

/// Whether a figure stated in `stated` units can be the one an annotation claims in `claimed`:
/// the same unit, or either is a plain count (or the annotation names no unit). "$2.5 million"
/// is not 2.5 million jobs, and "5 billion euros" is not $5 billion.
pub fn units_agree(stated: Unit, claimed: Option<Unit>) -> bool {
    stated == Unit::Count
        || claimed.is_none_or(|claimed| claimed == stated || claimed == Unit::Count)
}

/// Whether two values are the same figure. The tolerance is relative (1e-9) so that `500e9`
/// from an annotation equals 500 × 1e9 parsed from "$500 billion" despite float rounding.
pub fn same_value(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

pub use format::{format_quantity, value_text};
pub use read::find_figures;

mod format;
mod lexicon;
mod read;
mod tokens;

#[cfg(test)]
mod tests;

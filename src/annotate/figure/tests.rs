use super::lexicon::HEDGES;
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
    // Units brief does not check: never a plain count that passes for any unit
    ("5 billion euros", Some((5e9, Unit::Other("euros"), None))),
    ("5 billion yuan", Some((5e9, Unit::Other("yuan"), None))),
    (
        "£5bn, or 5 billion pounds",
        Some((5e9, Unit::Other("pounds"), None)),
    ),
    ("3 trillion yen", Some((3e12, Unit::Other("yen"), None))),
    (
        "25 million square metres",
        Some((25e6, Unit::Other("square metres"), None)),
    ),
    (
        "50 basis points",
        Some((50.0, Unit::Other("basis points"), None)),
    ),
    ("1.2 GW", Some((1.2, Unit::Other("gigawatts"), None))),
    (
        "5 billion Canadian dollars",
        Some((5e9, Unit::Other("non-US dollars"), None)),
    ),
    ("5 billion US dollars", Some((5e9, Unit::Usd, None))),
    (
        "five million barrels",
        Some((5e6, Unit::Other("barrels"), None)),
    ),
    // Fractions of a scale
    ("half a billion dollars", Some((0.5e9, Unit::Usd, None))),
    (
        "a billion and a half dollars",
        Some((1.5e9, Unit::Usd, None)),
    ),
    ("$2 billion and a half", Some((2.5e9, Unit::Usd, None))),
    ("a third of a billion dollars", None),
    ("a fraction of a million jobs", None),
    ("$5 billion-plus", Some((5e9, Unit::Usd, None))),
    ("10 million-plus jobs", Some((10e6, Unit::Jobs, None))),
    (
        "5,000 crore rupees",
        Some((5e10, Unit::Other("rupees"), None)),
    ),
    ("2 lakh jobs", Some((2e5, Unit::Jobs, None))),
    // Signs in words, decimal commas, bare decimal points
    ("minus 5%", Some((-5.0, Unit::Percent, None))),
    ("negative 2 percent", Some((-2.0, Unit::Percent, None))),
    ("1,5 million", None),
    ("2,50 dollars", None),
    ("$.5 billion", None),
    ("1½ million", None),
    ("USD 500 billion", Some((500e9, Unit::Usd, None))),
    ("500 billion USD", Some((500e9, Unit::Usd, None))),
    ("EUR 5 billion", None),
    ("1 1/2 million jobs", None),
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
    for &unit in Unit::CANONICAL {
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

//! Writes a value as a reader would, the opposite of reading: for diagnostics and tables.

use super::{Unit, same_value};

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
        Unit::Other(name) => format!("{} {name}", in_words(value)),
    }
}

/// How a figure's value reads: in its unit when the annotation gives one (`$500 billion`,
/// `100,000 jobs`), else as the number.
pub fn value_text(value: f64, unit: Option<Unit>) -> String {
    match unit {
        Some(unit) => format_quantity(value, unit),
        None => format!("{value}"),
    }
}

/// Rounds away binary noise (0.1 + 0.2) so values print as a reader wrote them.
pub(super) fn tidy(value: f64) -> f64 {
    if value.abs() < 1e9 {
        (value * 1e6).round() / 1e6
    } else {
        value.round()
    }
}

pub(super) fn with_commas(value: f64) -> String {
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
pub(super) fn in_words(value: f64) -> String {
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

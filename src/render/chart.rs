//! The key-figures chart: an inline SVG drawn at build time from the figures the editor marked
//! `chart: true`, through the theme's `partials/chart.html`.
//!
//! Only amounts that can share one scale are drawn together: figures are grouped by unit, a
//! group needs at least two figures to be worth a picture, and years are dates, not amounts,
//! so they are never drawn as bars. A figure with a speaker is someone's claim, not an
//! announced amount: its bar is drawn outlined and its label says so. Labels are wrapped to
//! the label column, whose width comes from the longest line, so nothing is cut off. Each bar
//! links to the passage that states it; the key-figures table beside it is the text
//! alternative.

use serde::Serialize;
use tera::Context;

use super::annotations::KeyFigure;
use super::theme::Theme;
use crate::diagnostics::Diagnostic;

const WIDTH: f64 = 640.0;
/// The widest a 13 px system-font character gets on average, so estimated lines never
/// exceed what they are given (capitals and digits run wider than lower case).
const CHAR_WIDTH: f64 = 7.4;
/// Longest label line, in characters; longer labels wrap.
const LABEL_CHARS: usize = 26;
const LINE: f64 = 15.0;
const ROW_GAP: f64 = 12.0;
const BAR: f64 = 18.0;
const PAD: f64 = 8.0;

/// One chart: the figures of one unit.
#[derive(Debug, Serialize)]
struct Chart {
    id: String,
    unit: String,
    width: f64,
    height: f64,
    /// Whether some bars are claims rather than announced amounts.
    claims: bool,
    rows: Vec<Row>,
}

/// One bar with its label and value, positioned.
#[derive(Debug, Serialize)]
struct Row {
    href: String,
    label: Vec<String>,
    label_x: f64,
    label_y: f64,
    line: f64,
    bar_x: f64,
    bar_y: f64,
    bar_width: f64,
    bar_height: f64,
    value: String,
    value_x: f64,
    value_y: f64,
    claim: bool,
}

/// The charts, one per unit with two charted figures or more; empty when there are none.
pub fn key_figures_chart(figures: &[KeyFigure], theme: &Theme) -> Result<String, Diagnostic> {
    let mut units: Vec<&str> = figures.iter().map(|f| f.unit.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    let mut html = String::new();
    for unit in units
        .into_iter()
        .filter(|unit| !matches!(*unit, "year" | ""))
    {
        let group: Vec<&KeyFigure> = figures
            .iter()
            .filter(|f| f.chart && f.unit == unit && f.amount > 0.0)
            .collect();
        if group.len() >= 2 {
            let mut context = Context::new();
            context.insert("chart", &layout(unit, &group));
            html.push_str(&theme.render("partials/chart.html", &context)?);
        }
    }
    Ok(html)
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

fn layout(unit: &str, group: &[&KeyFigure]) -> Chart {
    let labels: Vec<Vec<String>> = group
        .iter()
        .map(|f| {
            let label = if f.speaker.is_some() {
                format!("{} (claim)", f.label)
            } else {
                f.label.clone()
            };
            wrap(&label, LABEL_CHARS)
        })
        .collect();
    let label_width = labels
        .iter()
        .flatten()
        .map(|line| text_width(line))
        .fold(0.0_f64, f64::max)
        + 2.0 * PAD;
    let value_width = group
        .iter()
        .map(|f| text_width(&f.value))
        .fold(0.0_f64, f64::max)
        + 2.0 * PAD;
    let bar_space = (WIDTH - label_width - value_width).max(40.0);
    let max = group.iter().map(|f| f.amount).fold(0.0_f64, f64::max);
    let mut y = PAD;
    let rows = group
        .iter()
        .zip(labels)
        .map(|(figure, label)| {
            let height = (label.len() as f64 * LINE).max(BAR);
            let bar_y = y + (height - BAR) / 2.0;
            let bar_width = (figure.amount / max * bar_space).max(2.0);
            let row = Row {
                href: figure
                    .sources
                    .first()
                    .map_or(String::new(), |s| s.href.clone()),
                label_x: label_width - PAD,
                // The first line's baseline: the lines sit centred on the bar.
                label_y: y + (height - label.len() as f64 * LINE) / 2.0 + LINE - 3.5,
                label,
                line: LINE,
                bar_x: label_width,
                bar_y,
                bar_width: round(bar_width),
                bar_height: BAR,
                value: figure.value.clone(),
                value_x: round(label_width + bar_width + PAD),
                value_y: bar_y + BAR - 4.5,
                claim: figure.speaker.is_some(),
            };
            y += height + ROW_GAP;
            row
        })
        .collect::<Vec<_>>();
    Chart {
        id: format!("chart-{}", unit.to_ascii_lowercase()),
        unit: unit.to_string(),
        width: WIDTH,
        height: y - ROW_GAP + PAD,
        claims: rows.iter().any(|r| r.claim),
        rows,
    }
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `text` in lines of at most `max` characters, broken between words (a longer word keeps
/// a line of its own).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(id: &str, amount: f64, unit: &str) -> KeyFigure {
        KeyFigure {
            id: id.to_string(),
            number: 1,
            label: format!("{id} label"),
            value: format!("{amount}"),
            amount,
            unit: unit.to_string(),
            chart: true,
            speaker: None,
            sources: Vec::new(),
            corroborated: 1,
        }
    }

    #[test]
    fn comparable_amounts_share_one_scale() {
        let chart = layout(
            "USD",
            &[&figure("a", 500e9, "USD"), &figure("b", 100e9, "USD")],
        );
        let [a, b] = &chart.rows[..] else {
            panic!("two rows: {chart:?}")
        };
        assert!((a.bar_width / b.bar_width - 5.0).abs() < 0.01, "{chart:?}");
        assert!(a.value_x + text_width(&a.value) <= chart.width, "{chart:?}");
    }

    #[test]
    fn long_labels_wrap_and_widen_the_label_column() {
        let mut long = figure("a", 1.0, "USD");
        long.label = "Microsoft's planned spending on AI data centers this year".to_string();
        let chart = layout("USD", &[&long, &figure("b", 2.0, "USD")]);
        assert!(chart.rows[0].label.len() > 1, "{chart:?}");
        let widest = chart.rows[0]
            .label
            .iter()
            .map(|l| text_width(l))
            .fold(0.0, f64::max);
        assert!(
            widest <= chart.rows[0].label_x,
            "the label fits left of its bar"
        );
    }

    #[test]
    fn claims_are_said_to_be_claims() {
        let mut claim = figure("a", 10e9, "USD");
        claim.speaker = Some("Elon Musk".to_string());
        let chart = layout("USD", &[&claim, &figure("b", 100e9, "USD")]);
        assert!(chart.claims && chart.rows[0].claim);
        assert_eq!(chart.rows[0].label.join(" "), "a label (claim)");
    }

    #[test]
    fn wrap_breaks_between_words() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("unbreakable-word x", 4), vec!["unbreakable-word", "x"]);
    }
}

//! The key-figures chart: an inline SVG drawn at build time from the figure annotations.
//!
//! Only amounts that can share one scale are drawn together: figures are grouped by unit, a
//! group needs at least two figures to be worth a picture, and years are dates, not amounts,
//! so they are never drawn as bars. Each bar links to the passage that states it; the
//! key-figures table beside it is the text alternative.

use std::fmt::Write;

use super::annotations::KeyFigure;
use super::escape_html;

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 250.0;
const VALUE_WIDTH: f64 = 110.0;
const ROW: f64 = 30.0;
const BAR: f64 = 18.0;

/// The chart, or an empty string when no unit has two comparable figures.
pub fn key_figures_chart(figures: &[KeyFigure]) -> String {
    let mut units: Vec<&str> = figures.iter().map(|f| f.unit.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    units
        .into_iter()
        .filter(|unit| !matches!(*unit, "year" | ""))
        .filter_map(|unit| {
            let group: Vec<&KeyFigure> = figures
                .iter()
                .filter(|f| f.unit == unit && f.amount > 0.0)
                .collect();
            (group.len() >= 2).then(|| group_chart(unit, &group))
        })
        .collect()
}

fn group_chart(unit: &str, group: &[&KeyFigure]) -> String {
    let max = group.iter().map(|f| f.amount).fold(0.0_f64, f64::max);
    let height = ROW * group.len() as f64 + 10.0;
    let id = format!("chart-{}", unit.to_ascii_lowercase());
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">Key figures in {unit}</title>\n<desc id=\"{id}-desc\">Bars on one linear scale from 0 to the largest figure; each bar links to the passage that states it. The table below gives the same figures.</desc>\n"
    );
    let bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    for (row, figure) in group.iter().enumerate() {
        let y = row as f64 * ROW + 5.0;
        let width = (figure.amount / max * bar_space).max(2.0);
        let href = figure
            .sources
            .first()
            .map_or(String::new(), |s| s.href.clone());
        let _ = writeln!(
            svg,
            "<a href=\"{href}\"><text class=\"chart-label\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text><rect class=\"chart-bar\" x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width:.1}\" height=\"{BAR}\"/><text class=\"chart-value\" x=\"{vx:.1}\" y=\"{ty}\">{value}</text></a>",
            href = escape_html(&href),
            lx = LABEL_WIDTH - 8.0,
            ty = y + BAR - 4.0,
            label = escape_html(&short(&figure.label)),
            vx = LABEL_WIDTH + width + 6.0,
            value = escape_html(&figure.value),
        );
    }
    svg.push_str("</svg>\n</figure>\n");
    svg
}

/// Labels are notes' first lines; the chart has room for about forty characters.
fn short(label: &str) -> String {
    const MAX: usize = 40;
    if label.chars().count() <= MAX {
        return label.to_string();
    }
    let cut: String = label.chars().take(MAX - 1).collect();
    format!("{}…", cut.trim_end())
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
            sources: Vec::new(),
            corroborated: 1,
        }
    }

    #[test]
    fn comparable_amounts_share_one_scale() {
        let svg = key_figures_chart(&[figure("a", 500e9, "USD"), figure("b", 100e9, "USD")]);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("width=\"280.0\""), "{svg}");
        assert!(svg.contains("width=\"56.0\""), "{svg}");
        assert!(svg.contains("<title id=\"chart-usd-title\">"), "{svg}");
    }

    #[test]
    fn units_are_never_mixed_and_years_are_not_bars() {
        let svg = key_figures_chart(&[
            figure("a", 500e9, "USD"),
            figure("b", 100_000.0, "jobs"),
            figure("c", 2015.0, "year"),
            figure("d", 2024.0, "year"),
        ]);
        assert_eq!(svg, "", "no unit has two comparable amounts");
    }
}

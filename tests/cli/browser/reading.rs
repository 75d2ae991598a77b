//! The reader's edition, measured in Chromium: quotations read as quotations, notes sit in
//! the margin without leaving holes in the text, number 1, 2, 3 down a source page and never
//! overlap, the chart's text stays inside its picture, and the header is one line on a phone.
//! From `file://` and under a sub-path; screenshots of the main pages go to
//! `target/screenshots/`.

use std::path::Path;

use serde_json::{Value, json};

use super::server::StaticServer;
use super::webdriver::{Driver, Session};
use super::{BuiltSite, browser_or_skip};

/// Every quote citation of the briefing shows quotation marks: a `<q>` drawing them, or the
/// editor's own marks just before it.
const QUOTED: &str = "return Array.from(document.querySelectorAll('a.cite-quote'), a => { const q = a.querySelector('q'); const before = (a.previousSibling && a.previousSibling.textContent || '').slice(-1); return { text: a.textContent, marks: q ? getComputedStyle(q, '::before').content + '|' + getComputedStyle(q, '::after').content : 'editor:' + before }; });";

/// The article column's blocks (not the notes floated beside them) and the section after the
/// column, top to bottom, and the gaps between them, with the line height.
const GAPS: &str = "const column = document.querySelector('.source-text, article.briefing'); const line = parseFloat(getComputedStyle(column).lineHeight); const next = column.nextElementSibling; const blocks = Array.from(column.children).concat(next ? [next] : []).filter(e => getComputedStyle(e).float === 'none' && e.getClientRects().length).map(e => ({ tag: e.localName + '.' + e.className, r: e.getBoundingClientRect() })); let worst = { gap: 0 }; for (let i = 1; i < blocks.length; i++) { const gap = blocks[i].r.top - blocks[i - 1].r.bottom; if (gap > worst.gap) worst = { gap, after: blocks[i - 1].tag, before: blocks[i].tag, at: i }; } return { line, worst, blocks: blocks.length, right: column.getBoundingClientRect().right };";

/// The margin notes' boxes, in document order.
const NOTES: &str = "return Array.from(document.querySelectorAll('.source-text details.notes, .briefing > aside.corroboration'), n => { const r = n.getBoundingClientRect(); return { id: (n.querySelector('[id]') || n).id, left: r.left, top: r.top, bottom: r.bottom, right: r.right }; });";

/// The numbers of a source page: the badges in the text and the notes, in document order,
/// with where each sits.
const NUMBERS: &str = "const nums = sel => Array.from(document.querySelectorAll(sel), e => ({ n: Number(e.textContent), top: e.getBoundingClientRect().top })); return { badges: nums('.source-text a.ann-num'), notes: nums('.source-text .ann-head .ann-num') };";

/// Every text of the chart against its viewBox.
const CHART: &str = "return Array.from(document.querySelectorAll('figure.chart svg'), svg => { const box = svg.viewBox.baseVal; return Array.from(svg.querySelectorAll('text'), t => { const b = t.getBBox(); return { text: t.textContent, inside: b.x >= box.x - 0.5 && b.y >= box.y - 0.5 && b.x + b.width <= box.x + box.width + 0.5 && b.y + b.height <= box.y + box.height + 0.5, box: [b.x, b.y, b.width, b.height], view: [box.width, box.height] }; }); }).flat();";

/// The header's visible items and its height.
const HEADER: &str = "const inner = document.querySelector('.site-header-inner'); const items = Array.from(inner.querySelectorAll(':scope > *, .site-nav > ul > li')).filter(e => e.getClientRects().length).map(e => { const r = e.getBoundingClientRect(); return { tag: e.className || e.localName, top: r.top, bottom: r.bottom, right: r.right }; }); return { items, height: inner.getBoundingClientRect().height, width: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth };";

/// Elements of the page that reach past the right edge of the viewport (outside the
/// tables and charts that scroll on their own).
const PAST_THE_EDGE: &str = "return Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.table-scroll, .chart-scroll') && e.getClientRects().length && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.localName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));";

fn overlaps(a: &Value, b: &Value) -> bool {
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    f(a, "left") < f(b, "right") - 1.0
        && f(b, "left") < f(a, "right") - 1.0
        && f(a, "top") < f(b, "bottom") - 1.0
        && f(b, "top") < f(a, "bottom") - 1.0
}

fn increasing(list: &Value) -> bool {
    let list = list.as_array().expect("a list");
    list.iter()
        .enumerate()
        .all(|(i, item)| item["n"] == json!(i + 1))
        && list.windows(2).all(|w| {
            w[0]["top"].as_f64().unwrap_or(0.0) <= w[1]["top"].as_f64().unwrap_or(0.0) + 1.0
        })
}

fn check_wide_page(session: &Session<'_>, url: &str, page: &str) {
    session.goto(url);
    let gaps = session.js(GAPS, json!([]));
    let line = gaps["line"].as_f64().expect("a line height");
    assert!(
        gaps["worst"]["gap"].as_f64().unwrap_or(0.0) <= 2.0 * line,
        "{page}: no gap in the article column larger than two lines: {gaps}"
    );
    println!(
        "{page} at 1280 px: largest gap {:.0} px, line {line:.0} px",
        gaps["worst"]["gap"].as_f64().unwrap_or(0.0)
    );
    let notes = session.js(NOTES, json!([]));
    let notes = notes.as_array().expect("notes");
    assert!(!notes.is_empty(), "{page} has notes");
    for (i, a) in notes.iter().enumerate() {
        assert!(
            a["left"].as_f64() >= gaps["right"].as_f64(),
            "{page}: note {a} sits in the margin, right of {}",
            gaps["right"]
        );
        for b in &notes[i + 1..] {
            assert!(!overlaps(a, b), "{page}: notes overlap: {a} and {b}");
        }
    }
}

#[test]
fn reading_layout_quotes_notes_numbers_chart_and_header() {
    let Some(browser) = browser_or_skip("reading_layout") else {
        return;
    };
    let site = BuiltSite::build();
    let server = StaticServer::start(&site.public, "/repo/");
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    let sources: Vec<String> = site
        .pages()
        .into_iter()
        .filter(|p| p.starts_with("sources/") && p != "sources/index.html")
        .collect();
    for base in [site.file_url(), server.url()] {
        session.viewport(1280, 900, false);
        session.goto(&format!("{base}index.html"));
        let quoted = session.js(QUOTED, json!([]));
        let quoted = quoted.as_array().expect("quote citations");
        assert!(quoted.len() >= 5, "{quoted:?}");
        for cite in quoted {
            let marks = cite["marks"].as_str().unwrap_or("");
            assert!(
                marks == "open-quote|close-quote"
                    || marks.starts_with("editor:") && marks.len() > "editor:".len(),
                "a quote citation reads as a quotation: {cite}"
            );
        }
        let chart = session.js(CHART, json!([]));
        let chart = chart.as_array().expect("chart texts");
        assert!(
            chart.len() >= 4,
            "the chart has labels and values: {chart:?}"
        );
        for text in chart {
            assert_eq!(text["inside"], json!(true), "clipped chart text: {text}");
        }
        check_wide_page(&session, &format!("{base}index.html"), "index.html");
        for page in &sources {
            check_wide_page(&session, &format!("{base}{page}"), page);
            let numbers = session.js(NUMBERS, json!([]));
            assert!(
                increasing(&numbers["badges"]) && increasing(&numbers["notes"]),
                "{page}: note numbers are 1, 2, 3 down the page: {numbers}"
            );
        }
        session.viewport(390, 844, true);
        for page in ["index.html", "annotations.html", sources[0].as_str()] {
            session.goto(&format!("{base}{page}"));
            let header = session.js(HEADER, json!([]));
            let items = header["items"].as_array().expect("header items");
            let first = items[0]["top"].as_f64().unwrap_or(0.0);
            for item in items {
                assert!(
                    (item["top"].as_f64().unwrap_or(0.0) - first).abs() < 12.0
                        && item["right"].as_f64() <= header["width"].as_f64(),
                    "{page}: the header is one line at 390 px: {header}"
                );
            }
            assert!(
                header["height"].as_f64() < Some(56.0),
                "{page}: one line: {header}"
            );
            let past = session.js(PAST_THE_EDGE, json!([]));
            assert_eq!(past, json!([]), "{page}: nothing reaches past 390 px");
        }
    }
}

/// Screenshots of the briefing, a source page and the annotations page, light and dark, at
/// phone and desktop widths, for a person to look at.
#[test]
fn screenshots_of_the_main_pages() {
    let Some(browser) = browser_or_skip("screenshots_of_the_main_pages") else {
        return;
    };
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    for scheme in ["light", "dark"] {
        session.color_scheme(scheme);
        for (width, height) in [(390, 844), (1280, 900)] {
            session.viewport(width, height, width < 600);
            for (name, page) in [
                ("briefing", "index.html"),
                ("source", "sources/cnbc-trump-altman-call.html"),
                ("annotations", "annotations.html"),
            ] {
                session.goto(&format!("{}{page}", site.file_url()));
                let path = shots.join(format!("{name}-{width}-{scheme}.png"));
                session.screenshot(&path);
                println!("screenshot: {}", path.display());
            }
        }
    }
}

/// The print page as a printer lays it out: navigation gone, every note shown in the flow
/// under its paragraph (not in a margin, not collapsed), and Chromium prints it to a PDF.
const PRINTED: &str = "const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'; const notes = Array.from(document.querySelectorAll('aside.ann-note')); return { header: shown(document.querySelector('.site-header')), notes: notes.length, badges: document.querySelectorAll('a.ann-num').length, hidden: notes.filter(n => !shown(n) || n.getBoundingClientRect().height < 10).map(n => n.id), floated: Array.from(document.querySelectorAll('details.notes, aside.corroboration')).filter(n => getComputedStyle(n).float !== 'none' || n.getBoundingClientRect().right > document.querySelector('main').getBoundingClientRect().right + 1).length, summaries: Array.from(document.querySelectorAll('details.notes > summary')).filter(shown).length };";

#[test]
fn print_shows_every_note_in_the_flow_and_makes_a_pdf() {
    let Some(browser) = browser_or_skip("print") else {
        return;
    };
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    session.viewport(1280, 900, false);
    session.goto(&format!("{}print.html", site.file_url()));
    session.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    let printed = session.js(PRINTED, json!([]));
    assert_eq!(
        printed["header"],
        json!(false),
        "no navigation on paper: {printed}"
    );
    assert!(printed["notes"].as_u64() > Some(10), "{printed}");
    assert_eq!(
        printed["notes"], printed["badges"],
        "a note for every number: {printed}"
    );
    assert_eq!(
        printed["hidden"],
        json!([]),
        "every note is printed: {printed}"
    );
    assert_eq!(
        printed["floated"],
        json!(0),
        "no margin notes on paper, nothing past the text: {printed}"
    );
    assert_eq!(
        printed["summaries"],
        json!(0),
        "no note controls on paper: {printed}"
    );
    session.viewport(794, 1123, false);
    session
        .screenshot(&Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/print-a4.png"));
    let pdf = session.cdp("Page.printToPDF", json!({ "printBackground": true }));
    let data = pdf["data"].as_str().unwrap_or("");
    assert!(data.starts_with("JVBERi0"), "Chromium prints it to a PDF");
    println!(
        "print.html: {} notes, a PDF of {} bytes",
        printed["notes"],
        data.len() / 4 * 3
    );
}

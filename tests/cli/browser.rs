//! Browser tests: the real briefing (this repository's `content/`), built into a temp folder and
//! opened in Debian's Chromium through chromedriver (WebDriver), from `file://` and from a
//! loopback server under a sub-path, as GitHub Pages serves a project site. They follow every
//! citation, watch the console and the network, drive the citation card with the keyboard,
//! turn JavaScript off, save screenshots, and run axe-core and the Nu HTML Checker.
//!
//! Where Chromium, chromedriver, axe-core, java or vnu.jar are missing, a test says so loudly
//! and returns; with `BRIEF_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs them all) a
//! missing tool fails the test instead, so CI always runs them.

mod live;
mod reading;
mod server;
mod webdriver;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use server::StaticServer;
use webdriver::{Browser, Driver, Session, find_program};

/// WebDriver's key code for Escape.
const ESCAPE: &str = "\u{E00C}";

/// The axe-core rule tags for WCAG 2.2 levels A and AA.
const WCAG_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// Where `.ci/run` installs the npm tools (`npm install --prefix target/npm`).
fn npm_file(var: &str, relative: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/npm/node_modules")
        .join(relative);
    path.is_file().then_some(path)
}

/// Whether a missing tool fails the test (CI) rather than skipping it.
fn required() -> bool {
    std::env::var_os("BRIEF_REQUIRE_BROWSER").is_some_and(|v| v != "0" && !v.is_empty())
}

fn skip(test: &str, missing: &str, install: &str) {
    let message = format!(
        "\n{bar}\nSKIPPED browser test `{test}`: {missing} not found.\nInstall: {install} (`.ci/run` does).\n{bar}\n",
        bar = "!".repeat(78)
    );
    assert!(!required(), "BRIEF_REQUIRE_BROWSER is set:{message}");
    eprintln!("{message}");
}

fn browser_or_skip(test: &str) -> Option<Browser> {
    let browser = Browser::find();
    if browser.is_none() {
        skip(
            test,
            "chromium or chromedriver",
            "apt-get install chromium chromium-driver",
        );
    }
    browser
}

/// The real briefing, built into a temp folder.
struct BuiltSite {
    _dir: tempfile::TempDir,
    public: PathBuf,
}

impl BuiltSite {
    fn build() -> BuiltSite {
        let dir = tempfile::tempdir().expect("a temp folder");
        let public = dir.path().join("public");
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("build")
            .arg("--root")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("--output")
            .arg(&public)
            .env("NO_COLOR", "1")
            .output()
            .expect("brief runs");
        assert!(
            output.status.success(),
            "the real briefing builds:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        BuiltSite { _dir: dir, public }
    }

    /// `file:///.../public/`.
    fn file_url(&self) -> String {
        let path = self.public.display().to_string().replace(' ', "%20");
        format!("file://{path}/")
    }

    /// Every HTML page, relative to the site root, sorted.
    fn pages(&self) -> Vec<String> {
        let mut pages: Vec<String> = walkdir::WalkDir::new(&self.public)
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .map(|e| {
                e.path()
                    .strip_prefix(&self.public)
                    .expect("under public")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        pages.sort();
        pages
    }
}

/// Console errors, failed requests and requests that leave the site since the last call.
/// Only requests made by the site's own documents count: Chromium's internal pages log theirs
/// too.
fn problems(session: &Session<'_>, site_url: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in session.logs("browser") {
        if entry["level"] == json!("SEVERE") {
            found.push(format!("console error: {}", entry["message"]));
        }
    }
    let mut ours: HashMap<String, String> = HashMap::new();
    for entry in session.logs("performance") {
        let Some(message) = entry["message"].as_str() else {
            continue;
        };
        let Ok(event) = serde_json::from_str::<Value>(message) else {
            continue;
        };
        let params = &event["message"]["params"];
        let request = params["requestId"].as_str().unwrap_or("").to_string();
        match event["message"]["method"].as_str().unwrap_or("") {
            "Network.requestWillBeSent" => {
                let url = params["request"]["url"].as_str().unwrap_or("");
                let document = params["documentURL"].as_str().unwrap_or("");
                if url.starts_with(site_url) || document.starts_with(site_url) {
                    if !(url.starts_with(site_url) || url.starts_with("data:")) {
                        found.push(format!("request outside the site: {url} from {document}"));
                    }
                    ours.insert(request, url.to_string());
                }
            }
            "Network.loadingFailed" => {
                if let Some(url) = ours.get(&request) {
                    found.push(format!(
                        "failed request: {url}: {}",
                        params["errorText"].as_str().unwrap_or("?")
                    ));
                }
            }
            "Network.responseReceived" => {
                let status = params["response"]["status"].as_u64().unwrap_or(0);
                if status >= 400 && ours.contains_key(&request) {
                    found.push(format!(
                        "HTTP {status} for {}",
                        params["response"]["url"].as_str().unwrap_or("?")
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

/// `(href, data-ann, id)` of every citation on the current page.
fn citations(session: &Session<'_>) -> Vec<(String, String, String)> {
    let found = session.js(
        "return Array.from(document.querySelectorAll('a.cite[data-ann]'), a => [a.href, a.dataset.ann, a.id]);",
        json!([]),
    );
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            let text = |i: usize| c[i].as_str().unwrap_or_default().to_string();
            (text(0), text(1), text(2))
        })
        .collect()
}

/// The `:target` element: `{id, ann, tag}`, or null.
fn target(session: &Session<'_>) -> Value {
    session.js(
        "const t = document.querySelector(':target'); return t && { id: t.id, ann: t.getAttribute('data-ann'), tag: t.localName, shown: t.getClientRects().length > 0 };",
        json!([]),
    )
}

fn fragment(url: &str) -> &str {
    url.split_once('#').map_or("", |(_, f)| f)
}

/// Follows every citation of the briefing to its passage and back, from `base`.
fn follow_every_citation(session: &Session<'_>, base: &str) -> usize {
    session.goto(&format!("{base}index.html"));
    let cites = citations(session);
    assert!(
        cites.len() >= 10,
        "the briefing has its citations: {cites:?}"
    );
    for (href, ann, cite_id) in &cites {
        assert!(
            href.starts_with(base),
            "citation {cite_id} stays in the site: {href}"
        );
        session.goto(href);
        let reached = target(session);
        assert_eq!(
            reached["id"].as_str(),
            Some(fragment(href)),
            "following {cite_id} ({href}) makes its passage the :target"
        );
        assert_eq!(reached["tag"], json!("mark"), "{cite_id}: {reached}");
        assert_eq!(reached["ann"].as_str(), Some(ann.as_str()), "{cite_id}");
        assert_eq!(
            reached["shown"],
            json!(true),
            "{cite_id}: the passage is rendered"
        );
        // The passage's note links back to this very citation.
        let back = session.js(
            "const note = document.getElementById('note-' + arguments[0]); if (!note) return null; const a = Array.from(note.querySelectorAll('a')).find(a => a.hash === '#' + arguments[1]); return a ? a.href : null;",
            json!([fragment(href), cite_id]),
        );
        let back = back
            .as_str()
            .unwrap_or_else(|| panic!("the note of {href} links back to {cite_id}"))
            .to_string();
        session.goto(&back);
        assert_eq!(
            target(session)["id"].as_str(),
            Some(cite_id.as_str()),
            "the back-link {back} reaches the citation"
        );
    }
    cites.len()
}

#[test]
fn every_citation_reaches_its_passage_and_back_from_file_and_under_a_sub_path() {
    let Some(browser) = browser_or_skip("every_citation_reaches_its_passage") else {
        return;
    };
    let site = BuiltSite::build();
    let server = StaticServer::start(&site.public, "/repo/");
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    for base in [site.file_url(), server.url()] {
        let count = follow_every_citation(&session, &base);
        for page in site.pages() {
            session.goto(&format!("{base}{page}"));
        }
        let found = problems(&session, &base);
        assert!(
            found.is_empty(),
            "no console error, failed request or outside request from {base}:\n{}",
            found.join("\n")
        );
        println!("{count} citations followed to their passages and back from {base}");
    }
}

#[test]
fn the_citation_card_opens_on_focus_and_hover_and_closes_on_escape() {
    let Some(browser) = browser_or_skip("the_citation_card_opens_on_focus") else {
        return;
    };
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    session.viewport(390, 844, true);
    session.goto(&format!("{}index.html", site.file_url()));
    let state = || {
        session.js(
            "const card = document.getElementById('brief-cite-card'); const a = document.activeElement; const r = card.getBoundingClientRect(); return { open: card.matches(':popover-open'), text: card.textContent, describedby: a.getAttribute('aria-describedby'), ann: a.getAttribute('data-ann'), left: r.left, right: r.right, width: innerWidth, links: Array.from(card.querySelectorAll('a'), l => l.href) };",
            json!([]),
        )
    };
    session.js("document.querySelector('a.cite').focus();", json!([]));
    let open = state();
    assert_eq!(open["open"], json!(true), "focus opens the card: {open}");
    assert_eq!(open["describedby"], json!("brief-cite-card"), "{open}");
    let expected = session.js(
        "const a = JSON.parse(document.getElementById('brief-cards').textContent)[arguments[0]]; return [a.wordings[0].quote, a.wordings[0].outlet];",
        json!([open["ann"]]),
    );
    let text = open["text"].as_str().unwrap_or_default();
    for part in expected.as_array().expect("quote and outlet") {
        let part = part.as_str().unwrap_or_default();
        assert!(text.contains(part), "the card shows {part:?}: {text}");
    }
    assert!(
        open["left"].as_f64() >= Some(0.0) && open["right"].as_f64() <= open["width"].as_f64(),
        "the card fits a 390 px screen: {open}"
    );
    let first_link = open["links"][0].as_str().unwrap_or_default().to_string();
    assert!(
        first_link.contains("sources/") && first_link.contains("#ann-"),
        "the card links to the passage: {open}"
    );

    session.press(ESCAPE);
    let closed = state();
    assert_eq!(
        closed["open"],
        json!(false),
        "Esc closes the card: {closed}"
    );
    assert_eq!(closed["describedby"], Value::Null, "{closed}");
    assert_eq!(closed["ann"], open["ann"], "focus stays on the citation");

    session.js("document.activeElement.blur();", json!([]));
    // The pointer goes to an element's centre: pick a citation on one line.
    let one_line = session.js(
        "return Array.from(document.querySelectorAll('a.cite')).find(a => a.getClientRects().length === 1).id;",
        json!([]),
    );
    session.hover(&format!(
        "#{}",
        one_line.as_str().expect("a citation on one line")
    ));
    assert_eq!(
        state()["open"],
        json!(true),
        "hovering a citation opens the card"
    );
    session.hover("#brief-cite-card");
    assert_eq!(
        state()["open"],
        json!(true),
        "the pointer can move onto the card"
    );
    session.press(ESCAPE);
    assert_eq!(state()["open"], json!(false), "Esc closes a hovered card");
}

#[test]
fn search_works_offline_from_file() {
    let Some(browser) = browser_or_skip("search_works_offline_from_file") else {
        return;
    };
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    session.goto(&format!(
        "{}sources/cnbc-trump-altman-call.html",
        site.file_url()
    ));
    let results = search(&session, "Nadella");
    assert_eq!(results["shown"], json!(true), "{results}");
    let links: Vec<&str> = results["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        links.iter().any(|l| l.contains("annotations.html#nadella")),
        "an annotation about Nadella is found: {links:?}"
    );
    assert!(
        links.iter().all(|l| l.starts_with(&site.file_url())),
        "results link into the site, relative to this page's depth: {links:?}"
    );
    assert!(
        results["status"].as_str().unwrap_or("").contains("result"),
        "the count is announced: {results}"
    );
    let annotation = links
        .iter()
        .find(|l| l.contains("annotations.html#"))
        .expect("an annotation result");
    session.goto(annotation);
    assert_eq!(
        target(&session)["id"].as_str(),
        Some(fragment(annotation)),
        "an annotation result reaches its entry"
    );
    let found = problems(&session, &site.file_url());
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Types `query` in the header's search and waits for the results: the index loads on demand.
fn search(session: &Session<'_>, query: &str) -> Value {
    let input = session.find("#site-search-input");
    session.type_into(&input, query);
    session.js_async(
        "const done = arguments[arguments.length - 1]; const status = document.getElementById('site-search-status'); (function wait() { if (!status.textContent) { setTimeout(wait, 20); return; } const box = document.getElementById('site-search-results'); done({ shown: !box.hidden && box.getClientRects().length > 0, links: Array.from(box.querySelectorAll('a'), a => a.href), status: status.textContent, scripts: Array.from(document.scripts, s => s.src).filter(Boolean) }); })();",
        json!([]),
    )
}

/// Script bytes a page loaded, by the Resource Timing API (decoded sizes: from `file://`
/// there is no transfer size).
fn script_bytes(session: &Session<'_>) -> u64 {
    session
        .js(
            "return performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script').reduce((n, e) => n + e.decodedBodySize, 0);",
            json!([]),
        )
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn a_page_of_a_generated_archive_searches_from_file() {
    let Some(browser) = browser_or_skip("a_page_of_a_generated_archive_searches") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temp folder");
    crate::archive::write_brief_site(dir.path(), 1_000);
    let public = dir.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "-q", "--root"])
        .arg(dir.path())
        .output()
        .expect("brief runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    let base = format!(
        "file://{}/",
        public.display().to_string().replace(' ', "%20")
    );
    session.goto(&format!("{base}sources/s00500.html"));
    let before = session.js(
        "return Array.from(document.scripts, s => s.src).filter(Boolean);",
        json!([]),
    );
    assert_eq!(
        before.as_array().map(Vec::len),
        Some(1),
        "only brief.js before a search: {before}"
    );
    let results = search(&session, "ledger 777");
    let links: Vec<&str> = results["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        links.iter().any(|l| l.contains("sources/s00777.html")),
        "the source that states the words is found: {results}"
    );
    let loaded = script_bytes(&session);
    assert!(
        loaded < 2_000_000,
        "a query loads under 2 MB of index: {loaded} bytes"
    );
    let found = problems(&session, &base);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn without_javascript_content_links_and_notes_work() {
    let Some(browser) = browser_or_skip("without_javascript") else {
        return;
    };
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &["--blink-settings=scriptEnabled=false"]);
    let base = site.file_url();
    session.goto(&format!("{base}index.html"));
    let page = session.js(
        "return { card: !!document.getElementById('brief-cite-card'), search: getComputedStyle(document.querySelector('form.site-search')).display, cites: document.querySelectorAll('a.cite').length, corroboration: Array.from(document.querySelectorAll('aside.corroboration')).every(a => a.getClientRects().length > 0) };",
        json!([]),
    );
    assert_eq!(page["card"], json!(false), "scripts are really off: {page}");
    assert_eq!(
        page["search"],
        json!("none"),
        "the search box needs JavaScript, so it is hidden: {page}"
    );
    assert_eq!(page["corroboration"], json!(true), "{page}");
    assert!(page["cites"].as_u64() >= Some(10), "{page}");
    let count = follow_every_citation(&session, &base);
    session.goto(&format!("{base}sources/cnbc-trump-altman-call.html"));
    let notes = session.js(
        "return Array.from(document.querySelectorAll('a.ann-num[href^=\"#note-\"]'), a => a.href);",
        json!([]),
    );
    let notes: Vec<String> = notes
        .as_array()
        .expect("note links")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    assert!(!notes.is_empty(), "passages link to their notes");
    for note in &notes {
        session.goto(note);
        let reached = session.js(
            "const t = document.querySelector(':target'); return t && { tag: t.localName, shown: t.getClientRects().length > 0, text: t.textContent };",
            json!([]),
        );
        assert_eq!(
            reached["tag"],
            json!("aside"),
            "{note} reaches its note: {reached}"
        );
        assert_eq!(reached["shown"], json!(true), "{note}: the note is shown");
    }
    println!(
        "without JavaScript: {count} citations and {} notes followed",
        notes.len()
    );
}

/// Layout facts of the current page: overflow (and what overflows), and where the first
/// note sits.
fn layout(session: &Session<'_>) -> Value {
    session.js(
        "const note = document.querySelector('.source-text > details.notes, .briefing > aside.corroboration'); const block = note && note.previousElementSibling; const n = note && note.getBoundingClientRect(); const b = block && block.getBoundingClientRect(); const past = Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.table-scroll, .chart-scroll') && e.getClientRects().length && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.localName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); return { past, scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth, note: n && { left: n.left, top: n.top }, block: b && { right: b.right, top: b.top, bottom: b.bottom } };",
        json!([]),
    )
}

#[test]
fn the_briefing_fits_phones_and_puts_notes_in_the_margin_on_wide_screens() {
    let Some(browser) = browser_or_skip("the_briefing_fits_phones") else {
        return;
    };
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    let base = site.file_url();
    session.color_scheme("light");
    for width in [320, 390, 768, 1280, 1920] {
        session.viewport(width, 900, width < 600);
        for page in site.pages() {
            session.goto(&format!("{base}{page}"));
            let facts = layout(&session);
            assert!(
                facts["scroll"].as_f64() <= facts["width"].as_f64(),
                "{page} has no horizontal scroll at {width} px: {facts}"
            );
        }
        for page in ["index.html", "sources/cnbc-trump-altman-call.html"] {
            session.goto(&format!("{base}{page}"));
            let facts = layout(&session);
            let (note, block) = (&facts["note"], &facts["block"]);
            assert!(
                note.is_object() && block.is_object(),
                "{page} has a note: {facts}"
            );
            if width >= 1280 {
                assert!(
                    note["left"].as_f64() >= block["right"].as_f64(),
                    "{page} at {width} px: the note sits in the margin: {facts}"
                );
                let top = note["top"].as_f64().unwrap_or(f64::MAX);
                assert!(
                    block["top"].as_f64().unwrap_or(0.0) - 2.0 <= top
                        && top < block["bottom"].as_f64().unwrap_or(0.0),
                    "{page} at {width} px: the note starts beside its block: {facts}"
                );
            } else if width <= 768 {
                assert!(
                    note["top"].as_f64() >= block["bottom"].as_f64(),
                    "{page} at {width} px: the note follows its block in place: {facts}"
                );
            }
        }
    }
}

/// Runs axe-core on the current page: its WCAG 2.2 A/AA violations, summarised.
fn axe(session: &Session<'_>, source: &str) -> Vec<String> {
    session.js(&format!("{source}\n;return true;"), json!([]));
    let result = session.js_async(
        "const done = arguments[arguments.length - 1]; axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] }).then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + '\\n    ' + v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join('\\n    ')))).catch(e => done(['axe failed: ' + e]));",
        json!([WCAG_TAGS]),
    );
    result
        .as_array()
        .expect("a list of violations")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[test]
fn axe_finds_no_wcag_violation_in_light_and_dark() {
    let Some(browser) = browser_or_skip("axe_finds_no_wcag_violation") else {
        return;
    };
    let Some(axe_path) = npm_file("BRIEF_AXE", "axe-core/axe.min.js") else {
        skip(
            "axe_finds_no_wcag_violation",
            "axe-core (target/npm/node_modules/axe-core/axe.min.js)",
            "npm install --prefix target/npm axe-core",
        );
        return;
    };
    let source = std::fs::read_to_string(&axe_path).expect("axe-core is readable");
    let site = BuiltSite::build();
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    let base = site.file_url();
    let mut violations = Vec::new();
    for scheme in ["light", "dark"] {
        session.color_scheme(scheme);
        for width in [390, 1280] {
            session.viewport(width, 900, width < 600);
            for page in site.pages() {
                session.goto(&format!("{base}{page}"));
                let scheme_now = session.js(
                    "return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';",
                    json!([]),
                );
                assert_eq!(
                    scheme_now,
                    json!(scheme),
                    "the emulated colour scheme holds"
                );
                violations.extend(
                    axe(&session, &source)
                        .into_iter()
                        .map(|v| format!("{page} ({scheme}, {width} px): {v}")),
                );
            }
            // With a citation card open, its text must meet contrast too.
            session.goto(&format!("{base}index.html"));
            session.js("document.querySelector('a.cite').focus();", json!([]));
            violations.extend(
                axe(&session, &source)
                    .into_iter()
                    .map(|v| format!("index.html with a card ({scheme}, {width} px): {v}")),
            );
        }
        println!(
            "axe-core ({}), {scheme}: {} pages at 390 and 1280 px checked",
            axe_path.display(),
            site.pages().len()
        );
    }
    assert!(
        violations.is_empty(),
        "axe-core finds WCAG 2.2 A/AA violations:\n{}",
        violations.join("\n")
    );
    println!("axe-core: no WCAG 2.2 A/AA violation, light and dark");
}

#[test]
fn the_nu_html_checker_finds_no_error_on_any_page() {
    let Some(java) = find_program("BRIEF_JAVA", &["java"]) else {
        skip(
            "the_nu_html_checker",
            "java",
            "apt-get install default-jre-headless",
        );
        return;
    };
    let Some(vnu) = npm_file("BRIEF_VNU", "vnu-jar/build/dist/vnu.jar") else {
        skip(
            "the_nu_html_checker",
            "vnu.jar (target/npm/node_modules/vnu-jar/build/dist/vnu.jar)",
            "npm install --prefix target/npm vnu-jar",
        );
        return;
    };
    let site = BuiltSite::build();
    let output = Command::new(java)
        .arg("-jar")
        .arg(&vnu)
        .args(["--errors-only", "--skip-non-html"])
        .arg(&site.public)
        .output()
        .expect("java runs");
    let report = String::from_utf8_lossy(&output.stderr)
        .replace(&site.public.display().to_string(), "public");
    assert!(
        output.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker reports errors:\n{report}"
    );
    println!("Nu HTML Checker: no error on {} pages", site.pages().len());
}

#[test]
fn a_site_made_by_init_reads_from_file() {
    let Some(browser) = browser_or_skip("a_site_made_by_init_reads_from_file") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temp folder");
    let root = dir.path().join("news");
    let brief = |args: &[&std::ffi::OsStr]| {
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("brief runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    brief(&["init".as_ref(), root.as_os_str()]);
    brief(&["build".as_ref(), "--root".as_ref(), root.as_os_str()]);
    let public = root.join("public");
    let base = format!(
        "file://{}/",
        public.display().to_string().replace(' ', "%20")
    );
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    session.goto(&format!("{base}index.html"));
    let cites = citations(&session);
    assert_eq!(
        cites.len(),
        1,
        "the example cites one annotation: {cites:?}"
    );
    let (href, ann, _) = &cites[0];
    session.goto(href);
    let reached = target(&session);
    assert_eq!(reached["tag"], json!("mark"), "{reached}");
    assert_eq!(reached["ann"].as_str(), Some(ann.as_str()));
    assert_eq!(reached["shown"], json!(true));
    for page in [
        "index.html",
        "sources/example-gazette.html",
        "annotations.html",
        "print.html",
    ] {
        session.goto(&format!("{base}{page}"));
    }
    let found = problems(&session, &base);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

//! Live reload in a real browser: a page opened from `brief serve` follows a save by itself.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::browser_or_skip;
use super::webdriver::Driver;
use crate::util::Site;

/// `brief serve`, killed when dropped, even when the test fails.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn note(text: &str) -> String {
    format!(
        "- id: pledge\n  kind: figure\n  source: a-source\n  quote: \"$500 billion\"\n  value: 500e9\n  unit: USD\n  note: {text}\n"
    )
}

/// The page is rendered on demand and the save reaches it through the event stream: the
/// source page shows the new note without anyone reloading it.
#[test]
fn a_page_opened_from_serve_shows_a_saved_note_by_itself() {
    let Some(browser) = browser_or_skip("a_page_opened_from_serve_shows_a_saved_note") else {
        return;
    };
    let site = Site::minimal().file("content/annotations/a.yaml", note("The first note."));
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["serve", "--port", "0", "--exit-after", "120", "--root"])
        .arg(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("brief serve starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let server = Serve(child);
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let address = lines
        .find_map(|l| l.strip_prefix("serving ").map(str::to_string))
        .expect("the address");
    lines
        .find(|l| l.starts_with("built in"))
        .expect("a first build");
    let driver = Driver::start(&browser);
    let session = driver.session(&browser, &[]);
    session.goto(&format!("{address}sources/a-source.html"));
    let text = "return document.body.textContent;";
    let shown = session.js(text, json!([]));
    assert!(shown.to_string().contains("The first note."), "{shown}");
    session.js("window.notReloaded = true;", json!([]));
    std::fs::write(
        site.root().join("content/annotations/a.yaml"),
        note("The second note."),
    )
    .expect("saved");
    let deadline = Instant::now() + Duration::from_secs(20);
    let state = loop {
        let state = session.js(
            "return [document.body.textContent.includes('The second note.'), window.notReloaded === true];",
            json!([]),
        );
        if state == json!([true, false]) || Instant::now() > deadline {
            break state;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        state,
        json!([true, false]),
        "the page reloaded with the new note"
    );
    drop(server);
}

//! What open pages follow: the served snapshot, the state of the last build, and the
//! server-sent events and injected script that carry it to the browser.
//!
//! The rebuild loop publishes each outcome to the [`Hub`]; every `/__brief/events` connection
//! waits on it and writes one event per change. A page knows the generation it was served at,
//! so a page that loaded just before a rebuild still reloads when it connects after it.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;

use super::demand::SiteFiles;
use super::http::EVENTS_PATH;
use crate::diagnostics::{Diagnostics, Severity};

/// A good build, held in memory so a rebuild swaps the whole site at once and no request can
/// see a half-written folder.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// 0 until the first good build, then one more per good build.
    pub generation: u64,
    /// The files of the site, by `/`-separated path, made as they are asked for.
    pub files: SiteFiles,
}

/// One message to open pages, as the browser's `EventSource` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// Sent on connecting while the last build was good: the generation being served.
    Hello(u64),
    /// A good build replaced the site.
    Reload(u64),
    /// The last build failed; the JSON of its diagnostics.
    ///
    /// Named `build-error` on the wire: `error` is the name `EventSource` itself uses for a
    /// lost connection, and a page could not tell the two apart.
    BuildError(String),
}

impl LiveEvent {
    /// The event in the `text/event-stream` format: one `data:` line, since the JSON inside
    /// never holds a line break (serde_json escapes them).
    pub fn to_wire(&self) -> String {
        let (name, data) = match self {
            LiveEvent::Hello(generation) => ("hello", generation_json(*generation)),
            LiveEvent::Reload(generation) => ("reload", generation_json(*generation)),
            LiveEvent::BuildError(json) => ("build-error", json.clone()),
        };
        format!("event: {name}\ndata: {data}\n\n")
    }
}

fn generation_json(generation: u64) -> String {
    format!("{{\"generation\":{generation}}}")
}

#[derive(Debug, Default)]
struct State {
    snapshot: Arc<Snapshot>,
    failure: Option<String>,
    /// Bumped on every published outcome, so a waiting connection knows it has news.
    version: u64,
}

/// The meeting point of the rebuild loop and the connections.
#[derive(Debug, Default)]
pub struct Hub {
    state: Mutex<State>,
    changed: Condvar,
}

impl Hub {
    /// A poisoned lock only means a connection thread panicked mid-read; the state itself is
    /// always whole (every write replaces it in one assignment), so it is safe to go on.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The site to answer requests from.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.lock().snapshot)
    }

    /// Swaps in a good build and tells every page to reload.
    pub fn publish_site(&self, files: SiteFiles) {
        let mut state = self.lock();
        let generation = state.snapshot.generation + 1;
        state.snapshot = Arc::new(Snapshot { generation, files });
        state.failure = None;
        state.version += 1;
        self.changed.notify_all();
    }

    /// Keeps the last good site and tells every page to show the diagnostics.
    pub fn publish_failure(&self, diagnostics: &Diagnostics) {
        let mut state = self.lock();
        state.failure = Some(failure_json(state.snapshot.generation, diagnostics));
        state.version += 1;
        self.changed.notify_all();
    }

    /// What a page that connects now is told first, and the version it reflects.
    pub fn greeting(&self) -> (u64, LiveEvent) {
        let state = self.lock();
        let event = match &state.failure {
            Some(json) => LiveEvent::BuildError(json.clone()),
            None => LiveEvent::Hello(state.snapshot.generation),
        };
        (state.version, event)
    }

    /// Waits up to `timeout` for an outcome newer than `seen`.
    pub fn wait_for_change(&self, seen: u64, timeout: Duration) -> Option<(u64, LiveEvent)> {
        let guard = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |state| state.version == seen)
            .unwrap_or_else(PoisonError::into_inner);
        if state.version == seen {
            return None;
        }
        let event = match &state.failure {
            Some(json) => LiveEvent::BuildError(json.clone()),
            None => LiveEvent::Reload(state.snapshot.generation),
        };
        Some((state.version, event))
    }
}

/// One diagnostic as the overlay shows it; every field is text the page inserts with
/// `textContent`, so nothing from a content file is ever parsed as HTML.
#[derive(Debug, Serialize)]
struct OverlayItem<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    line_text: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Debug, Serialize)]
struct Overlay<'a> {
    generation: u64,
    diagnostics: Vec<OverlayItem<'a>>,
}

fn failure_json(generation: u64, diagnostics: &Diagnostics) -> String {
    let overlay = Overlay {
        generation,
        diagnostics: diagnostics
            .sorted()
            .into_iter()
            .map(|d| OverlayItem {
                severity: d.severity,
                code: d.code,
                message: &d.message,
                file: d.location.as_ref().map(|l| l.file.display().to_string()),
                line: d.location.as_ref().map(|l| l.line),
                column: d.location.as_ref().map(|l| l.column),
                line_text: d.location.as_ref().map(|l| l.line_text.as_str()),
                help: d.help.as_deref(),
                notes: &d.notes,
            })
            .collect(),
    };
    // Serializing plain strings and numbers cannot fail; an empty overlay is the safe fallback.
    serde_json::to_string(&overlay)
        .unwrap_or_else(|_| format!("{{\"generation\":{generation},\"diagnostics\":[]}}"))
}

/// The script that follows `/__brief/events`: it reloads on a new build and shows or hides
/// the error overlay. Plain ES5 and DOM calls, so any browser an editor previews in runs it.
const SCRIPT: &str = r#"<script id="__brief-live">
(function () {
  var mine = __GENERATION__;
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function add(parent, tag, text, css) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (css) { el.style.cssText = css; }
    parent.appendChild(el);
    return el;
  }
  function show(state) {
    hide();
    overlay = document.createElement('div');
    overlay.id = '__brief-overlay';
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText = 'position:fixed;top:0;left:0;right:0;max-height:70vh;overflow:auto;z-index:2147483647;background:#fff4f4;color:#1a1a1a;border-bottom:3px solid #c00;padding:1em 1.5em;font:14px/1.45 ui-monospace,monospace;box-shadow:0 2px 12px rgba(0,0,0,.25)';
    var close = add(overlay, 'button', '\u00d7', 'float:right;font-size:20px;border:0;background:none;cursor:pointer');
    close.setAttribute('aria-label', 'Hide');
    close.onclick = hide;
    add(overlay, 'strong', 'brief: the last build failed. The page shows the last good build.', 'display:block;margin-bottom:.75em');
    state.diagnostics.forEach(function (d) {
      var item = add(overlay, 'div', '', 'margin:.75em 0;padding-top:.5em;border-top:1px solid #e5b5b5');
      add(item, 'div', d.severity + '[' + d.code + ']: ' + d.message, 'font-weight:bold;color:' + (d.severity === 'error' ? '#a00' : '#850'));
      if (d.file) { add(item, 'div', '--> ' + d.file + ':' + d.line + ':' + d.column); }
      if (d.line_text) { add(item, 'pre', d.line_text, 'margin:.25em 0;padding:.25em .5em;background:#fff;white-space:pre-wrap'); }
      d.notes.forEach(function (n) { add(item, 'div', 'note: ' + n); });
      if (d.help) { add(item, 'div', 'help: ' + d.help, 'color:#064'); }
    });
    (document.body || document.documentElement).appendChild(overlay);
  }
  if (!window.EventSource) { return; }
  var events = new EventSource('__EVENTS__');
  events.addEventListener('hello', function (e) {
    if (JSON.parse(e.data).generation !== mine) { location.reload(); } else { hide(); }
  });
  events.addEventListener('reload', function () { location.reload(); });
  events.addEventListener('build-error', function (e) {
    var state = JSON.parse(e.data);
    if (state.generation !== mine) { location.reload(); } else { show(state); }
  });
})();
</script>
"#;

/// The page with the live script inserted before its last `</body>`, or at its end when it has
/// none. Only the server calls this, on the way out: built files never hold the script.
pub fn inject_script(html: &[u8], generation: u64) -> Vec<u8> {
    let script = SCRIPT
        .replace("__GENERATION__", &generation.to_string())
        .replace("__EVENTS__", EVENTS_PATH);
    let at = last_body_close(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn last_body_close(html: &[u8]) -> Option<usize> {
    const TAG: &[u8] = b"</body>";
    html.windows(TAG.len())
        .rposition(|window| window.eq_ignore_ascii_case(TAG))
}

/// The page served before any build has succeeded: the overlay explains what to fix, and the
/// first good build reloads it into the site.
pub fn waiting_page(generation: u64) -> Vec<u8> {
    holding_page(
        generation,
        "waiting for a good build",
        "the site has not built yet",
    )
}

/// The page served for a page that failed to render when asked for: like a failed build, the
/// overlay shows why and a good build reloads it.
pub fn failed_page(generation: u64) -> Vec<u8> {
    holding_page(
        generation,
        "this page failed to render",
        "this page failed to render",
    )
}

fn holding_page(generation: u64, title: &str, what: &str) -> Vec<u8> {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>brief serve: {title}</title></head>\n<body>\n<p>brief serve: {what}. The errors are shown above and in the terminal; this page reloads as soon as a build succeeds.</p>\n</body>\n</html>\n"
    );
    inject_script(page.as_bytes(), generation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Location};
    use std::path::Path;

    #[test]
    fn script_goes_before_the_last_body_close() {
        let page = inject_script(b"<html><body><p>x</p></BODY></html>", 7);
        let text = String::from_utf8(page).expect("utf-8 in, utf-8 out");
        let script = text.find("<script id=\"__brief-live\">").expect("injected");
        assert!(script < text.find("</BODY>").expect("kept"), "{text}");
        assert!(text.contains("var mine = 7;"));
    }

    #[test]
    fn script_is_appended_to_a_page_without_body() {
        let text = String::from_utf8(inject_script(b"<p>x</p>", 1)).expect("utf-8");
        assert!(text.starts_with("<p>x</p><script"), "{text}");
    }

    #[test]
    fn failure_event_is_one_line_of_json_with_the_place() {
        let text = "---\ntitel: <b>x</b>\n---\n";
        let diagnostics: Diagnostics = [Diagnostic::error("E003", "unknown key `titel`\nsecond")
            .at(Location::from_range(
                Path::new("content/index.md"),
                text,
                4..9,
            ))
            .help("did you mean `title`?")]
        .into_iter()
        .collect();
        let hub = Hub::default();
        hub.publish_failure(&diagnostics);
        let (_, event) = hub.greeting();
        let wire = event.to_wire();
        assert!(wire.starts_with("event: build-error\ndata: {"), "{wire}");
        assert_eq!(wire.matches('\n').count(), 3, "one data line: {wire}");
        assert!(wire.contains(r#""file":"content/index.md","line":2,"column":1"#));
        assert!(wire.contains(r#""line_text":"titel: <b>x</b>""#));
    }

    #[test]
    fn waiting_connection_sees_each_outcome() {
        let hub = Hub::default();
        let (seen, greeting) = hub.greeting();
        assert_eq!(greeting, LiveEvent::Hello(0));
        assert_eq!(hub.wait_for_change(seen, Duration::from_millis(1)), None);
        hub.publish_site(SiteFiles::default());
        let (seen, event) = hub
            .wait_for_change(seen, Duration::from_millis(1))
            .expect("a new build");
        assert_eq!(event, LiveEvent::Reload(1));
        hub.publish_failure(&Diagnostics::default());
        let (_, event) = hub
            .wait_for_change(seen, Duration::from_millis(1))
            .expect("a failed build");
        assert!(matches!(event, LiveEvent::BuildError(json) if json.contains("\"generation\":1")));
    }
}

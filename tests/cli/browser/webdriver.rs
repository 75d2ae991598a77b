//! A small blocking WebDriver client for chromedriver, speaking the W3C JSON protocol over
//! loopback HTTP with `ureq` (a maintained blocking client: no async runtime for a handful of
//! commands). The driver process is started on a free loopback port and killed when the
//! guard is dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// How long one WebDriver command may take before the test fails instead of hanging.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// How long chromedriver may take to answer its first `/status`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Chromium and chromedriver, when both are installed.
#[derive(Debug, Clone)]
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Browser {
    /// Finds Debian's `chromium` and `chromedriver` (or `BRIEF_CHROMIUM`/`BRIEF_CHROMEDRIVER`).
    pub fn find() -> Option<Browser> {
        let chromium = find_program("BRIEF_CHROMIUM", &["chromium", "chromium-browser"])?;
        let chromedriver = find_program("BRIEF_CHROMEDRIVER", &["chromedriver"])?;
        Some(Browser {
            chromium,
            chromedriver,
        })
    }
}

/// `$var`, else the first of `names` on `PATH`.
pub fn find_program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A running chromedriver, killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver on a free loopback port and waits until it answers.
    pub fn start(browser: &Browser) -> Driver {
        let port = free_port();
        let child = Command::new(&browser.chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver { child, port };
        let started = Instant::now();
        loop {
            if let Ok((200, body)) = driver.request("GET", "/status", None)
                && body["value"]["ready"] == json!(true)
            {
                return driver;
            }
            assert!(
                started.elapsed() < STARTUP_TIMEOUT,
                "chromedriver did not answer within {STARTUP_TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One HTTP request to the driver: status and parsed JSON body (null when empty).
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), ureq::Error> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(COMMAND_TIMEOUT))
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let payload = body.map(Value::to_string).unwrap_or_default();
        let mut response = match method {
            "GET" => agent.get(&url).call()?,
            "DELETE" => agent.delete(&url).call()?,
            _ => agent
                .post(&url)
                .header("Content-Type", "application/json; charset=utf-8")
                .send(payload)?,
        };
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string()?;
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(ureq::Error::Json)?
        };
        Ok((status, value))
    }

    /// Opens a browser session with `args` added to the usual headless flags.
    pub fn session(&self, browser: &Browser, extra_args: &[&str]) -> Session<'_> {
        let profile = tempfile::tempdir().expect("a temp profile folder");
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-component-extensions-with-background-pages",
            "--disable-default-apps",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.extend(extra_args.iter().map(|s| s.to_string()));
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "timeouts": { "script": 60_000, "pageLoad": 30_000, "implicit": 0 },
                "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
                "goog:chromeOptions": {
                    "binary": browser.chromium,
                    "args": args,
                    "perfLoggingPrefs": { "enableNetwork": true, "enablePage": false },
                },
            }}
        });
        let (status, body) = self
            .request("POST", "/session", Some(&capabilities))
            .expect("chromedriver answers");
        assert_eq!(status, 200, "a session starts: {body}");
        let id = body["value"]["sessionId"]
            .as_str()
            .expect("a new session has an id")
            .to_string();
        Session {
            driver: self,
            id,
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1, as the system hands it out.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// One browser session, deleted on drop.
pub struct Session<'d> {
    driver: &'d Driver,
    id: String,
    _profile: tempfile::TempDir,
}

impl Session<'_> {
    /// Runs a session command and returns its `value`; a WebDriver error fails the test.
    pub fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.id);
        let (status, answer) = self
            .driver
            .request(method, &full, body.as_ref())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(status, 200, "{method} {path} failed: {answer}");
        answer["value"].clone()
    }

    /// Navigates and waits for the load event.
    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs `script`, which calls `arguments[arguments.length - 1](result)` when done.
    pub fn js_async(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    /// The first element matching `css`, as a WebDriver element reference.
    pub fn find(&self, css: &str) -> Value {
        let found = self.command(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found
            .as_object()
            .expect("an element reference")
            .values()
            .next()
            .cloned()
            .expect("an element id")
    }

    /// Types `text` into the element, as a user would.
    pub fn type_into(&self, element: &Value, text: &str) {
        let id = element.as_str().expect("an element id");
        self.command(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Presses and releases one key (a WebDriver key code such as `\u{E00C}` for Escape).
    pub fn press(&self, key: &str) {
        self.command(
            "POST",
            "/actions",
            Some(
                json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                    { "type": "keyDown", "value": key },
                    { "type": "keyUp", "value": key },
                ]}]}),
            ),
        );
        self.command("DELETE", "/actions", None);
    }

    /// Moves the mouse pointer to the middle of the first element matching `css`, in
    /// viewport coordinates measured by the page (chromedriver's own element origin misses
    /// under device-metrics emulation).
    pub fn hover(&self, css: &str) {
        let centre = self.js(
            "const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: 'center', behavior: 'instant' }); const r = e.getClientRects()[0]; return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
            json!([css]),
        );
        self.command(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "pointer", "id": "mouse",
                "parameters": { "pointerType": "mouse" },
                "actions": [{ "type": "pointerMove", "duration": 0,
                    "x": centre[0], "y": centre[1], "origin": "viewport" }] }]})),
        );
    }

    /// Sets the viewport to exactly `width` x `height` CSS pixels.
    pub fn viewport(&self, width: u32, height: u32, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
    }

    /// Emulates `prefers-color-scheme`.
    pub fn color_scheme(&self, scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
    }

    /// A PNG of the viewport, saved at `path`.
    pub fn screenshot(&self, path: &Path) {
        let encoded = self.command("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("a base64 screenshot"))
            .expect("valid base64");
        assert!(bytes.starts_with(b"\x89PNG"), "the screenshot is a PNG");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir screenshots");
        std::fs::write(path, bytes).expect("write the screenshot");
    }

    /// The log entries of `kind` ("browser" or "performance") since the last call.
    pub fn logs(&self, kind: &str) -> Vec<Value> {
        self.command("POST", "/se/log", Some(json!({ "type": kind })))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .request("DELETE", &format!("/session/{}", self.id), None);
    }
}

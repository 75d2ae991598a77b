//! A small blocking WebDriver client for chromedriver, speaking the W3C JSON protocol over a
//! plain loopback HTTP/1.1 connection: one request per connection, no async runtime, no
//! dependency beyond serde_json. The driver process is started on a free loopback port and
//! killed when the guard is dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

    /// One HTTP request to the driver: status and parsed JSON body.
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(COMMAND_TIMEOUT))?;
        stream.set_write_timeout(Some(COMMAND_TIMEOUT))?;
        let payload = body.map(Value::to_string).unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
            port = self.port,
            len = payload.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(payload.as_bytes())?;
        let raw = read_response(&mut stream)?;
        parse_response(&raw)
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

/// Reads one response: chromedriver keeps connections open, so read by `Content-Length`
/// (or to the last chunk), not to the end of the stream.
fn read_response(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let body = raw.len() - split - 4;
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let complete = match length {
                Some(length) => body >= length,
                None if head.contains("chunked") => raw.ends_with(b"0\r\n\r\n"),
                None => false,
            };
            if complete {
                return Ok(raw);
            }
        }
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(&buffer[..read]);
    }
}

/// Status and JSON body of a raw HTTP/1.1 response (with or without chunked encoding).
fn parse_response(raw: &[u8]) -> std::io::Result<(u16, Value)> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut body = raw[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("no status"))?;
    if head
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("transfer-encoding:") && l.contains("chunked"))
    {
        body = dechunk(&body);
    }
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| invalid(&e.to_string()))?
    };
    Ok((status, value))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(body.len());
        out.extend_from_slice(&body[start..end]);
        body = &body[(end + 2).min(body.len())..];
    }
    out
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
        let bytes = base64_decode(encoded.as_str().expect("a base64 screenshot"));
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

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

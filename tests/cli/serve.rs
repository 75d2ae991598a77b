//! `brief serve`, end to end: the real binary on an ephemeral loopback port, driven with raw
//! HTTP over `TcpStream`. Every read has a timeout, every server is killed by a guard when its
//! test ends (and stops by itself after `--exit-after` in any case), so nothing can hang CI.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::{BRIEFING, SOURCE, Site};

/// Long enough for a build on a loaded CI machine; reached only when something is wrong.
const WAIT: Duration = Duration::from_secs(20);
/// The bound on any server a test starts, even if the test itself dies without cleaning up.
const EXIT_AFTER: &str = "120";

/// A running `brief serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    /// Lines from stdout and stderr, in arrival order per stream.
    log: Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["serve", "--port", "0", "--exit-after", EXIT_AFTER])
            .args(extra)
            .arg("--root")
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("brief serve starts");
        let (sender, log) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for (stream, tag) in [
            (Box::new(stdout) as Box<dyn Read + Send>, "out"),
            (Box::new(stderr), "err"),
        ] {
            let sender = sender.clone();
            thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if sender.send(format!("{tag}: {line}")).is_err() {
                        break;
                    }
                }
            });
        }
        let mut server = Server {
            child,
            port: 0,
            log,
            seen: Vec::new(),
        };
        let first = server
            .wait_for_line(|l| l.starts_with("out: serving http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no serving line; log:\n{}", server.seen.join("\n")));
        server.port = first
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("a port in {first}"));
        server
    }

    /// The next log line matching `wanted`, within [`WAIT`].
    fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let line = self.log.recv_timeout(left).ok()?;
            self.seen.push(line.clone());
            if wanted(&line) {
                return Some(line);
            }
        }
        None
    }

    /// Every log line that arrives within `period`.
    fn lines_during(&mut self, period: Duration) -> Vec<String> {
        let deadline = Instant::now() + period;
        let mut lines = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        self.seen.extend(lines.iter().cloned());
        lines
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects to the server");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("read timeout");
        stream
            .set_write_timeout(Some(Duration::from_secs(5)))
            .expect("write timeout");
        stream
    }

    /// Sends `request` as it is (no client normalises the path) and reads the whole answer.
    fn raw(&self, request: &str) -> Response {
        let mut stream = self.connect();
        stream.write_all(request.as_bytes()).expect("request sent");
        let mut bytes = Vec::new();
        stream
            .read_to_end(&mut bytes)
            .expect("the whole response, before the timeout");
        Response::parse(&bytes)
    }

    fn request(&self, method: &str, path: &str) -> Response {
        self.raw(&format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path)
    }

    fn events(&self) -> Events {
        let mut stream = self.connect();
        stream
            .write_all(b"GET /__brief/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .expect("subscribed");
        let mut events = Events {
            stream,
            buffer: Vec::new(),
        };
        let head = events
            .take_until(b"\r\n\r\n", Duration::from_secs(5))
            .expect("event stream headers");
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("Content-Type: text/event-stream"), "{head}");
        events
    }
}

impl Drop for Server {
    /// Asks politely first (SIGTERM, which the server treats like Ctrl-C, removing its
    /// temporary build), then kills: a test must never leave a server behind.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line in {head:?}"));
        Response {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// An `/__brief/events` subscription read with a raw socket.
struct Events {
    stream: TcpStream,
    buffer: Vec<u8>,
}

/// One server-sent event: its name and its data.
#[derive(Debug)]
struct Event {
    name: String,
    data: String,
}

impl Events {
    /// The bytes up to and including `end`, or `None` at `timeout` or end of stream.
    fn take_until(&mut self, end: &[u8], timeout: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = self.buffer.windows(end.len()).position(|w| w == end) {
                return Some(self.buffer.drain(..at + end.len()).collect());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(10))))
                .ok()?;
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return None,
            }
        }
    }

    /// The next named event within `timeout` (comments and `retry:` are skipped).
    fn next(&mut self, timeout: Duration) -> Option<Event> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let block = self.take_until(b"\n\n", left)?;
            let block = String::from_utf8_lossy(&block);
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(str::to_string)
            };
            if let Some(name) = field("event: ") {
                let data = field("data: ").unwrap_or_default();
                return Some(Event { name, data });
            }
        }
    }

    /// The next event, which must be called `name`.
    fn expect(&mut self, name: &str) -> Event {
        let event = self
            .next(WAIT)
            .unwrap_or_else(|| panic!("no `{name}` event within {WAIT:?}"));
        assert_eq!(event.name, name, "{event:?}");
        event
    }

    /// Every event within `period`.
    fn all_during(&mut self, period: Duration) -> Vec<Event> {
        let deadline = Instant::now() + period;
        let mut events = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next(left) {
                Some(event) => events.push(event),
                None => break,
            }
        }
        events
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

fn briefing(body: &str) -> String {
    format!("---\ntitle: A briefing\n---\n\n{body}\n")
}

/// Writes a file of the site the way an editor saves it: the whole file at once.
fn save(site: &Site, path: &str, text: &str) {
    let path = site.root().join(path);
    std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
    std::fs::write(path, text).expect("saved");
}

const ANNOTATION: &str = "- id: pledge\n  kind: figure\n  source: a-source\n  quote: \"$500 billion\"\n  value: 500e9\n  unit: USD\n";

#[test]
fn serve_injects_the_reload_script_only_into_responses() {
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 200, "{}", page.head);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    assert!(page.body.contains("A briefing"), "{}", page.body);
    let script = page.body.find("__brief-live").expect("the reload script");
    assert!(script < page.body.rfind("</body>").expect("a body"));
    assert!(page.body.contains("/__brief/events"));
    assert_eq!(server.get("/index.html").body, page.body);

    let head = server.request("HEAD", "/");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "", "HEAD has no body");
    assert_eq!(
        head.header("Content-Length"),
        Some(page.body.len().to_string().as_str())
    );

    let css = server.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("__brief"));
    let source = server.get("/sources/a-source.html");
    assert!(source.body.contains("__brief-live"));

    let entries: Vec<_> = std::fs::read_dir(site.root())
        .expect("the site folder")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, ["content"], "serve leaves nothing in the site");
    site.build();
    let built = std::fs::read_to_string(site.root().join("public/index.html")).expect("built");
    assert!(built.contains("A briefing"));
    assert!(
        !built.contains("__brief"),
        "build output has no reload script"
    );
}

#[test]
fn serve_answers_nothing_outside_the_site() {
    let site = Site::minimal().file("secret.txt", "root:x:0:0 secret");
    let server = Server::start(&site, &[]);
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/..%5c..%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "/sources/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/index.html%00.png",
        "//etc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/content/index.md",
        "http://127.0.0.1/../../etc/passwd",
        "../secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2e%2e%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%af..%c0%afsecret.txt",
        "/%252e%252e/secret.txt",
        "/..%00/secret.txt",
    ] {
        let response = server.get(path);
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {}",
            response.head
        );
        assert!(
            !response.body.contains("root:"),
            "{path} leaked a file:\n{}",
            response.body
        );
    }
    assert_eq!(server.request("POST", "/").status, 405);
    assert_eq!(server.request("DELETE", "/index.html").status, 405);
    assert_eq!(server.raw("nonsense\r\n\r\n").status, 400);
    assert_eq!(server.get("/").status, 200, "still serving");
}

/// DNS rebinding: a page on a name its author controls, resolved to 127.0.0.1, must not read
/// the preview; loopback names and addresses still do.
#[test]
fn only_requests_for_this_machine_are_answered() {
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let with_host = |host: &str| {
        server.raw(&format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    };
    for foreign in [
        "evil.example",
        "evil.example:80",
        "localhost.evil.example",
        "10.0.0.1",
    ] {
        let response = with_host(foreign);
        assert_eq!(response.status, 403, "Host: {foreign}");
        assert!(!response.body.contains("A briefing"), "Host: {foreign}");
    }
    let port = server.port;
    for local in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".to_string(),
    ] {
        assert_eq!(with_host(&local).status, 200, "Host: {local}");
    }
    assert_eq!(
        server.raw("GET / HTTP/1.1\r\n\r\n").status,
        400,
        "HTTP/1.1 needs a Host"
    );
    assert_eq!(server.raw("GET / HTTP/1.0\r\n\r\n").status, 200);
}

#[test]
fn oversized_requests_are_refused() {
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let long_url = server.raw(&format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(100_000)
    ));
    assert_eq!(long_url.status, 414, "{}", long_url.head);
    let long_head = server.raw(&format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
        "X-Filler: 0123456789012345678901234567890123456789\r\n".repeat(2_500)
    ));
    assert_eq!(long_head.status, 431, "{}", long_head.head);
    assert_eq!(server.get("/").status, 200, "still serving");
}

/// Slow clients (one byte every 200 ms, more of them than the old 128 slots) are cut off once
/// their request has taken too long, and other readers are served all the while.
#[test]
fn slow_clients_are_cut_off_while_others_are_served() {
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let mut slow: Vec<Option<TcpStream>> = (0..150)
        .map(|_| {
            let stream = server.connect();
            stream.set_nonblocking(true).expect("non-blocking");
            Some(stream)
        })
        .collect();
    let drip = b"GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut_off = Vec::new();
    // Bounded: the head deadline is seconds; this gives up long after it.
    for (round, byte) in drip.iter().cycle().take(300).enumerate() {
        for slot in &mut slow {
            let Some(stream) = slot else { continue };
            let mut buffer = [0u8; 256];
            let closed = match stream.read(&mut buffer) {
                Ok(n) => {
                    cut_off.push(String::from_utf8_lossy(&buffer[..n]).into_owned());
                    true
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    stream.write_all(&[*byte]).is_err()
                }
                Err(_) => true,
            };
            if closed {
                *slot = None;
            }
        }
        if slow.iter().all(Option::is_none) {
            break;
        }
        if round % 5 == 0 {
            assert_eq!(server.get("/").status, 200, "a reader among slow clients");
        }
        thread::sleep(Duration::from_millis(200));
    }
    assert!(
        slow.iter().all(Option::is_none),
        "{} slow clients still connected",
        slow.iter().flatten().count()
    );
    assert!(
        cut_off
            .iter()
            .all(|answer| answer.is_empty() || answer.starts_with("HTTP/1.1 408")),
        "{cut_off:#?}"
    );
}

#[test]
fn two_hundred_concurrent_requests_are_all_served() {
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let port = server.port;
    let clients: Vec<_> = (0..200)
        .map(|_| thread::spawn(move || index_status(port)))
        .collect();
    let statuses: Vec<u16> = clients
        .into_iter()
        .map(|c| c.join().expect("a client thread"))
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}

#[test]
fn unknown_paths_get_the_sites_404_page() {
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let missing = server.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "{}", missing.body);
    assert!(missing.body.contains("__brief-live"));
    let jsonld = server.get("/annotations.jsonld");
    if jsonld.status == 200 {
        assert_eq!(jsonld.header("Content-Type"), Some("application/ld+json"));
    }
}

/// Issue 5, "Done when": add an annotation, see it appear, break a file and see where, fix it.
#[test]
fn editor_adds_breaks_and_fixes_while_the_page_follows() {
    let site = Site::minimal();
    let mut server = Server::start(&site, &[]);
    let mut events = server.events();
    let hello = events.expect("hello");
    assert!(hello.data.contains("\"generation\":1"), "{hello:?}");

    save(&site, "content/annotations/a-source.yaml", ANNOTATION);
    save(
        &site,
        "content/index.md",
        &briefing("Son pledged [$500 billion](@pledge)."),
    );
    events.expect("reload");
    let wait_for_page = |server: &Server, path: &str, wanted: &str| {
        let deadline = Instant::now() + WAIT;
        loop {
            let page = server.get(path);
            if page.body.contains(wanted) || Instant::now() > deadline {
                return page;
            }
            thread::sleep(Duration::from_millis(50));
        }
    };
    let page = wait_for_page(&server, "/", "cite-pledge-1");
    assert!(page.body.contains("cite-pledge-1"), "{}", page.body);
    let source = server.get("/sources/a-source.html");
    assert!(source.body.contains("ann-pledge"), "{}", source.body);
    server
        .wait_for_line(|l| l.starts_with("out: rebuilt in "))
        .expect("a rebuilt line");

    save(
        &site,
        "content/index.md",
        "---\ntitel: A briefing\n---\n\nSon pledged [$500 billion](@pledge).\n",
    );
    let error = events.expect("build-error");
    assert!(
        error.data.contains(r#""file":"content/index.md","line":2"#),
        "{error:?}"
    );
    assert!(error.data.contains("titel"), "{error:?}");
    assert!(error.data.contains("did you mean"), "{error:?}");
    server
        .wait_for_line(|l| l.starts_with("err: rebuild failed with 1 error"))
        .expect("a failure line");
    let kept = server.get("/");
    assert_eq!(kept.status, 200);
    assert!(kept.body.contains("cite-pledge-1"), "the last good page");
    let mut late = server.events();
    let greeting = late.expect("build-error");
    assert_eq!(
        greeting.data, error.data,
        "a page opened now sees the overlay"
    );

    save(
        &site,
        "content/index.md",
        &briefing("Fixed: [$500 billion](@pledge)."),
    );
    events.expect("reload");
    late.expect("reload");
    let fixed = wait_for_page(&server, "/", "Fixed:");
    assert!(fixed.body.contains("Fixed:"), "{}", fixed.body);
}

#[test]
fn a_flood_of_saves_gives_few_rebuilds() {
    let site = Site::minimal();
    let mut server = Server::start(&site, &[]);
    let mut events = server.events();
    events.expect("hello");
    server
        .wait_for_line(|l| l.starts_with("out: built in "))
        .expect("the first build");
    for n in 0..50 {
        save(&site, "content/index.md", &briefing(&format!("Save {n}.")));
        thread::sleep(Duration::from_millis(20));
    }
    let lines = server.lines_during(Duration::from_secs(3));
    let rebuilds = lines
        .iter()
        .filter(|l| l.starts_with("out: rebuilt") || l.starts_with("err: rebuild failed"))
        .count();
    let reloads = events
        .all_during(Duration::from_millis(200))
        .iter()
        .filter(|e| e.name == "reload")
        .count();
    println!("50 saves in about a second: {rebuilds} rebuilds, {reloads} reload events");
    assert!(
        (1..=6).contains(&rebuilds),
        "{rebuilds} rebuilds: {lines:#?}"
    );
    assert!(
        reloads <= rebuilds,
        "{reloads} reloads for {rebuilds} rebuilds"
    );
    assert!(
        server.get("/").body.contains("Save 49."),
        "the last save wins"
    );
}

#[test]
fn deleted_and_renamed_files_are_reported_and_the_site_stays_up() {
    let site = Site::minimal().file("content/annotations/a-source.yaml", ANNOTATION);
    let mut server = Server::start(&site, &[]);
    let annotations = site.root().join("content/annotations");
    std::fs::rename(
        annotations.join("a-source.yaml"),
        annotations.join("renamed.yaml"),
    )
    .expect("renamed");
    server
        .wait_for_line(|l| {
            l == "out: renamed content/annotations/a-source.yaml -> content/annotations/renamed.yaml; rebuilding"
        })
        .unwrap_or_else(|| panic!("no rename line:\n{}", server.seen.join("\n")));
    std::fs::remove_file(annotations.join("renamed.yaml")).expect("removed");
    server
        .wait_for_line(|l| l == "out: removed content/annotations/renamed.yaml; rebuilding")
        .unwrap_or_else(|| panic!("no removal line:\n{}", server.seen.join("\n")));
    server
        .wait_for_line(|l| l.starts_with("out: rebuilt"))
        .expect("rebuilt without the file");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_site_that_never_built_waits_with_the_errors_then_loads() {
    let site = Site::minimal().file("content/index.md", "---\ntitel: x\n---\n");
    let server = Server::start(&site, &[]);
    let waiting = server.get("/");
    assert_eq!(waiting.status, 503);
    assert!(waiting.body.contains("__brief-live"), "{}", waiting.body);
    let mut events = server.events();
    let error = events.expect("build-error");
    assert!(error.data.contains("content/index.md"), "{error:?}");
    save(&site, "content/index.md", BRIEFING);
    events.expect("reload");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn poll_mode_sees_changes_too() {
    let site = Site::minimal();
    let server = Server::start(&site, &["--poll"]);
    let mut events = server.events();
    events.expect("hello");
    // Polling compares modification times; make sure the edit's time differs.
    thread::sleep(Duration::from_millis(1100));
    save(&site, "content/index.md", &briefing("Polled."));
    events.expect("reload");
    assert!(server.get("/").body.contains("Polled."));
}

#[test]
fn a_port_in_use_is_named_with_a_way_out() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = taken.local_addr().expect("bound").port().to_string();
    let site = Site::minimal();
    let run = site.brief(&["serve", "--port", &port, "--exit-after", "10"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!("port {port}")),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("--port"), "{}", run.stderr());
}

#[test]
fn stops_by_itself_after_exit_after() {
    let site = Site::minimal();
    let run = site.brief(&["serve", "--port", "0", "--exit-after", "1"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stdout().starts_with("serving http://127.0.0.1:"));
    assert!(run.stdout().ends_with("stopped\n"), "{}", run.stdout());
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_a_termination_signal() {
    let site = Site::minimal();
    let mut server = Server::start(&site, &[]);
    server
        .wait_for_line(|l| l.starts_with("out: built in "))
        .expect("the first build");
    let _events = server.events();
    let sent = Command::new("kill")
        .arg(server.child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(sent.success());
    server
        .wait_for_line(|l| l == "out: stopped")
        .unwrap_or_else(|| panic!("no clean stop:\n{}", server.seen.join("\n")));
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("waitable") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

/// Save-to-reload time on the real briefing: not a pass/fail figure, a measurement to read.
/// `cargo test --test cli serve_latency -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check; run by hand"]
fn serve_latency_on_the_real_briefing() {
    let mut site = Site::empty();
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.expect("readable content");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&content).expect("inside");
            let text = std::fs::read(entry.path()).expect("readable file");
            site = site.file(&format!("content/{}", relative.display()), text);
        }
    }
    let annotation = walkdir::WalkDir::new(site.root().join("content/annotations"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .expect("the briefing has annotation files")
        .into_path();
    let original = std::fs::read_to_string(&annotation).expect("readable");
    let mut server = Server::start(&site, &[]);
    let mut events = server.events();
    events.expect("hello");
    let mut times = Vec::new();
    for n in 0..20 {
        let saved = Instant::now();
        std::fs::write(&annotation, format!("{original}\n# edit {n}\n")).expect("saved");
        events.expect("reload");
        let reloaded = saved.elapsed();
        server.get("/");
        times.push((reloaded, saved.elapsed()));
        thread::sleep(Duration::from_millis(300));
    }
    let mut events_ms: Vec<u128> = times.iter().map(|t| t.0.as_millis()).collect();
    let mut pages_ms: Vec<u128> = times.iter().map(|t| t.1.as_millis()).collect();
    events_ms.sort_unstable();
    pages_ms.sort_unstable();
    let builds: Vec<_> = server
        .lines_during(Duration::from_millis(200))
        .into_iter()
        .chain(server.seen.iter().cloned())
        .filter(|l| l.contains("rebuilt in"))
        .collect();
    println!(
        "save -> reload event: min {} ms, median {} ms, max {} ms",
        events_ms[0],
        events_ms[events_ms.len() / 2],
        events_ms[events_ms.len() - 1]
    );
    println!(
        "save -> reloaded page fetched: min {} ms, median {} ms, max {} ms",
        pages_ms[0],
        pages_ms[pages_ms.len() / 2],
        pages_ms[pages_ms.len() - 1]
    );
    println!("{}", builds.last().map_or("", String::as_str));
}

/// Requests per second and latency percentiles on loopback: a measurement for `docs/serve.md`,
/// bounded in count. `cargo test --test cli serve_load -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check; run by hand"]
fn serve_load_on_loopback() {
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 250;
    let site = Site::minimal();
    let server = Server::start(&site, &[]);
    let port = server.port;
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            thread::spawn(move || {
                (0..REQUESTS)
                    .map(|_| {
                        let sent = Instant::now();
                        assert_eq!(index_status(port), 200);
                        sent.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("a client thread"))
        .collect();
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    println!(
        "{} requests from {CLIENTS} clients in {:.2} s: {:.0} requests/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(50).as_secs_f64() * 1e3,
        at(90).as_secs_f64() * 1e3,
        at(99).as_secs_f64() * 1e3,
    );
}

/// The status of one `GET /index.html` on a connection of its own, read to its end.
fn index_status(port: u16) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(WAIT)).expect("read timeout");
    stream
        .write_all(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("request sent");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("the whole answer");
    Response::parse(&bytes).status
}

/// The files of a fresh `brief build` of the site as it is now, by path, and its number of
/// warnings.
fn fresh_build(site: &Site) -> (Vec<(String, Vec<u8>)>, usize) {
    let out = tempfile::tempdir().expect("a temp folder");
    let output = out.path().join("site");
    let run = site.brief(&["build", "--output", &output.to_string_lossy()]);
    assert_eq!(run.code(), 0, "a fresh build succeeds:\n{}", run.stderr());
    let files = walkdir::WalkDir::new(&output)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        // The writer's mark on a folder it made is not part of the site.
        .filter(|entry| entry.file_type().is_file() && entry.file_name() != ".brief-output")
        .map(|entry| {
            let path = entry.path().strip_prefix(&output).expect("inside");
            let bytes = std::fs::read(entry.path()).expect("readable");
            (path.to_string_lossy().replace('\\', "/"), bytes)
        })
        .collect();
    (files, run.stderr().matches("warning[").count())
}

/// The diagnostics of a fresh `brief check`, as code and place, sorted.
fn fresh_check(site: &Site) -> Vec<String> {
    let run = site.brief(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    places(&json["diagnostics"])
}

fn places(diagnostics: &serde_json::Value) -> Vec<String> {
    let mut places: Vec<String> = diagnostics
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .map(|d| {
            let place = |key: &str| {
                d.get(key)
                    .or_else(|| d.get("location").and_then(|l| l.get(key)))
            };
            format!(
                "{} {}:{}:{}",
                d["code"].as_str().unwrap_or_default(),
                place("file").and_then(|f| f.as_str()).unwrap_or_default(),
                place("line").map(ToString::to_string).unwrap_or_default(),
                place("column").map(ToString::to_string).unwrap_or_default(),
            )
        })
        .collect();
    places.sort();
    places
}

/// What the server sends for every file a fresh build writes, less the live script, is that
/// file; and the rebuild line counts the fresh build's warnings.
fn assert_serves_a_fresh_build(server: &mut Server, site: &Site, step: &str) {
    let rebuilt = server
        .wait_for_line(|l| l.starts_with("out: rebuilt in "))
        .unwrap_or_else(|| panic!("{step}: a rebuilt line"));
    let (files, warnings) = fresh_build(site);
    assert!(
        rebuilt.ends_with(&format!(" {}", plural_warnings(warnings))),
        "{step}: {rebuilt}"
    );
    for (path, bytes) in files {
        let served = server.get(&format!("/{path}"));
        assert_eq!(served.status, 200, "{step}: /{path}");
        let body = match served.body.find("<script id=\"__brief-live\">") {
            Some(at) => {
                let end = at + served.body[at..].find("</script>\n").expect("closed") + 10;
                format!("{}{}", &served.body[..at], &served.body[end..])
            }
            None => served.body.clone(),
        };
        assert!(
            body == String::from_utf8_lossy(&bytes),
            "{step}: /{path} differs from a fresh build"
        );
    }
}

fn plural_warnings(n: usize) -> String {
    format!("{n} warning{}", if n == 1 { "" } else { "s" })
}

/// Regression guard for the incremental rebuild: after each edit (add an annotation, break
/// it, fix it, cite one from a note and from the briefing, move a cited one to another source,
/// delete it and bring it back, edit a source, change the language, delete an annotation
/// file), what `serve` serves and reports is what a fresh build of the same files gives. What
/// a rebuild keeps (the folders' lists, each annotation's anchoring and review, the citables,
/// the notes that cite nothing) must follow every one of these edits.
#[test]
fn incremental_rebuilds_serve_what_a_fresh_build_gives() {
    const B: &str = "---\ntitle: B source\noutlet: Other\ndate: 2025-02-01\nlanguage: en\n---\n\nIt said 40 jobs came and \"went\".\n";
    const JOBS: &str = "- id: jobs\n  kind: figure\n  source: b-source\n  quote: \"40 jobs\"\n  value: 40\n  unit: jobs\n";
    const SAYS: &str = "- id: says\n  kind: quote\n  source: b-source\n  quote: said\n";
    let home = |more: &str| {
        briefing(&format!(
            "Son pledged [$500 billion](@pledge); 40 jobs, uncited.{more}"
        ))
    };
    let site = Site::minimal()
        .file("content/sources/b-source.md", B)
        .file("content/annotations/a.yaml", ANNOTATION)
        .file("content/annotations/b.yaml", JOBS)
        .file("content/index.md", home(""));
    let mut server = Server::start(&site, &[]);
    let mut events = server.events();
    events.expect("hello");
    let went = "- id: went\n  kind: quote\n  source: b-source\n  quote: went\n  note: A word.\n";
    let came = went.replace("quote: went", "quote: came");
    let citing = came.replace("A word.", "A word [on it](@says).");
    let broken = format!("{JOBS}{}", went.replace("went", "gone"));
    // (what, file, text, the text saved before it that breaks the build)
    let steps = [
        (
            "add",
            "content/annotations/b.yaml",
            format!("{JOBS}{went}"),
            None,
        ),
        (
            "fix",
            "content/annotations/b.yaml",
            format!("{JOBS}{went}"),
            Some(broken),
        ),
        // The same id, another quote: anchored again, not kept from the last rebuild.
        (
            "edit a quote",
            "content/annotations/b.yaml",
            format!("{JOBS}{came}"),
            None,
        ),
        (
            "add another file",
            "content/annotations/c.yaml",
            SAYS.to_string(),
            None,
        ),
        (
            "cite from a note",
            "content/annotations/b.yaml",
            format!("{JOBS}{citing}"),
            None,
        ),
        (
            "cite from the briefing",
            "content/index.md",
            home(" It [](@says) so."),
            None,
        ),
        // The note citing `says` is kept as written, but its link must follow `says`.
        (
            "move a cited annotation",
            "content/annotations/c.yaml",
            SAYS.replace("b-source\n  quote: said", "a-source\n  quote: says"),
            None,
        ),
        (
            "delete a cited annotation and bring it back",
            "content/annotations/c.yaml",
            SAYS.to_string(),
            Some(String::new()),
        ),
        (
            // Text before the passages: kept anchoring would mark the wrong words.
            "edit a source",
            "content/sources/a-source.md",
            SOURCE
                .replace("The first paragraph", "The very first paragraph")
                .replace("second paragraph", "next paragraph"),
            None,
        ),
        // Another language parses the sources again (typography): nothing kept still holds.
        (
            "change the language in site.yaml",
            "content/site.yaml",
            "title: Renamed\nlanguage: fr\n".to_string(),
            None,
        ),
    ];
    for (step, path, text, break_first) in &steps {
        if let Some(broken) = break_first {
            save(&site, path, broken);
            let error = events.expect("build-error");
            let json: serde_json::Value = serde_json::from_str(&error.data).expect("JSON");
            assert_eq!(
                places(&json["diagnostics"]),
                fresh_check(&site),
                "{step}: break"
            );
            assert!(
                !fresh_check(&site).is_empty(),
                "{step}: the break is an error"
            );
            server
                .wait_for_line(|l| l.starts_with("err: rebuild failed"))
                .expect("a failure line");
        }
        save(&site, path, text);
        events.expect("reload");
        assert_serves_a_fresh_build(&mut server, &site, step);
    }
    std::fs::remove_file(site.root().join("content/annotations/b.yaml")).expect("removed");
    events.expect("reload");
    assert_serves_a_fresh_build(&mut server, &site, "delete an annotation file");
}

/// A rebuild prints the problems it has not shown yet, and only counts the others: an archive
/// with thousands of warnings printed all of them on every save.
#[test]
fn a_rebuild_prints_only_new_problems() {
    let site = Site::minimal().file("content/index.md", briefing("It has 40 jobs, uncited."));
    let mut server = Server::start(&site, &[]);
    let mut events = server.events();
    events.expect("hello");
    server
        .wait_for_line(|l| l.starts_with("out: built in"))
        .expect("a built line");
    save(
        &site,
        "content/index.md",
        &briefing("It has 40 jobs, uncited.\n\nAnd 7 more."),
    );
    events.expect("reload");
    let rebuilt = server
        .wait_for_line(|l| l.starts_with("out: rebuilt in"))
        .expect("a rebuilt line");
    // stderr is read apart from stdout: its last line of the rebuild may come before or after.
    let counted = |l: &str| l.ends_with("problems shown before are still there");
    if !server.seen.iter().any(|l| counted(l)) {
        server
            .wait_for_line(counted)
            .expect("the count of problems shown before");
    }
    let log = server.seen.join("\n");
    assert_eq!(log.matches("the figure \"40 jobs\"").count(), 1, "{log}");
    assert_eq!(log.matches("the figure \"7\"").count(), 1, "{log}");
    let before = log.matches("warning[").count() - 1;
    assert!(
        rebuilt.ends_with(&format!("{} warnings", before + 1)),
        "{rebuilt}"
    );
    assert!(
        log.contains(&format!(
            "err: {before} problems shown before are still there"
        )),
        "{log}"
    );
}

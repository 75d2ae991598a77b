//! The HTTP side of `brief serve`: a small HTTP/1.1 server on `std::net`, one thread per
//! connection, answering `GET` and `HEAD` from the in-memory [`Snapshot`] and holding
//! `/__brief/events` open for the live reload.
//!
//! A request path never becomes a file-system path: it is decoded, checked (no `..`, no
//! backslash, no NUL, no drive) and looked up as a key of the snapshot, so nothing outside the
//! built site can be named, whatever the URL says.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::live::{self, Hub, Snapshot};

/// The path pages subscribe to for reloads and build errors.
pub const EVENTS_PATH: &str = "/__brief/events";

/// Enough for any request line and headers a browser sends to a preview; more is refused.
const MAX_HEAD: usize = 16 * 1024;
/// More connections than a few browser tabs ever open; past it, new ones get a 503.
const MAX_CONNECTIONS: usize = 128;
/// How long a client may take to send its request, or to read our answer.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// How often an idle event stream checks for a stop and proves the client is still there.
const EVENTS_TICK: Duration = Duration::from_millis(250);
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the server shares with each connection.
#[derive(Debug)]
pub struct Shared {
    /// The site and the build state.
    pub hub: Arc<Hub>,
    /// Set to end the accept loop and the event streams.
    pub stop: Arc<AtomicBool>,
    connections: AtomicUsize,
}

impl Shared {
    /// What the connections of one server share.
    pub fn new(hub: Arc<Hub>, stop: Arc<AtomicBool>) -> Shared {
        Shared {
            hub,
            stop,
            connections: AtomicUsize::new(0),
        }
    }
}

/// Starts accepting on `listener` in a thread of its own.
pub fn spawn(listener: TcpListener, shared: Arc<Shared>) -> io::Result<JoinHandle<()>> {
    // Non-blocking accept, polled, so the loop notices a stop without a wake-up connection.
    listener.set_nonblocking(true)?;
    thread::Builder::new()
        .name("brief-serve-accept".into())
        .spawn(move || accept_loop(&listener, &shared))
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => start_connection(stream, shared),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(error) => {
                eprintln!("warning: a connection failed: {error}");
                thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Counts a live connection for as long as it lives.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn start_connection(stream: TcpStream, shared: &Arc<Shared>) {
    let configured = stream
        .set_nonblocking(false)
        .and_then(|()| stream.set_read_timeout(Some(IO_TIMEOUT)))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)));
    if configured.is_err() {
        return;
    }
    if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        shared.connections.fetch_sub(1, Ordering::SeqCst);
        let mut stream = stream;
        let _ = write_plain(&mut stream, Status::Unavailable, false);
        return;
    }
    let shared = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name("brief-serve-conn".into())
        .spawn(move || {
            let _slot = Slot(&shared.connections);
            // A client that hangs up mid-answer is no concern of the server's.
            let _ = handle(stream, &shared);
        });
    if spawned.is_err() {
        eprintln!("warning: out of threads; a request was dropped");
    }
}

/// An HTTP status the server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200
    Ok,
    /// 301, for a folder URL without its trailing slash.
    Moved,
    /// 400: a path that is not a plain path inside the site.
    BadRequest,
    /// 404
    NotFound,
    /// 405: anything but GET and HEAD.
    MethodNotAllowed,
    /// 431
    HeadTooLarge,
    /// 503: no good build yet, or too many connections.
    Unavailable,
}

impl Status {
    fn line(self) -> &'static str {
        match self {
            Status::Ok => "200 OK",
            Status::Moved => "301 Moved Permanently",
            Status::BadRequest => "400 Bad Request",
            Status::NotFound => "404 Not Found",
            Status::MethodNotAllowed => "405 Method Not Allowed",
            Status::HeadTooLarge => "431 Request Header Fields Too Large",
            Status::Unavailable => "503 Service Unavailable",
        }
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let head = match read_head(&mut stream) {
        Ok(head) => head,
        Err(status) => return write_plain(&mut stream, status, false),
    };
    let (head_only, target) = match parse_request_line(&head) {
        Ok(request) => request,
        Err(status) => return write_plain(&mut stream, status, false),
    };
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if path == EVENTS_PATH {
        return stream_events(stream, shared, head_only);
    }
    match site_key(path) {
        Ok(key) => answer_file(&mut stream, &shared.hub.snapshot(), &key, head_only),
        Err(status) => write_plain(&mut stream, status, head_only),
    }
}

/// Reads up to the blank line that ends the request head; the body of a GET is ignored.
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Status> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Err(Status::HeadTooLarge);
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(Status::BadRequest),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(head)
}

/// The method (true for HEAD) and the request target of the first line.
fn parse_request_line(head: &[u8]) -> Result<(bool, &str), Status> {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).map_err(|_| Status::BadRequest)?;
    let mut parts = line.trim_end_matches('\r').split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Status::BadRequest);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(Status::BadRequest);
    }
    match method {
        "GET" => Ok((false, target)),
        "HEAD" => Ok((true, target)),
        _ => Err(Status::MethodNotAllowed),
    }
}

/// The key of the snapshot a URL path names (`""` for the root), or why it names nothing.
///
/// Checked after percent-decoding, so `%2e%2e`, `..%2f..` and `%5c` are caught like their
/// plain forms; empty segments (`//`) are dropped, so the key is always relative.
pub fn site_key(path: &str) -> Result<String, Status> {
    if !path.starts_with('/') {
        return Err(Status::BadRequest);
    }
    let decoded = percent_decode(path).ok_or(Status::BadRequest)?;
    if decoded.contains(['\\', '\0', ':']) {
        return Err(Status::BadRequest);
    }
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Err(Status::BadRequest);
    }
    let mut key = segments.join("/");
    if decoded.ends_with('/') && !key.is_empty() {
        key.push('/');
    }
    Ok(key)
}

/// `%XX` to bytes, then UTF-8; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a key is answered with: the file, a redirect for a folder without its slash, the
/// site's own 404 page, or (before any good build) the waiting page.
fn answer_file(
    stream: &mut TcpStream,
    snapshot: &Snapshot,
    key: &str,
    head_only: bool,
) -> io::Result<()> {
    let file_key = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    if let Some(bytes) = snapshot.files.get(&file_key) {
        return write_file(stream, Status::Ok, &file_key, bytes, snapshot, head_only);
    }
    if snapshot.files.contains_key(&format!("{key}/index.html")) {
        let location = format!("Location: /{key}/\r\n");
        return write_response(
            stream,
            Status::Moved,
            "text/plain",
            &location,
            b"",
            head_only,
        );
    }
    if let Some(page) = snapshot.files.get("404.html") {
        return write_file(
            stream,
            Status::NotFound,
            "404.html",
            page,
            snapshot,
            head_only,
        );
    }
    if snapshot.generation == 0 {
        let page = live::waiting_page(snapshot.generation);
        return write_response(stream, Status::Unavailable, HTML, "", &page, head_only);
    }
    write_plain(stream, Status::NotFound, head_only)
}

const HTML: &str = "text/html; charset=utf-8";

fn write_file(
    stream: &mut TcpStream,
    status: Status,
    key: &str,
    bytes: &[u8],
    snapshot: &Snapshot,
    head_only: bool,
) -> io::Result<()> {
    let content_type = content_type(key);
    if content_type == HTML {
        let page = live::inject_script(bytes, snapshot.generation);
        write_response(stream, status, content_type, "", &page, head_only)
    } else {
        write_response(stream, status, content_type, "", bytes, head_only)
    }
}

/// The media type of a site file, by extension; what the theme and the build produce.
pub fn content_type(key: &str) -> &'static str {
    let extension = key.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn write_plain(stream: &mut TcpStream, status: Status, head_only: bool) -> io::Result<()> {
    let extra = if status == Status::MethodNotAllowed {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    let body = format!("{}\n", status.line());
    write_response(
        stream,
        status,
        "text/plain; charset=utf-8",
        extra,
        body.as_bytes(),
        head_only,
    )
}

/// One response, then the connection closes: a preview has no use for keep-alive, and it
/// keeps every connection's life short and bounded.
fn write_response(
    stream: &mut TcpStream,
    status: Status,
    content_type: &str,
    extra_headers: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n{extra_headers}\r\n",
        status.line(),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Holds the connection open and writes one event per build outcome until the client leaves
/// or the server stops.
fn stream_events(mut stream: TcpStream, shared: &Shared, head_only: bool) -> io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: keep-alive\r\n\r\n",
    )?;
    if head_only {
        return stream.flush();
    }
    let (mut seen, greeting) = shared.hub.greeting();
    stream.write_all(format!("retry: 1000\n\n{}", greeting.to_wire()).as_bytes())?;
    stream.flush()?;
    let mut last_write = Instant::now();
    while !shared.stop.load(Ordering::SeqCst) {
        if let Some((version, event)) = shared.hub.wait_for_change(seen, EVENTS_TICK) {
            seen = version;
            stream.write_all(event.to_wire().as_bytes())?;
        } else if last_write.elapsed() >= KEEP_ALIVE {
            stream.write_all(b": keep-alive\n\n")?;
        } else {
            continue;
        }
        stream.flush()?;
        last_write = Instant::now();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_become_keys() {
        assert_eq!(site_key("/"), Ok(String::new()));
        assert_eq!(site_key("/index.html"), Ok("index.html".into()));
        assert_eq!(site_key("/sources/"), Ok("sources/".into()));
        assert_eq!(site_key("//sources//a.html"), Ok("sources/a.html".into()));
        assert_eq!(site_key("/a%20b.html"), Ok("a b.html".into()));
    }

    #[test]
    fn escapes_are_refused_in_every_spelling() {
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/sources/..",
            "/./index.html",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/index.html%00.png",
            "/C:/Windows/win.ini",
            "etc/passwd",
            "http://example.com/",
            "/%zz",
            "/%ff%fe",
        ] {
            assert_eq!(site_key(bad), Err(Status::BadRequest), "{bad}");
        }
    }

    #[test]
    fn request_line_needs_get_or_head() {
        assert_eq!(
            parse_request_line(b"GET / HTTP/1.1\r\n\r\n"),
            Ok((false, "/"))
        );
        assert_eq!(
            parse_request_line(b"HEAD /a HTTP/1.0\r\n\r\n"),
            Ok((true, "/a"))
        );
        assert_eq!(
            parse_request_line(b"POST / HTTP/1.1\r\n\r\n"),
            Err(Status::MethodNotAllowed)
        );
        assert_eq!(
            parse_request_line(b"GET / / HTTP/1.1\r\n\r\n"),
            Err(Status::BadRequest)
        );
    }

    #[test]
    fn media_types() {
        assert_eq!(content_type("a/b.HTML"), HTML);
        assert_eq!(content_type("annotations.jsonld"), "application/ld+json");
        assert_eq!(content_type("assets/x.woff2"), "font/woff2");
        assert_eq!(content_type(".nojekyll"), "application/octet-stream");
    }
}

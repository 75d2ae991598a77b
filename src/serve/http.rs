//! The HTTP side of `brief serve`: a small HTTP/1.1 server on `std::net`, one thread per
//! connection, answering `GET` and `HEAD` from the in-memory [`Snapshot`] and holding
//! `/__brief/events` open for the live reload.
//!
//! A request path never becomes a file-system path: it is decoded, checked (no `..`, no
//! backslash, no NUL, no drive) and looked up as a key of the snapshot, so nothing outside the
//! built site can be named, whatever the URL says. A request must arrive whole within
//! [`HEAD_DEADLINE`] and be answered within [`ANSWER_DEADLINE`], so a client that sends or reads
//! a byte a second holds its connection for seconds, not for ever; and its `Host` must name
//! this machine, so a web page cannot read the preview through a name it controls (DNS
//! rebinding).

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::live::{self, Hub, Snapshot};
use crate::console;

/// The path pages subscribe to for reloads and build errors.
pub const EVENTS_PATH: &str = "/__brief/events";

/// Enough for any request line a browser sends to a preview; a longer one gets a 414.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Enough for any request head a browser sends to a preview; a larger one gets a 431.
const MAX_HEAD: usize = 16 * 1024;
/// Concurrent connections, event streams included: far more than a few browser tabs open, and
/// each one is short (see the deadlines). Past it, new ones get a 503.
const MAX_CONNECTIONS: usize = 256;
/// The whole request head must arrive within this, however it is split into packets.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// The whole answer must be taken by the client within this (event streams aside).
pub const ANSWER_DEADLINE: Duration = Duration::from_secs(30);
/// How long an event stream's writes may block before the client counts as gone.
const EVENTS_WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// After an error answer, how long and how much of the rest of the request is read and
/// dropped (see [`close_after_error`]).
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 1024 * 1024;
/// Connection threads only parse a head and copy bytes: a small stack keeps 256 of them cheap.
const CONNECTION_STACK: usize = 256 * 1024;
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
    /// The address listened on, which a `Host` header may name besides loopback.
    bound: IpAddr,
    connections: AtomicUsize,
}

impl Shared {
    /// What the connections of one server, listening on `bound`, share.
    pub fn new(hub: Arc<Hub>, stop: Arc<AtomicBool>, bound: IpAddr) -> Shared {
        Shared {
            hub,
            stop,
            bound,
            connections: AtomicUsize::new(0),
        }
    }
}

/// Starts accepting on `listener` in a thread of its own; [`wake`] ends it once `stop` is set.
pub fn spawn(listener: TcpListener, shared: Arc<Shared>) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("brief-serve-accept".into())
        .spawn(move || accept_loop(&listener, &shared))
}

/// A blocking accept answers a connection the moment it arrives (a polled one made every
/// request wait for the next tick, ~20 ms); the price is the wake-up connection of [`wake`].
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            Ok(stream) => start_connection(stream, shared),
            Err(error) => {
                console::err(&format!("warning: a connection failed: {error}\n"));
                thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Unblocks the accept loop of a server listening on `address` after its `stop` was set, by
/// connecting to it; false when that failed, and the loop may stay blocked.
pub fn wake(address: SocketAddr) -> bool {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    TcpStream::connect_timeout(&SocketAddr::new(ip, address.port()), Duration::from_secs(1)).is_ok()
}

/// Counts a live connection for as long as it lives.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn start_connection(stream: TcpStream, shared: &Arc<Shared>) {
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        shared.connections.fetch_sub(1, Ordering::SeqCst);
        // A fresh socket's send buffer takes this short answer without blocking the loop.
        let mut stream = Deadlined::new(&stream, Instant::now() + Duration::from_millis(100));
        let _ = write_plain(&mut stream, Status::Unavailable, false);
        return;
    }
    let shared = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name("brief-serve-conn".into())
        .stack_size(CONNECTION_STACK)
        .spawn(move || {
            let _slot = Slot(&shared.connections);
            // A client that hangs up mid-answer is no concern of the server's.
            let _ = handle(stream, &shared);
        });
    if spawned.is_err() {
        console::err("warning: out of threads; a request was dropped\n");
    }
}

/// An HTTP status the server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200
    Ok,
    /// 301, for a folder URL without its trailing slash.
    Moved,
    /// 400: a path that is not a plain path inside the site, or a malformed head.
    BadRequest,
    /// 403: a `Host` that names neither loopback nor the address listened on.
    ForeignHost,
    /// 404
    NotFound,
    /// 405: anything but GET and HEAD.
    MethodNotAllowed,
    /// 408: the head did not arrive within [`HEAD_DEADLINE`].
    RequestTimeout,
    /// 414
    UriTooLong,
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
            Status::ForeignHost => "403 Forbidden",
            Status::NotFound => "404 Not Found",
            Status::MethodNotAllowed => "405 Method Not Allowed",
            Status::RequestTimeout => "408 Request Timeout",
            Status::UriTooLong => "414 URI Too Long",
            Status::HeadTooLarge => "431 Request Header Fields Too Large",
            Status::Unavailable => "503 Service Unavailable",
        }
    }
}

/// A request the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `HEAD`: the answer without its body.
    pub head_only: bool,
    /// What it asks for.
    pub target: Target,
}

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The live-reload event stream.
    Events,
    /// A key of the snapshot, as [`site_key`] gives it.
    File(String),
}

/// A connection whose reads and writes must all be done by one instant: each call may block
/// only for what is left, so a client trickling bytes cannot stretch a request past it.
struct Deadlined<'a> {
    stream: &'a TcpStream,
    until: Instant,
}

impl<'a> Deadlined<'a> {
    fn new(stream: &'a TcpStream, until: Instant) -> Deadlined<'a> {
        Deadlined { stream, until }
    }

    /// The time left, or `TimedOut` when there is none (a zero timeout means "block for ever").
    fn left(&self) -> io::Result<Duration> {
        self.until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .ok_or_else(|| io::ErrorKind::TimedOut.into())
    }
}

impl Read for Deadlined<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

impl Write for Deadlined<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        let mut stream = self.stream;
        stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut stream = self.stream;
        stream.flush()
    }
}

fn handle(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let head = read_head(&mut Deadlined::new(&stream, Instant::now() + HEAD_DEADLINE));
    let request = head.and_then(|head| parse_request(&head, shared.bound));
    let mut answer = Deadlined::new(&stream, Instant::now() + ANSWER_DEADLINE);
    match request {
        Ok(Request {
            head_only,
            target: Target::Events,
        }) => stream_events(&stream, shared, head_only),
        Ok(Request {
            head_only,
            target: Target::File(key),
        }) => answer_file(&mut answer, &shared.hub.snapshot(), &key, head_only),
        Err(status) => {
            write_plain(&mut answer, status, false)?;
            close_after_error(&stream);
            Ok(())
        }
    }
}

/// Reads up to the blank line that ends the request head; the body of a GET is ignored.
fn read_head(stream: &mut impl Read) -> Result<Vec<u8>, Status> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    // Where the search for the blank line resumes: each byte is looked at about once, however
    // the head is split.
    let mut searched = 0;
    loop {
        if let Some(end) = head[searched..].windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(searched + end + 4);
            return Ok(head);
        }
        searched = head.len().saturating_sub(3);
        if !head.contains(&b'\n') && head.len() > MAX_REQUEST_LINE {
            return Err(Status::UriTooLong);
        }
        if head.len() > MAX_HEAD {
            return Err(Status::HeadTooLarge);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(Status::BadRequest),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) if is_timeout(&error) => return Err(Status::RequestTimeout),
            Err(_) => return Err(Status::BadRequest),
        }
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// After an error answer the client may still be sending (the rest of a 100 KB URL): closing a
/// socket with unread data makes the kernel reset the connection, which can destroy the answer
/// before the client reads it. So the server stops writing and reads the rest away, bounded in
/// time and bytes.
fn close_after_error(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let mut rest = Deadlined::new(stream, Instant::now() + LINGER).take(LINGER_BYTES);
    let _ = io::copy(&mut rest, &mut io::sink());
}

/// Parses a complete request head (through its blank line), as the server would answer it:
/// what it asks for, or the status that refuses it.
///
/// Public for the fuzz target `serve_request` (`fuzz/`): the one function all request bytes
/// from the network go through before anything is looked up.
pub fn parse_request(head: &[u8], bound: IpAddr) -> Result<Request, Status> {
    let head = std::str::from_utf8(head).map_err(|_| Status::BadRequest)?;
    let mut lines = head.split('\n').map(|line| line.trim_end_matches('\r'));
    let (head_only, target, http_1_0) = parse_request_line(lines.next().unwrap_or_default())?;
    let mut host = None;
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(Status::BadRequest)?;
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(Status::BadRequest);
            }
            host = Some(value.trim());
        }
    }
    match host {
        Some(host) if !host_allowed(host, bound) => return Err(Status::ForeignHost),
        // HTTP/1.1 requires a Host; an HTTP/1.0 tool may leave it out.
        None if !http_1_0 => return Err(Status::BadRequest),
        _ => {}
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let target = if path == EVENTS_PATH {
        Target::Events
    } else {
        Target::File(site_key(path)?)
    };
    Ok(Request { head_only, target })
}

/// The method (true for HEAD), the request target and whether it is HTTP/1.0.
fn parse_request_line(line: &str) -> Result<(bool, &str, bool), Status> {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Status::BadRequest);
    };
    let http_1_0 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(Status::BadRequest),
    };
    match method {
        "GET" => Ok((false, target, http_1_0)),
        "HEAD" => Ok((true, target, http_1_0)),
        _ => Err(Status::MethodNotAllowed),
    }
}

/// Whether a `Host` header names this server the way its own reader reaches it: `localhost`
/// (or a name under it, which browsers keep on loopback), a loopback address, or the address
/// listened on (any address, when it listens on all of them). A page that reaches the preview
/// through a name its author controls (DNS rebinding) sends that name, and is refused.
fn host_allowed(host: &str, bound: IpAddr) -> bool {
    let name = if let Some(bracketed) = host.strip_prefix('[') {
        let Some((address, rest)) = bracketed.split_once(']') else {
            return false;
        };
        if !rest.is_empty() && !is_port(rest.strip_prefix(':').unwrap_or("x")) {
            return false;
        }
        address
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let lower = name.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return true;
    }
    name.parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback() || ip == bound || bound.is_unspecified())
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The key of the snapshot a URL path names (`""` for the root), or why it names nothing.
///
/// Checked after percent-decoding (once: `%252e` stays the three characters `%2e`), so
/// `%2e%2e`, `..%2f..` and `%5c` are caught like their plain forms, and bytes that are not
/// UTF-8 (the overlong `%c0%ae`) are refused; empty segments (`//`) are dropped, so the key is
/// always relative.
pub fn site_key(path: &str) -> Result<String, Status> {
    if !path.starts_with('/') {
        return Err(Status::BadRequest);
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| Status::BadRequest)?;
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

/// What a key is answered with: the file, a redirect for a folder without its slash, the
/// site's own 404 page, or (before any good build) the waiting page.
fn answer_file(
    stream: &mut impl Write,
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
    stream: &mut impl Write,
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

fn write_plain(stream: &mut impl Write, status: Status, head_only: bool) -> io::Result<()> {
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
    stream: &mut impl Write,
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
fn stream_events(stream: &TcpStream, shared: &Shared, head_only: bool) -> io::Result<()> {
    stream.set_write_timeout(Some(EVENTS_WRITE_TIMEOUT))?;
    let mut stream = stream;
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
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn plain_paths_become_keys() {
        assert_eq!(site_key("/"), Ok(String::new()));
        assert_eq!(site_key("/index.html"), Ok("index.html".into()));
        assert_eq!(site_key("/sources/"), Ok("sources/".into()));
        assert_eq!(site_key("//sources//a.html"), Ok("sources/a.html".into()));
        assert_eq!(site_key("/a%20b.html"), Ok("a b.html".into()));
        assert_eq!(site_key("/%C3%A9t%C3%A9.html"), Ok("été.html".into()));
        // Decoded once: a double-encoded dot is a literal `%2e`, a name like any other.
        assert_eq!(site_key("/%252e%252e/x"), Ok("%2e%2e/x".into()));
        assert_eq!(site_key("/%zz"), Ok("%zz".into()));
    }

    #[test]
    fn escapes_are_refused_in_every_spelling() {
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/sources/..",
            "/sources/%2e%2e",
            "/./index.html",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/index.html%00.png",
            "/%00",
            "/C:/Windows/win.ini",
            "/c%3a/windows",
            "etc/passwd",
            "http://example.com/",
            "/%ff%fe",
            "/%c0%ae%c0%ae/etc/passwd",
            "/%e0%80%ae%e0%80%ae/etc",
            "/%c0%af",
        ] {
            assert_eq!(site_key(bad), Err(Status::BadRequest), "{bad}");
        }
    }

    fn request(text: &str) -> Result<Request, Status> {
        parse_request(text.as_bytes(), LOOPBACK)
    }

    fn file(head_only: bool, key: &str) -> Result<Request, Status> {
        Ok(Request {
            head_only,
            target: Target::File(key.into()),
        })
    }

    #[test]
    fn request_line_needs_get_or_head() {
        assert_eq!(
            request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
            file(false, "")
        );
        assert_eq!(request("HEAD /a HTTP/1.0\r\n\r\n"), file(true, "a"));
        assert_eq!(
            request("GET /__brief/events?x=1 HTTP/1.1\r\nhost: localhost:1111\r\n\r\n"),
            Ok(Request {
                head_only: false,
                target: Target::Events
            })
        );
        assert_eq!(
            request("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
            Err(Status::MethodNotAllowed)
        );
        for bad in [
            "GET / / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET / HTTP/2\r\nHost: 127.0.0.1\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n",
        ] {
            assert_eq!(request(bad), Err(Status::BadRequest), "{bad:?}");
        }
        assert_eq!(
            parse_request(b"GET /\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", LOOPBACK),
            Err(Status::BadRequest)
        );
    }

    #[test]
    fn only_this_machines_names_are_hosts() {
        for good in [
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.1.2.3:80",
            "localhost",
            "LOCALHOST:1111",
            "preview.localhost:1111",
            "[::1]",
            "[::1]:1111",
        ] {
            assert!(host_allowed(good, LOOPBACK), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "192.168.1.20:1111",
            "[::1",
            "[::1]x",
            "127.0.0.1:",
            "127.0.0.1:port",
            "",
        ] {
            assert!(!host_allowed(bad, LOOPBACK), "{bad}");
        }
        let lan = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20));
        assert!(host_allowed("192.168.1.20:1111", lan));
        assert!(!host_allowed("192.168.1.21", lan));
        let everywhere = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
        assert!(host_allowed("192.168.1.21", everywhere));
        assert!(!host_allowed("evil.example", everywhere));
        assert_eq!(
            request("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
            Err(Status::ForeignHost)
        );
    }

    #[test]
    fn heads_are_bounded_and_end_at_the_blank_line() {
        let mut whole: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody";
        assert_eq!(
            read_head(&mut whole).as_deref(),
            Ok(&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..])
        );
        let long_url = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(100_000));
        assert_eq!(read_head(&mut long_url.as_bytes()), Err(Status::UriTooLong));
        let long_head = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                .repeat(2_000)
        );
        assert_eq!(
            read_head(&mut long_head.as_bytes()),
            Err(Status::HeadTooLarge)
        );
        assert_eq!(
            read_head(&mut &b"GET / HTTP/1.1\r\n"[..]),
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

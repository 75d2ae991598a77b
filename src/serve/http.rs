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

use super::demand::Made;
use super::live::{self, Hub, Snapshot};
use super::request::{Request, Status, Target, parse_request, read_head};
use crate::console;

/// The path pages subscribe to for reloads and build errors.
pub const EVENTS_PATH: &str = "/__brief/events";

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

pub(super) fn is_timeout(error: &io::Error) -> bool {
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
    match snapshot.files.get(&file_key) {
        Made::File(bytes) => {
            return write_file(stream, Status::Ok, &file_key, &bytes, snapshot, head_only);
        }
        Made::Failed => {
            let page = live::failed_page(snapshot.generation);
            return write_response(stream, Status::ServerError, HTML, "", &page, head_only);
        }
        Made::Missing => {}
    }
    if snapshot.files.contains(&format!("{key}/index.html")) {
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
    if let Made::File(page) = snapshot.files.get("404.html") {
        return write_file(
            stream,
            Status::NotFound,
            "404.html",
            &page,
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
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(content_type("a/b.HTML"), HTML);
        assert_eq!(content_type("annotations.jsonld"), "application/ld+json");
        assert_eq!(content_type("assets/x.woff2"), "font/woff2");
        assert_eq!(content_type(".nojekyll"), "application/octet-stream");
    }
}

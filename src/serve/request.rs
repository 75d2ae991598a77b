//! What a request says, read from its head bytes alone: the method, the path as a key of the
//! built site, and whether its `Host` names this machine. Everything a client sends goes
//! through [`parse_request`] before anything is looked up, which makes it the one function to
//! fuzz (`fuzz/`, target `serve_request`).

use std::io::{self, Read};
use std::net::IpAddr;

use super::http::{EVENTS_PATH, is_timeout};

/// Enough for any request line a browser sends to a preview; a longer one gets a 414.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Enough for any request head a browser sends to a preview; a larger one gets a 431.
const MAX_HEAD: usize = 16 * 1024;
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
    /// 408: the head did not arrive within [`HEAD_DEADLINE`](super::http::HEAD_DEADLINE).
    RequestTimeout,
    /// 414
    UriTooLong,
    /// 431
    HeadTooLarge,
    /// 500: the page failed to render when asked for.
    ServerError,
    /// 503: no good build yet, or too many connections.
    Unavailable,
}

impl Status {
    /// The status line's code and reason, as written after `HTTP/1.1 `.
    pub(super) fn line(self) -> &'static str {
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
            Status::ServerError => "500 Internal Server Error",
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

/// Reads up to the blank line that ends the request head; the body of a GET is ignored.
pub(super) fn read_head(stream: &mut impl Read) -> Result<Vec<u8>, Status> {
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
}

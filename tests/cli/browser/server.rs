//! A tiny static file server on 127.0.0.1 for the browser tests: it serves a built site under
//! a sub-path (`/repo/`), as GitHub Pages serves a project site, and answers 404 elsewhere.
//! It is bounded: it stops after a number of connections, after a deadline, or when dropped.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Response, Server};

const MAX_REQUESTS: usize = 5_000;
const LIFETIME: Duration = Duration::from_secs(600);

/// The running server; stopped on drop.
pub struct StaticServer {
    port: u16,
    prefix: String,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `dir` at `http://127.0.0.1:PORT{prefix}` (`prefix` starts and ends with `/`).
    pub fn start(dir: &Path, prefix: &str) -> StaticServer {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind a loopback port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let (dir, owned_prefix, serving) = (dir.to_path_buf(), prefix.to_string(), server.clone());
        // tiny_http reads each connection on its own thread, so the speculative connections
        // Chromium opens and never uses do not hold up the real requests.
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            for request in serving.incoming_requests().take(MAX_REQUESTS) {
                if started.elapsed() > LIFETIME {
                    break;
                }
                let _ = respond(request, &dir, &owned_prefix);
            }
        });
        StaticServer {
            port,
            prefix: prefix.to_string(),
            server,
            thread: Some(thread),
        }
    }

    /// The site's URL: `http://127.0.0.1:PORT/repo/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.prefix)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        // Ends `incoming_requests`, so the thread returns.
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request: a file of the site under the prefix, else the site's 404 page.
fn respond(request: tiny_http::Request, dir: &Path, prefix: &str) -> std::io::Result<()> {
    let path = request.url().split(['?', '#']).next().unwrap_or("/");
    let readable = matches!(request.method(), Method::Get | Method::Head);
    let (status, file) = match resolve(dir, prefix, path).filter(|_| readable) {
        Some(file) => (200, file),
        None => (404, dir.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let header = Header::from_bytes("Content-Type", content_type(&file)).expect("a valid header");
    request.respond(
        Response::from_data(body)
            .with_status_code(status)
            .with_header(header),
    )
}

/// The file for a request path, only under `prefix` and never outside `dir`.
fn resolve(dir: &Path, prefix: &str, path: &str) -> Option<PathBuf> {
    let relative = percent_encoding::percent_decode_str(path.strip_prefix(prefix)?)
        .decode_utf8_lossy()
        .into_owned();
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative
    };
    let relative = Path::new(&relative);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = dir.join(relative);
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" | "jsonld" => "application/ld+json",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

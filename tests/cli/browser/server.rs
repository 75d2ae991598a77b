//! A tiny static file server on 127.0.0.1 for the browser tests: it serves a built site under
//! a sub-path (`/repo/`), as GitHub Pages serves a project site, and answers 404 elsewhere.
//! It is bounded: it stops after a number of connections, after a deadline, or when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const MAX_CONNECTIONS: usize = 5_000;
const LIFETIME: Duration = Duration::from_secs(600);

/// The running server; stopped on drop.
pub struct StaticServer {
    port: u16,
    prefix: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `dir` at `http://127.0.0.1:PORT{prefix}` (`prefix` starts and ends with `/`).
    pub fn start(dir: &Path, prefix: &str) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("a bound address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, owned_prefix, flag) = (dir.to_path_buf(), prefix.to_string(), stop.clone());
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            for (served, stream) in listener.incoming().enumerate() {
                if flag.load(Ordering::SeqCst)
                    || served >= MAX_CONNECTIONS
                    || started.elapsed() > LIFETIME
                {
                    break;
                }
                if let Ok(stream) = stream {
                    let (dir, prefix) = (dir.clone(), owned_prefix.clone());
                    // One thread per connection: Chromium opens speculative connections that
                    // send nothing, and they must not hold up the real requests.
                    std::thread::spawn(move || {
                        let _ = serve(stream, &dir, &prefix);
                    });
                }
            }
        });
        StaticServer {
            port,
            prefix: prefix.to_string(),
            stop,
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
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream, dir: &Path, prefix: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let request = String::from_utf8_lossy(&head);
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, body) = match resolve(dir, prefix, path) {
        Some(file) if method == "GET" || method == "HEAD" => match std::fs::read(&file) {
            Ok(bytes) => ("200 OK", content_type(&file), bytes),
            Err(_) => not_found(dir),
        },
        _ => not_found(dir),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
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

fn not_found(dir: &Path) -> (&'static str, &'static str, Vec<u8>) {
    let page = std::fs::read(dir.join("404.html")).unwrap_or_default();
    ("404 Not Found", "text/html; charset=utf-8", page)
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

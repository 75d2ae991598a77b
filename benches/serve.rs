//! The `serve` benchmark: how long one saved annotation file takes to reach the browser on a
//! large archive.
//!
//! `cargo bench --bench serve -- 1000 10000` writes the synthetic archive of the scale
//! benchmark for each N (default: 1,000 and 10,000) under `/dev/shm`, starts `brief serve` on
//! it (the release binary, on a free loopback port), follows its event stream as an open page
//! does, and [`RUNS`] times rewrites one source's annotation file with a new note. For each
//! save it measures the time to the `reload` event and the time until the source's page, as
//! the browser then asks for it, holds the new note. Both include the watcher's 100 ms wait
//! for the files to be still. It prints the medians and the server's own rebuild lines.

// The scale benchmark's archive generator; only its brief site is used here.
#[allow(dead_code)]
#[path = "support/archive.rs"]
mod archive;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const RUNS: usize = 7;
/// The longest anything may take before the benchmark gives up: a first build at N=10,000 on
/// a busy machine, with margin.
const WAIT: Duration = Duration::from_secs(300);

/// A running `brief serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: Receiver<String>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["serve", "--port", "0", "--exit-after", "900", "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("brief serve starts");
        let (sender, log) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        let serving = server.line(|l| l.starts_with("serving http://"));
        server.port = serving
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port in the serving line");
        println!("{}", server.line(|l| l.starts_with("built in")));
        server
    }

    /// The next line of the server's log that `wanted` accepts.
    fn line(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        loop {
            let line = self
                .log
                .recv_timeout(WAIT)
                .expect("the server goes on logging");
            if wanted(&line) {
                return line;
            }
        }
    }

    fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .expect("request sent");
        let mut body = String::new();
        stream.read_to_string(&mut body).expect("the answer");
        body
    }

    /// Subscribes to the event stream and waits for its first event.
    fn events(&self) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        stream
            .write_all(b"GET /__brief/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("subscribed");
        next_event(&mut stream);
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the stream up to the next named event and returns its name.
fn next_event(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        stream
            .read_exact(&mut byte)
            .expect("the event stream stays open");
        seen.push(byte[0]);
        if seen.ends_with(b"\n\n")
            && let Some(name) = String::from_utf8_lossy(&seen)
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
        {
            return name.to_string();
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn bench(n: usize) {
    let dir = PathBuf::from("/dev/shm").join(format!("brief-serve-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    archive::write_brief_site(&dir, n);
    // A source the briefing does not cite (it cites one in 20), so the edit touches its page.
    let slug = archive::slug(42 % n);
    let file = dir.join(format!("content/annotations/{slug}.yaml"));
    let original = std::fs::read_to_string(&file).expect("the archive wrote it");
    let mut server = Server::start(&dir);
    let mut events = server.events();
    let page = format!("/sources/{slug}.html");
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    println!("\nN = {n} sources ({} annotations), {RUNS} saves", 5 * n);
    for run in 0..=RUNS {
        let note = format!("Edited note {run}.");
        let edited = original.replacen(
            "note: What the project's lead said.",
            &format!("note: {note}"),
            1,
        );
        std::thread::sleep(Duration::from_millis(400));
        let saved = Instant::now();
        std::fs::write(&file, edited).expect("saved");
        let event = next_event(&mut events);
        assert_eq!(event, "reload", "the edit builds");
        let reloaded = saved.elapsed();
        let body = server.get(&page);
        let served = saved.elapsed();
        assert!(body.contains(&note), "{page} shows the new note");
        println!("{}", server.line(|l| l.starts_with("rebuilt in")));
        // The first save warms the caches up.
        if run > 0 {
            to_event.push(reloaded.as_secs_f64() * 1e3);
            to_page.push(served.as_secs_f64() * 1e3);
        }
    }
    println!(
        "save -> reload event: median {:.0} ms; save -> new page served: median {:.0} ms (min {:.0}, max {:.0})",
        median(to_event),
        median(to_page.clone()),
        to_page.iter().copied().fold(f64::INFINITY, f64::min),
        to_page.iter().copied().fold(0.0, f64::max),
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    for n in archive::sizes_from_args() {
        bench(n);
    }
}

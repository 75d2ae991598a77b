//! `brief serve`: the live preview an editor keeps open while writing.
//!
//! It runs the ordinary build ([`crate::site::build`], the same stages and checks as
//! `brief build`), keeps the files it renders in memory, and serves that snapshot over HTTP ([`http`]), on loopback unless told otherwise. A watcher ([`watch`])
//! turns each burst of changes under `content/` and `themes/` into one rebuild, and each
//! outcome goes to the [`live::Hub`] that open pages follow through server-sent events: a good
//! build swaps the snapshot and reloads them; a failed one keeps the last good snapshot and
//! shows its diagnostics in an overlay. Nothing here writes to `public/` or the content tree,
//! and the reload script lives only in responses, never in built files.

mod http;
mod live;
mod request;
mod watch;

/// The request parser, public for the fuzz target `serve_request` (`fuzz/`): it is the one
/// function every byte a client sends goes through, so it is fuzzed on its own.
pub use request::{Request, Status, Target, parse_request};

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::console;
use crate::diagnostics::{Severity, plural};
use crate::site::{self, BuildOptions, Outcome};

/// What `brief serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's folder, holding `content/`.
    pub root: PathBuf,
    /// The port to listen on; 0 lets the system pick a free one (printed on start).
    pub port: u16,
    /// The address to listen on; loopback unless the user wants the preview on a network.
    pub bind: IpAddr,
    /// Scan for changes instead of relying on file-system events, which some network and
    /// container file systems never deliver.
    pub poll: bool,
    /// Warnings fail a rebuild, as in `brief build --deny-warnings`.
    pub deny_warnings: bool,
    /// Colour in rendered diagnostics.
    pub styled: bool,
    /// Print only errors (and the address): no line per good rebuild, no warnings.
    pub quiet: bool,
    /// Stop by itself after this long: for tests and scripts, which must never leave a server
    /// running.
    pub stop_after: Option<Duration>,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            root: PathBuf::from("."),
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            poll: false,
            deny_warnings: false,
            styled: false,
            quiet: false,
            stop_after: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, Error)]
pub enum ServeError {
    /// Another program (often another `brief serve`) holds the port.
    #[error(
        "port {port} on {bind} is already in use; pass another one with `--port` (`--port 0` picks a free port)"
    )]
    PortInUse {
        /// The address asked for.
        bind: IpAddr,
        /// The port asked for.
        port: u16,
    },
    /// The address cannot be listened on (not this machine's, or a privileged port).
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address and port asked for.
        address: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
    /// The site folder cannot be read.
    #[error("cannot use `{}` as the site folder: {source}", path.display())]
    Root {
        /// The `--root` given.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file watcher refused a folder (too many watches, say: `--poll` avoids them).
    #[error("cannot watch `{}` for changes: {source}; try `--poll`", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// What the watcher said.
        source: notify::Error,
    },
    /// The server's threads could not start.
    #[error("cannot start the server: {0}")]
    Start(io::Error),
}

/// Serves until Ctrl-C (or SIGTERM), or `stop_after`.
pub fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    if let Err(error) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        console::err(&format!(
            "warning: Ctrl-C will end the server abruptly: {error}\n"
        ));
    }
    serve_until(options, &stop)
}

/// Serves until `stop` is set (or `stop_after`), then returns with every thread told to end.
pub fn serve_until(options: &ServeOptions, stop: &Arc<AtomicBool>) -> Result<(), ServeError> {
    let deadline = options.stop_after.map(|after| Instant::now() + after);
    let listener = listen(options)?;
    let address = listener.local_addr().map_err(ServeError::Start)?;
    // Watching before the first build, so an edit made while it runs is not lost.
    let mut watcher = watch::Watcher::start(&options.root, options.poll)?;
    say(&format!("serving http://{address}/"));
    if !options.bind.is_loopback() {
        console::err(&format!(
            "warning: listening on {}: anyone who can reach this machine can read the preview\n",
            options.bind
        ));
    }
    let rebuilder = Rebuilder {
        build: BuildOptions {
            root: options.root.clone(),
            deny_warnings: options.deny_warnings,
            ..BuildOptions::default()
        },
        hub: Arc::new(live::Hub::default()),
        styled: options.styled,
        quiet: options.quiet,
    };
    rebuilder.rebuild(None);
    let shared = Arc::new(http::Shared::new(
        Arc::clone(&rebuilder.hub),
        Arc::clone(stop),
        address.ip(),
    ));
    let accept = http::spawn(listener, shared).map_err(ServeError::Start)?;
    while !stop.load(Ordering::SeqCst) && deadline.is_none_or(|d| Instant::now() < d) {
        if let Some(batch) = watcher.next_batch(Duration::from_millis(200)) {
            rebuilder.rebuild(Some(&batch));
        }
    }
    stop.store(true, Ordering::SeqCst);
    // Joined only once woken: a loop that could not be woken ends with the process.
    if http::wake(address) {
        let _ = accept.join();
    }
    say("stopped");
    Ok(())
}

fn listen(options: &ServeOptions) -> Result<TcpListener, ServeError> {
    let address = SocketAddr::new(options.bind, options.port);
    TcpListener::bind(address).map_err(|source| {
        if source.kind() == io::ErrorKind::AddrInUse {
            ServeError::PortInUse {
                bind: options.bind,
                port: options.port,
            }
        } else {
            ServeError::Listen { address, source }
        }
    })
}

/// Runs builds and publishes their outcomes.
struct Rebuilder {
    build: BuildOptions,
    hub: Arc<live::Hub>,
    styled: bool,
    quiet: bool,
}

impl Rebuilder {
    /// Builds once and says so in one line; `batch` is what set it off (none for the first).
    fn rebuild(&self, batch: Option<&watch::Batch>) {
        if let Some(batch) = batch {
            for line in &batch.departures {
                say(&format!("{line}; rebuilding"));
            }
            for error in &batch.errors {
                console::err(&format!("warning: the file watcher reported: {error}\n"));
            }
        }
        let mut outcome = site::build(&self.build);
        let files = outcome.files.take().filter(|_| !outcome.failed);
        console::err(&outcome.diagnostics.report(self.quiet, self.styled));
        let cause = batch.map(watch::Batch::describe);
        match files {
            Some(files) => {
                self.hub.publish_site(files);
                if !self.quiet {
                    say(&success_line(&outcome, cause.as_deref()));
                }
            }
            None => {
                self.hub.publish_failure(&outcome.diagnostics);
                console::err(&format!("{}\n", failure_line(&outcome, cause.as_deref())));
            }
        }
    }
}

/// One line of the server's log on stdout. The server keeps serving when nobody reads the log
/// any more (`brief serve | head -n 1`): the preview matters, the lost lines do not.
fn say(line: &str) {
    let _ = console::out(&format!("{line}\n"));
}

fn success_line(outcome: &Outcome, cause: Option<&str>) -> String {
    let verb = if cause.is_some() { "rebuilt" } else { "built" };
    let after = cause.map(|c| format!(" after {c}")).unwrap_or_default();
    format!(
        "{verb} in {} ms{after}: {}, {}, {}",
        outcome.elapsed.as_millis(),
        plural(outcome.pages.unwrap_or(0), "page"),
        plural(outcome.annotations, "annotation"),
        plural(outcome.diagnostics.count(Severity::Warning), "warning"),
    )
}

fn failure_line(outcome: &Outcome, cause: Option<&str>) -> String {
    let errors = outcome.diagnostics.count(Severity::Error);
    let problems = if errors == 0 {
        plural(
            outcome.diagnostics.count(Severity::Warning),
            "denied warning",
        )
    } else {
        plural(errors, "error")
    };
    match cause {
        Some(cause) => format!(
            "rebuild failed with {problems} after {cause}; still serving the last good site"
        ),
        None => format!(
            "build failed with {problems}; the preview shows them and reloads once they are fixed"
        ),
    }
}

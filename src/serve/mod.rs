//! `brief serve`: the live preview an editor keeps open while writing.
//!
//! It runs the stages of `brief build`, with the same checks and problems: load
//! ([`crate::site::load_reusing`], parsing again only the files that changed), resolve
//! ([`crate::site::resolve_reusing`], searching again only the annotations that changed) and
//! the render stage's preparation ([`crate::site::prepare`]); it renders a page when a browser
//! asks for it ([`demand`]) and serves the snapshot over HTTP ([`http`]), on loopback unless
//! told otherwise. A watcher ([`watch`])
//! turns each burst of changes under `content/` and `themes/` into one rebuild, and each
//! outcome goes to the [`live::Hub`] that open pages follow through server-sent events: a good
//! build swaps the snapshot and reloads them; a failed one keeps the last good snapshot and
//! shows its diagnostics in an overlay. Nothing here writes to `public/` or the content tree,
//! and the reload script lives only in responses, never in built files.

mod demand;
mod http;
mod live;
mod request;
mod watch;

/// The request parser, public for the fuzz target `serve_request` (`fuzz/`): it is the one
/// function every byte a client sends goes through, so it is fuzzed on its own.
pub use request::{Request, Status, Target, parse_request};

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::annotate::resolve::Resolved;
use crate::console;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, plural};
use crate::site::{self, BuildOptions, Changes, Prepared, Reuse, Site};
use demand::{Made, SiteFiles, Work};

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
    let watcher = watch::Watcher::start(&options.root, options.poll)?;
    say(&format!("serving http://{address}/"));
    if !options.bind.is_loopback() {
        console::err(&format!(
            "warning: listening on {}: anyone who can reach this machine can read the preview\n",
            options.bind
        ));
    }
    let (work, queue) = mpsc::channel();
    let running = || !stop.load(Ordering::SeqCst) && deadline.is_none_or(|d| Instant::now() < d);
    let rebuilder = Rebuilder {
        build: BuildOptions {
            root: options.root.clone(),
            deny_warnings: options.deny_warnings,
            ..BuildOptions::default()
        },
        hub: Arc::new(live::Hub::default()),
        work: work.clone(),
        styled: options.styled,
        quiet: options.quiet,
    };
    let shared = Arc::new(http::Shared::new(
        Arc::clone(&rebuilder.hub),
        Arc::clone(stop),
        address.ip(),
    ));
    let outcome = thread::scope(|scope| {
        scope.spawn(|| watch_until(watcher, &work, &running));
        let mut accept = None;
        // The connections wait in the listener's queue until the first build is published.
        rebuilder.run(&queue, &running, || {
            accept = Some(http::spawn(listener, shared));
        });
        stop.store(true, Ordering::SeqCst);
        accept
    });
    let accept = outcome.transpose().map_err(ServeError::Start)?;
    // Joined only once woken: a loop that could not be woken ends with the process.
    if let Some(accept) = accept
        && http::wake(address)
    {
        let _ = accept.join();
    }
    say("stopped");
    Ok(())
}

/// Turns the watcher's batches into work for the model's thread while the server runs.
fn watch_until(mut watcher: watch::Watcher, work: &Sender<Work>, running: &dyn Fn() -> bool) {
    while running() {
        if let Some(batch) = watcher.next_batch(TICK)
            && work.send(Work::Changed(batch)).is_err()
        {
            return;
        }
    }
}

/// How often the server's loops look whether it is time to stop.
const TICK: Duration = Duration::from_millis(200);

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

/// Runs builds, publishes their outcomes, and makes the files connections ask for: the one
/// thread that holds the loaded and resolved site.
struct Rebuilder {
    build: BuildOptions,
    hub: Arc<live::Hub>,
    /// Handed to each published snapshot, whose connections ask for pages through it.
    work: Sender<Work>,
    styled: bool,
    quiet: bool,
}

/// The site of one build, loaded and resolved: what pages are rendered from.
struct Model {
    site: Site,
    resolved: Resolved,
}

impl Rebuilder {
    /// Builds, then answers requests for files until a change asks for a rebuild, until the
    /// server stops. `started` runs once, after the first build is published.
    fn run(&self, queue: &Receiver<Work>, running: &dyn Fn() -> bool, started: impl FnOnce()) {
        let mut started = Some(started);
        let mut good: Option<Model> = None;
        let mut cause: Option<watch::Batch> = None;
        let mut reuse = Reuse::default();
        let mut shown = Fingerprints::default();
        loop {
            let began = Instant::now();
            if let Some(batch) = &cause {
                announce(batch);
            }
            let mut diagnostics = Diagnostics::default();
            let touches = |path: &Path| cause.as_ref().is_none_or(|batch| batch.touches(path));
            let changes = Changes {
                touches: &touches,
                listing: cause.as_ref().is_none_or(watch::Batch::lists_other_files),
            };
            let loaded = site::load_reusing(&self.build, &mut reuse, changes, &mut diagnostics);
            let model = loaded.map(|site| {
                let resolved = site::resolve_reusing(&site, &mut reuse, &mut diagnostics);
                Model { site, resolved }
            });
            let prepared = model.as_ref().and_then(|m| {
                site::prepare(&self.build.root, &m.site, &m.resolved, &mut diagnostics)
            });
            let failed = diagnostics.fails(self.build.deny_warnings) || prepared.is_none();
            console::err(&self.new_problems(&diagnostics, &mut shown));
            let report = Report {
                elapsed: began.elapsed(),
                annotations: model.as_ref().map_or(0, |m| m.resolved.annotations.len()),
                diagnostics: &diagnostics,
                cause: cause.as_ref().map(watch::Batch::describe),
            };
            let (serving, keep) = match prepared.filter(|_| !failed) {
                Some(prepared) => {
                    self.hub
                        .publish_site(SiteFiles::new(&prepared, self.work.clone()));
                    if !self.quiet {
                        say(&report.success(prepared.page_paths().count()));
                    }
                    (Some(prepared), true)
                }
                None => {
                    self.hub.publish_failure(&diagnostics);
                    console::err(&format!("{}\n", report.failure()));
                    // The last good site, prepared again to render the pages not yet asked for.
                    let last = good.as_ref().and_then(|m| {
                        let mut ignored = Diagnostics::default();
                        site::prepare(&self.build.root, &m.site, &m.resolved, &mut ignored)
                    });
                    (last, false)
                }
            };
            if let Some(start) = started.take() {
                start();
            }
            let next = self.answer_until_change(serving.as_ref(), queue, running);
            drop(serving);
            if keep {
                // The model it replaces is dropped on a thread of its own: freeing an archive's
                // worth of annotations takes milliseconds the next rebuild need not wait for.
                // (A thread that cannot start drops it here, with its closure.)
                let replaced = std::mem::replace(&mut good, model);
                let _ = thread::Builder::new().spawn(move || drop(replaced));
            }
            match next {
                Some(batch) => cause = Some(batch),
                None => return,
            }
        }
    }

    /// The report of the problems `shown` does not hold, which then holds those of this build,
    /// and a line that counts those shown before: an archive with thousands of warnings would
    /// otherwise print all of them on every save. Problems are told apart by their
    /// fingerprints: only the new ones are rendered.
    fn new_problems(&self, diagnostics: &Diagnostics, shown: &mut Fingerprints) -> String {
        let visible = |d: &Diagnostic| !self.quiet || d.severity == Severity::Error;
        let mut new = Diagnostics::default();
        let mut seen = Fingerprints::default();
        let mut prints = Fingerprints::default();
        prints.reserve(diagnostics.problems().len());
        for problem in diagnostics.problems() {
            let print = problem.fingerprint();
            prints.insert(print);
            if !visible(problem) {
                continue;
            }
            if shown.contains(&print) {
                seen.insert(print);
            } else {
                new.extend_shared([Arc::clone(problem)]);
            }
        }
        let mut report = new.render(self.styled);
        if !seen.is_empty() {
            report.push_str(&format!(
                "{} shown before {} still there\n",
                plural(seen.len(), "problem"),
                if seen.len() == 1 { "is" } else { "are" }
            ));
        }
        *shown = prints;
        report
    }

    /// Makes the files connections ask for from `prepared` (none before the first good
    /// build), until a batch of changes (returned) or the end of the server (`None`).
    fn answer_until_change(
        &self,
        prepared: Option<&Prepared<'_>>,
        queue: &Receiver<Work>,
        running: &dyn Fn() -> bool,
    ) -> Option<watch::Batch> {
        while running() {
            match queue.recv_timeout(TICK) {
                Ok(Work::Changed(batch)) => return Some(batch),
                Ok(Work::Make { key, reply }) => {
                    let made = prepared.map_or(Ok(Made::Missing), |prepared| {
                        self.hub.snapshot().files.make(prepared, &key)
                    });
                    let _ = reply.send(made.unwrap_or_else(|problem| {
                        let diagnostics: Diagnostics = [problem].into_iter().collect();
                        console::err(&diagnostics.report(self.quiet, self.styled));
                        console::err(&format!("rendering {key} failed; the page shows why\n"));
                        self.hub.publish_failure(&diagnostics);
                        Made::Failed
                    }));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        None
    }
}

/// A set of problems' fingerprints ([`crate::diagnostics::Problem::fingerprint`]), which are
/// hashes already: each is its own hash in the set.
type Fingerprints = HashSet<u64, BuildHasherDefault<AsItself>>;

/// The hasher of [`Fingerprints`].
#[derive(Default)]
struct AsItself(u64);

impl Hasher for AsItself {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What the user hears about a batch beyond "rebuilt": departures, and the watcher's problems.
fn announce(batch: &watch::Batch) {
    for line in &batch.departures {
        say(&format!("{line}; rebuilding"));
    }
    for error in &batch.errors {
        console::err(&format!("warning: the file watcher reported: {error}\n"));
    }
}

/// One line of the server's log on stdout. The server keeps serving when nobody reads the log
/// any more (`brief serve | head -n 1`): the preview matters, the lost lines do not.
fn say(line: &str) {
    let _ = console::out(&format!("{line}\n"));
}

/// What the line after a build says.
struct Report<'a> {
    elapsed: Duration,
    annotations: usize,
    diagnostics: &'a Diagnostics,
    /// What set the build off; none for the first.
    cause: Option<String>,
}

impl Report<'_> {
    fn success(&self, pages: usize) -> String {
        let verb = if self.cause.is_some() {
            "rebuilt"
        } else {
            "built"
        };
        let after = self
            .cause
            .as_ref()
            .map(|c| format!(" after {c}"))
            .unwrap_or_default();
        format!(
            "{verb} in {} ms{after}: {}, {}, {}",
            self.elapsed.as_millis(),
            plural(pages, "page"),
            plural(self.annotations, "annotation"),
            plural(self.diagnostics.count(Severity::Warning), "warning"),
        )
    }

    fn failure(&self) -> String {
        let errors = self.diagnostics.count(Severity::Error);
        let problems = if errors == 0 {
            plural(self.diagnostics.count(Severity::Warning), "denied warning")
        } else {
            plural(errors, "error")
        };
        match &self.cause {
            Some(cause) => format!(
                "rebuild failed with {problems} after {cause}; still serving the last good site"
            ),
            None => format!(
                "build failed with {problems}; the preview shows them and reloads once they are fixed"
            ),
        }
    }
}

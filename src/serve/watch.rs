//! Watching `content/` and `themes/` and turning bursts of file events into batches, one
//! rebuild each.
//!
//! An editor's save is several events (write, close, rename over, attributes), and an editor
//! or a tool may save dozens of times a second; a batch closes after [`QUIET`] without a
//! relevant event, or [`MAX_DELAY`] after it opened, so a flood gives a rebuild a second at
//! most and a single save is rebuilt almost at once.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::ServeError;

/// How long the files must stay still before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(100);
/// The longest a batch stays open while events keep coming.
pub const MAX_DELAY: Duration = Duration::from_secs(1);
/// How often `--poll` scans the watched folders.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The folders of the site that feed the build.
const WATCHED: [&str; 2] = ["content", "themes"];

/// The changes of one burst of events, relative to the site root.
#[derive(Debug, Default)]
pub struct Batch {
    /// Every relevant path an event named, sorted, less the scratch files that came and went
    /// within the burst.
    pub changed: BTreeSet<PathBuf>,
    /// What the user should hear about beyond "rebuilt": files gone after the burst.
    pub departures: Vec<String>,
    /// Problems the watcher itself reported.
    pub errors: Vec<String>,
    created: BTreeSet<PathBuf>,
    removed: BTreeSet<PathBuf>,
    renamed: Vec<(PathBuf, PathBuf)>,
    /// Whether a file may have been added or removed: an event of creation, removal or
    /// renaming (or of an unknown kind).
    listing: bool,
}

/// Up to this many changed paths, [`Batch::touches`] compares each with the path asked about.
const FEW: usize = 4;

impl Batch {
    /// Judges the burst once it is over, against the files as they are now.
    ///
    /// An editor's save by rename-over (write `x.tmp`, rename it onto `index.md`) briefly
    /// creates, removes and renames files; only a file that existed before the burst and is
    /// gone after it is a departure worth reporting.
    fn settle(&mut self, root: &Path) {
        let exists = |path: &PathBuf| root.join(path).exists();
        let transient: BTreeSet<PathBuf> = self
            .created
            .iter()
            .filter(|p| !exists(p))
            .cloned()
            .collect();
        self.changed.retain(|p| !transient.contains(p));
        let mut reported = BTreeSet::new();
        for (from, to) in &self.renamed {
            if !transient.contains(from) && !exists(from) && exists(to) {
                self.departures
                    .push(format!("renamed {} -> {}", from.display(), to.display()));
                reported.insert(from.clone());
            }
        }
        for path in &self.removed {
            if !transient.contains(path) && !reported.contains(path) && !exists(path) {
                self.departures.push(format!("removed {}", path.display()));
            }
        }
    }

    /// A short description of what changed, for the rebuild line.
    pub fn describe(&self) -> String {
        let mut names = self.changed.iter();
        match (names.next(), self.changed.len()) {
            (None, _) => "a change".to_string(),
            (Some(first), 1) => first.display().to_string(),
            (Some(first), n) => format!("{} and {} more", first.display(), n - 1),
        }
    }

    /// Whether the folders may list other files than before the batch: a file was created,
    /// removed or renamed, or the watcher had problems. Otherwise only the files' contents
    /// changed.
    pub fn lists_other_files(&self) -> bool {
        self.listing || !self.errors.is_empty()
    }

    /// Whether `path` (relative to the root) may differ from what it was before the batch:
    /// it, or a folder holding it, changed; or the watcher had problems and may have missed
    /// events.
    pub fn touches(&self, path: &Path) -> bool {
        // A load asks this of every file of the archive: a save names a path or two, which
        // are cheaper to compare than each of the file's folders to look up.
        !self.errors.is_empty()
            || if self.changed.len() <= FEW {
                self.changed.iter().any(|changed| path.starts_with(changed))
            } else {
                path.ancestors().any(|p| self.changed.contains(p))
            }
    }

    fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.errors.is_empty()
    }

    fn add(&mut self, root: &Path, event: notify::Result<Event>) {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                self.errors.push(error.to_string());
                return;
            }
        };
        if !is_relevant_kind(event.kind) {
            return;
        }
        let paths: Vec<PathBuf> = event
            .paths
            .iter()
            .filter_map(|p| relevant_path(root, p))
            .collect();
        self.listing |= !paths.is_empty()
            && matches!(
                event.kind,
                EventKind::Any
                    | EventKind::Create(_)
                    | EventKind::Remove(_)
                    | EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Any)
            );
        match event.kind {
            EventKind::Create(_) => self.created.extend(paths.iter().cloned()),
            EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
                self.removed.extend(paths.iter().cloned());
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                if let [from, to] = paths.as_slice() {
                    self.renamed.push((from.clone(), to.clone()));
                }
            }
            _ => {}
        }
        self.changed.extend(paths);
    }
}

/// Opening and reading files (our own build reads every content file) and access times are
/// not changes; anything that writes, creates, removes or renames is.
fn is_relevant_kind(kind: EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// The path relative to the root when it lies in a watched folder and is not an editor's
/// scratch file (hidden files, `~` backups, vim's swap files and its `4913` probe, emacs's
/// `#autosave#`), which would otherwise rebuild on every keystroke.
fn relevant_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let relative = path.strip_prefix(root).ok()?;
    let mut components = relative.components();
    let first = components.next()?;
    if !WATCHED
        .iter()
        .any(|w| first == Component::Normal(w.as_ref()))
    {
        return None;
    }
    let scratch = relative.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.')
            || name.starts_with('#')
            || name.ends_with('~')
            || name == "4913"
            || [".swp", ".swo", ".swx", ".tmp"]
                .iter()
                .any(|s| name.ends_with(s))
    });
    (!scratch).then(|| relative.to_path_buf())
}

/// The file watcher, native or polling, and the events it sends.
pub struct Watcher {
    root: PathBuf,
    inner: Box<dyn notify::Watcher + Send>,
    events: Receiver<notify::Result<Event>>,
    watching: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Watches the root itself (to see `content/` or `themes/` appear) and, recursively, each
    /// of the two that exists.
    pub fn start(root: &Path, poll: bool) -> Result<Watcher, ServeError> {
        let root = std::fs::canonicalize(root).map_err(|source| ServeError::Root {
            path: root.to_path_buf(),
            source,
        })?;
        let (sender, events) = mpsc::channel();
        let handler = move |event| {
            // The receiver is gone only while the server shuts down.
            let _ = sender.send(event);
        };
        let watch_error = |source| ServeError::Watch {
            path: root.clone(),
            source,
        };
        let inner: Box<dyn notify::Watcher + Send> = if poll {
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
            Box::new(PollWatcher::new(handler, config).map_err(watch_error)?)
        } else {
            Box::new(
                RecommendedWatcher::new(handler, notify::Config::default()).map_err(watch_error)?,
            )
        };
        let mut watcher = Watcher {
            inner,
            events,
            watching: BTreeSet::new(),
            root: root.clone(),
        };
        watcher
            .inner
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(watch_error)?;
        for name in WATCHED {
            watcher.watch_folder(name)?;
        }
        Ok(watcher)
    }

    fn watch_folder(&mut self, name: &str) -> Result<(), ServeError> {
        let path = self.root.join(name);
        if !path.is_dir() || self.watching.contains(&path) {
            return Ok(());
        }
        self.inner
            .watch(&path, RecursiveMode::Recursive)
            .map_err(|source| ServeError::Watch {
                path: path.clone(),
                source,
            })?;
        self.watching.insert(path);
        Ok(())
    }

    /// Re-watches a watched folder that was removed and made again; the old watch died with
    /// the folder.
    fn follow_folders(&mut self, batch: &mut Batch) {
        for name in WATCHED {
            let path = self.root.join(name);
            if batch.changed.contains(Path::new(name)) {
                let _ = self.inner.unwatch(&path);
                self.watching.remove(&path);
                if let Err(error) = self.watch_folder(name) {
                    batch.errors.push(error.to_string());
                }
            }
        }
    }

    /// The next batch of changes; `None` when nothing relevant happened within `idle`.
    pub fn next_batch(&mut self, idle: Duration) -> Option<Batch> {
        let mut batch = Batch::default();
        let opened = self.receive_into(&mut batch, Instant::now() + idle)?;
        let close_by = opened + MAX_DELAY;
        loop {
            let quiet_until = (Instant::now() + QUIET).min(close_by);
            if self.receive_into(&mut batch, quiet_until).is_none() || Instant::now() >= close_by {
                break;
            }
        }
        self.follow_folders(&mut batch);
        batch.settle(&self.root);
        Some(batch)
    }

    /// Receives events into `batch` until one is relevant (its arrival time) or `deadline`.
    fn receive_into(&self, batch: &mut Batch, deadline: Instant) -> Option<Instant> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    batch.add(&self.root, event);
                    if !batch.is_empty() {
                        return Some(Instant::now());
                    }
                }
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    // The watcher owns the sender, so this cannot happen while it lives; wait
                    // out the deadline rather than spin.
                    std::thread::sleep(left);
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files_and_other_folders_are_ignored() {
        let root = Path::new("/site");
        let keep = |p: &str| relevant_path(root, &root.join(p)).is_some();
        assert!(keep("content/index.md"));
        assert!(keep("content/annotations/a/b.yaml"));
        assert!(keep("themes/default/templates/base.html"));
        assert!(keep("content"));
        assert!(!keep("public/index.html"));
        assert!(!keep("README.md"));
        assert!(!keep("content/.index.md.swp"));
        assert!(!keep("content/index.md~"));
        assert!(!keep("content/4913"));
        assert!(!keep("content/#index.md#"));
        assert!(!keep("themes/.git/index"));
    }

    #[test]
    fn a_batch_touches_the_files_it_names_and_those_in_folders_it_names() {
        let mut batch = Batch::default();
        batch
            .changed
            .insert(PathBuf::from("content/annotations/a.yaml"));
        batch.changed.insert(PathBuf::from("content/sources"));
        let asked = [
            ("content/annotations/a.yaml", true),
            ("content/sources/x.md", true),
            ("content/annotations/b.yaml", false),
            ("content/sources-old/x.md", false),
            ("content/annotations/a.yaml.md", false),
        ];
        // Both ways of asking: a few changed paths, and more than a few.
        for more in [0, FEW] {
            for n in 0..more {
                batch
                    .changed
                    .insert(PathBuf::from(format!("themes/t{n}.html")));
            }
            for (path, touched) in asked {
                assert_eq!(
                    batch.touches(Path::new(path)),
                    touched,
                    "{path}, {more} more"
                );
            }
        }
        batch.errors.push("events were lost".to_string());
        assert!(batch.touches(Path::new("content/annotations/b.yaml")));
    }

    /// A save that only writes lets the load keep each folder's listing; anything that may
    /// add or remove a file (a move into the folder is a rename with one path) lists again.
    #[test]
    fn only_creations_removals_and_renames_list_the_folders_again() {
        let root = Path::new("/site");
        let event = |kind: EventKind, path: &str| Ok(Event::new(kind).add_path(root.join(path)));
        let mut writes = Batch::default();
        let write = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Content));
        writes.add(root, event(write, "content/annotations/a.yaml"));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        writes.add(root, event(closed, "content/annotations/a.yaml"));
        // An editor's scratch file is not a file of the site.
        let created = EventKind::Create(notify::event::CreateKind::File);
        writes.add(root, event(created, "content/annotations/.a.yaml.swp"));
        assert!(!writes.lists_other_files());
        for kind in [
            created,
            EventKind::Remove(notify::event::RemoveKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Any,
        ] {
            let mut batch = Batch::default();
            batch.add(root, event(kind, "content/annotations/b.yaml"));
            assert!(batch.lists_other_files(), "{kind:?}");
        }
        let mut lost = Batch::default();
        lost.errors.push("events were lost".to_string());
        assert!(lost.lists_other_files());
    }

    #[test]
    fn reads_do_not_rebuild() {
        assert!(!is_relevant_kind(EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_relevant_kind(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_relevant_kind(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_relevant_kind(EventKind::Remove(
            notify::event::RemoveKind::File
        )));
    }

    #[test]
    fn a_save_by_rename_over_is_not_a_removal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::write(root.join("content/index.md"), "x").expect("write");
        std::fs::write(root.join("content/b.yaml"), "x").expect("write");
        let mut batch = Batch::default();
        let rename = |from: &str, to: &str| {
            Ok(
                Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
                    .add_path(root.join(from))
                    .add_path(root.join(to)),
            )
        };
        let create = |path: &str| {
            Ok(
                Event::new(EventKind::Create(notify::event::CreateKind::File))
                    .add_path(root.join(path)),
            )
        };
        batch.add(root, create("content/index.md.new"));
        batch.add(root, rename("content/index.md.new", "content/index.md"));
        batch.add(root, rename("content/a.yaml", "content/b.yaml"));
        batch.add(
            root,
            Ok(
                Event::new(EventKind::Remove(notify::event::RemoveKind::File))
                    .add_path(root.join("content/gone.yaml")),
            ),
        );
        batch.settle(root);
        assert_eq!(
            batch.departures,
            [
                "renamed content/a.yaml -> content/b.yaml",
                "removed content/gone.yaml"
            ]
        );
        assert!(!batch.changed.contains(Path::new("content/index.md.new")));
    }
}

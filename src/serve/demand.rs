//! The served site's files, rendered when a browser first asks for them.
//!
//! A rebuild prepares the site ([`site::prepare`]: load, resolve and everything the pages
//! share) and publishes a [`SiteFiles`] holding only the files that cost nothing to make (the
//! theme's assets, the feed, the sitemap) and the paths of the pages. A page is rendered the
//! first time it is asked for, by the thread that holds the model, and kept until the next
//! rebuild; the search shards and `annotations.jsonld` are made together the first time one
//! of them is asked for. So a save re-renders the page being viewed, not the whole archive.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::diagnostics::Diagnostic;
use crate::site::{Prepared, is_index_file};

/// A file's bytes, shared by every connection that sends it.
pub type Bytes = Arc<[u8]>;

/// What the thread holding the model is asked to do: rebuild after a batch of changes, or
/// make one file of the served site.
pub enum Work {
    /// Files changed under `content/` or `themes/`.
    Changed(super::watch::Batch),
    /// A connection wants the file at `key` (a key of [`SiteFiles`]).
    Make {
        /// The file's path in the site.
        key: String,
        /// Where the answer goes.
        reply: SyncSender<Made>,
    },
}

/// The answer to [`Work::Make`].
#[derive(Debug)]
pub enum Made {
    /// The file, now kept in the snapshot.
    File(Bytes),
    /// The site has no such file.
    Missing,
    /// The page failed to render; the problem is reported like a failed build's.
    Failed,
}

/// The files of one good build: those made so far, and what can still be made.
#[derive(Debug, Default)]
pub struct SiteFiles {
    made: Mutex<HashMap<String, Bytes>>,
    /// The pages, made on demand.
    pages: HashSet<String>,
    /// Where requests for files not made yet go; none before the first good build.
    model: Option<Sender<Work>>,
    /// Whether [`Prepared::index_files`] are among the made files.
    indexes_made: AtomicBool,
}

/// A connection waits this long for a page: a rebuild of a large archive runs first when one
/// is under way.
const MAKE_DEADLINE: Duration = Duration::from_secs(60);

impl SiteFiles {
    /// The files of a prepared site: the fixed ones now, the pages on demand through `model`.
    pub fn new(prepared: &Prepared<'_>, model: Sender<Work>) -> SiteFiles {
        let made = prepared
            .fixed_files()
            .into_iter()
            .map(|(path, bytes)| (path, Bytes::from(bytes)))
            .collect();
        SiteFiles {
            made: Mutex::new(made),
            pages: prepared.page_paths().map(str::to_string).collect(),
            model: Some(model),
            indexes_made: AtomicBool::new(false),
        }
    }

    /// A poisoned lock only means a thread panicked between two inserts; the map is whole.
    fn made(&self) -> MutexGuard<'_, HashMap<String, Bytes>> {
        self.made.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the site has a file at `key`, made or not.
    pub fn contains(&self, key: &str) -> bool {
        self.pages.contains(key) || self.made().contains_key(key)
    }

    /// The file at `key`, made now by the model's thread when it is a page or an index not
    /// made yet (the connection waits for it).
    pub fn get(&self, key: &str) -> Made {
        if let Some(bytes) = self.made().get(key) {
            return Made::File(Arc::clone(bytes));
        }
        let Some(model) = self.model.as_ref().filter(|_| self.may_make(key)) else {
            return Made::Missing;
        };
        let (reply, answer) = mpsc::sync_channel(1);
        let key = key.to_string();
        if model.send(Work::Make { key, reply }).is_err() {
            return Made::Missing;
        }
        answer.recv_timeout(MAKE_DEADLINE).unwrap_or(Made::Missing)
    }

    fn may_make(&self, key: &str) -> bool {
        self.pages.contains(key) || is_index_file(key)
    }

    /// Makes the file at `key` from `prepared`, the model this snapshot was published from,
    /// and keeps it; a page that fails to render gives its problem.
    pub fn make(&self, prepared: &Prepared<'_>, key: &str) -> Result<Made, Diagnostic> {
        if let Some(bytes) = self.made().get(key) {
            return Ok(Made::File(Arc::clone(bytes)));
        }
        if is_index_file(key) {
            let mut made = self.made();
            if !self.indexes_made.swap(true, Ordering::SeqCst) {
                made.extend(
                    prepared
                        .index_files()
                        .into_iter()
                        .map(|(path, bytes)| (path, Bytes::from(bytes))),
                );
            }
            return Ok(made
                .get(key)
                .map_or(Made::Missing, |b| Made::File(Arc::clone(b))));
        }
        let Some(page) = prepared.render_page(key) else {
            return Ok(Made::Missing);
        };
        let bytes = Bytes::from(page?);
        self.made().insert(key.to_string(), Arc::clone(&bytes));
        Ok(Made::File(bytes))
    }
}

//! The indexes of the whole site, made beside the pages: the search index's files and
//! `annotations.jsonld`, each handed to the sink as it is made.

use std::sync::{Mutex, PoisonError};

use super::Site;
use super::pages::{Prepared, put};
use crate::content::Briefing;
use crate::diagnostics::Diagnostic;
use crate::output::{Sink, SiteFiles};
use crate::render::scripts;

impl Prepared<'_> {
    /// The indexes of the whole site: the search shards and `annotations.jsonld` (the files
    /// [`is_index_file`] names).
    pub fn index_files(&self) -> SiteFiles {
        let files = Mutex::new(SiteFiles::new());
        for written in self.write_index_files(&files) {
            written.expect("brief's own index files have plain paths");
        }
        files.into_inner().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes [`Prepared::index_files`] into `sink`, each as it is made: `annotations.jsonld`
    /// is serialised straight into its file, one annotation at a time.
    pub(super) fn write_index_files(
        &self,
        sink: &dyn Sink,
    ) -> Vec<Result<(String, usize), Diagnostic>> {
        let (site, resolved) = (self.shared.site, self.shared.resolved);
        let search = Mutex::new(Vec::new());
        let jsonld = "annotations.jsonld";
        let ((), size) = rayon::join(
            || {
                scripts::search_files(
                    &search_pages(site),
                    &site.sources,
                    resolved,
                    &|path, text| {
                        let written = put(sink, format!("assets/{path}"), text.as_bytes());
                        search
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(written);
                    },
                );
            },
            || {
                sink.write(jsonld, &mut |out| {
                    crate::annotate::jsonld::write(
                        out,
                        resolved,
                        &site.sources,
                        self.shared.title,
                        site.config.base_url.as_deref(),
                    )
                })
            },
        );
        let mut written = search.into_inner().unwrap_or_else(PoisonError::into_inner);
        written.push(
            size.map(|size| (jsonld.to_string(), size))
                .map_err(super::write_failed),
        );
        written
    }
}

/// Whether `path` is one of [`Prepared::index_files`], whose names depend on the content.
pub fn is_index_file(path: &str) -> bool {
    path.starts_with("assets/search/") || path == "annotations.jsonld"
}

/// The briefings search covers, by page: the home briefing, then the series.
fn search_pages(site: &Site) -> Vec<(String, &Briefing)> {
    std::iter::once(("index.html".to_string(), &site.briefing))
        .chain(
            site.series
                .iter()
                .map(|entry| (entry.href.clone(), &entry.briefing)),
        )
        .collect()
}

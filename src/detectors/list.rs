//! The catalog's detectors: each one's [`Head`] at hand from the start, the rest decoded the
//! first time something asks for the [`Detector`].
//!
//! Why: decoding all of the built-in catalog (394 detectors, their remediation text, references
//! and examples) cost 7.8 M instructions, most of a one-file scan or a hook call, which read a
//! few detectors at most. The heads are what the engine needs to build its prefilter and what
//! the generic layer reads; a keyword hit, a finding or a listing decodes the detector it names.
//! Every built-in detector is decoded and checked by the test suite, so decoding one at run time
//! cannot fail.

use super::spec::{self, DetectorSpec, Head, ProviderDefaults};
use super::{Detector, make_detector};
use anyhow::{Context, Result};
use std::sync::OnceLock;

/// The index of the built-in catalog ([`spec::Embedded`]), written by `build.rs`.
static INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/catalog-index.postcard"));
/// The specs and file defaults the index points into.
static SPECS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/catalog-specs.postcard"));

/// Every detector of a catalog, built-in first, in file order.
#[derive(Default)]
pub struct Detectors {
    entries: Vec<Entry>,
    files: Vec<File>,
}

struct Entry {
    head: Head,
    /// Boxed: a detector is 900 bytes, and an entry of each of the 394 built-in ones, most
    /// never decoded, cost 100 pages of zeroed memory at start.
    detector: OnceLock<Box<Detector>>,
    /// For a built-in detector: its file (an index into `files`) and its spec in [`SPECS`].
    embedded: Option<(usize, (u32, u32))>,
}

/// A built-in provider file, as far as decoding its detectors needs it.
struct File {
    name: &'static str,
    provider: &'static str,
    provider_name: &'static str,
    defaults: (u32, u32),
}

impl Detectors {
    /// The built-in catalog's heads, its detectors not yet decoded.
    pub(super) fn builtin() -> Result<Detectors> {
        let index: spec::Embedded =
            postcard::from_bytes(INDEX).context("embedded detector catalog")?;
        let mut list = Detectors::default();
        // Reserved: an entry is large (its detector slot), and growing the list copies them.
        list.entries
            .reserve(index.iter().map(|f| f.detectors.len()).sum());
        list.files.reserve(index.len());
        for f in index {
            let file = list.files.len();
            for d in f.detectors {
                list.entries.push(Entry {
                    head: d.head,
                    detector: OnceLock::new(),
                    embedded: Some((file, d.spec)),
                });
            }
            list.files.push(File {
                name: f.name,
                provider: f.provider,
                provider_name: f.provider_name,
                defaults: f.defaults,
            });
        }
        Ok(list)
    }

    /// Appends a detector loaded from a file.
    pub(super) fn push(&mut self, head: Head, detector: Detector) {
        self.entries.push(Entry {
            head,
            detector: OnceLock::from(Box::new(detector)),
            embedded: None,
        });
    }

    /// Keeps the detectors for which `keep(head, built-in)` holds.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&Head, bool) -> bool) {
        self.entries.retain(|e| keep(&e.head, e.embedded.is_some()));
    }

    /// How many detectors.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The head of detector `i`, without decoding it.
    pub fn head(&self, i: usize) -> &Head {
        &self.entries[i].head
    }

    /// Whether detector `i` is built in (not loaded from a user's file).
    pub fn is_builtin(&self, i: usize) -> bool {
        self.entries[i].embedded.is_some()
    }

    /// Every head, in order.
    pub fn heads(&self) -> impl ExactSizeIterator<Item = &Head> {
        self.entries.iter().map(|e| &e.head)
    }

    /// Every detector, in order (decoding those not yet decoded).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Detector> {
        (0..self.len()).map(|i| &self[i])
    }

    /// The detectors loaded from a user's file (already decoded), without decoding the
    /// built-in ones.
    pub fn user_loaded(&self) -> impl Iterator<Item = &Detector> {
        self.entries
            .iter()
            .filter(|e| e.embedded.is_none())
            .filter_map(|e| e.detector.get().map(|d| &**d))
    }

    fn decode(&self, head: &Head, file: usize, spec: (u32, u32)) -> Detector {
        let f = &self.files[file];
        let part = |(start, end): (u32, u32)| &SPECS[start as usize..end as usize];
        let defaults: ProviderDefaults =
            postcard::from_bytes(part(f.defaults)).expect("embedded defaults decode");
        let spec: DetectorSpec = postcard::from_bytes(part(spec)).expect("embedded spec decodes");
        make_detector(spec, head, &defaults, f.provider, f.provider_name, f.name).unwrap_or_else(
            |e| panic!("built-in detector {e:#}; the test suite loads every one, so run it"),
        )
    }
}

impl std::ops::Index<usize> for Detectors {
    type Output = Detector;

    /// Detector `i`, decoded on first use.
    fn index(&self, i: usize) -> &Detector {
        let e = &self.entries[i];
        e.detector.get_or_init(|| {
            let (file, spec) = e
                .embedded
                .expect("a detector loaded from a file is decoded when pushed");
            Box::new(self.decode(&e.head, file, spec))
        })
    }
}

impl<'a> IntoIterator for &'a Detectors {
    type Item = &'a Detector;
    type IntoIter = Box<dyn Iterator<Item = &'a Detector> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::fmt::Debug for Detectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|e| &e.head.id))
            .finish()
    }
}

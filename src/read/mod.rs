//! Reading a file's bytes: where credgate touches the disk.
//!
//! - Files are opened with `O_NONBLOCK` (a FIFO that replaced a regular file between the walk and
//!   the open cannot block the scan) and `O_NOATIME` where the kernel permits it (scanning does not
//!   change access times), and checked with `fstat` on the open descriptor, so the type and size
//!   that decide how to read are the ones of the file actually opened.
//! - Small files are read into a buffer that each thread reuses; large ones are memory-mapped,
//!   which avoids copying them and lets the engine split them across threads.
//! - A UTF-16 file (one that starts with a byte-order mark) is decoded to UTF-8 before matching,
//!   since every detector pattern is ASCII.

pub mod mapguard;

use memmap2::Mmap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Files at least this large are memory-mapped rather than read.
pub const MMAP_THRESHOLD: u64 = 8 * 1024 * 1024;

/// Why a file was not scanned.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum SkipReason {
    /// Larger than `--max-file-size`.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit it is over.
        limit: u64,
    },
    /// A FIFO, socket or device: reading it could block forever or never end.
    SpecialFile {
        /// `fifo`, `socket`, `character device`, ...
        kind: &'static str,
    },
    /// A symbolic link, not followed without `--follow`.
    Symlink,
    /// Deliberately not scanned (a submodule, a Git LFS pointer), with the reason.
    NotScanned {
        /// Why, in a phrase.
        why: &'static str,
    },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => {
                write!(
                    f,
                    "larger than the size limit ({size} bytes > {limit} bytes)"
                )
            }
            SkipReason::SpecialFile { kind } => write!(f, "not a regular file ({kind})"),
            SkipReason::Symlink => write!(f, "symbolic link not followed (use --follow)"),
            SkipReason::NotScanned { why } => write!(f, "not scanned: {why}"),
        }
    }
}

#[derive(Debug)]
pub enum LoadError {
    Skip(SkipReason),
    Io(io::Error),
}

impl From<io::Error> for LoadError {
    fn from(e: io::Error) -> Self {
        LoadError::Io(e)
    }
}

/// A file's content, borrowed from the reader's buffer or mapped.
pub enum Content<'a> {
    Buffer(&'a [u8]),
    Mapped(Mapped),
}

/// A memory map guarded against truncation ([`mapguard`]), with the file it maps.
pub struct Mapped {
    // Field order is drop order: the guard is unregistered before the map goes away.
    guard: mapguard::Guard,
    map: Mmap,
    file: File,
}

impl Content<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Content::Buffer(b) => b,
            Content::Mapped(m) => &m.map,
        }
    }

    /// Gives back the memory of `range` of a mapped file once it has been matched: the pages
    /// leave this process (they stay in the page cache, and come back if read again), so a scan
    /// of a file larger than memory does not hold it all resident. No-op for buffers.
    pub fn release(&self, range: std::ops::Range<usize>) {
        #[cfg(unix)]
        if let Content::Mapped(m) = self {
            let end = range.end.min(m.map.len());
            if end > range.start {
                // SAFETY: MADV_DONTNEED on a read-only private file mapping only drops pages
                // from this process; the next access reads them from the file again (memmap2
                // rounds the start down to a page, which is as harmless).
                let _ = unsafe {
                    m.map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        range.start,
                        end - range.start,
                    )
                };
            }
        }
        #[cfg(not(unix))]
        let _ = range;
    }

    /// Whether the file shrank while it was mapped and read: part of what was matched is the
    /// zeros that stood in for the missing pages, and the scan of this file is incomplete.
    pub fn changed_while_read(&self) -> bool {
        match self {
            Content::Buffer(_) => false,
            Content::Mapped(m) => {
                m.guard.truncated()
                    || m.file.metadata().map(|md| md.len()).ok() != Some(m.map.len() as u64)
            }
        }
    }
}

/// A loaded file: its content, and the encoding it was decoded from, if any.
pub struct Loaded<'a> {
    pub content: Content<'a>,
    pub encoding: Option<&'static str>,
}

/// Whether large files may be memory-mapped. Off unless asked for, because asking for it
/// installs a process-wide `SIGBUS` handler (see [`MmapChoice::auto`]); the command line opts in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MmapChoice(bool);

impl MmapChoice {
    /// Read every file into a buffer.
    pub fn never() -> MmapChoice {
        MmapChoice(false)
    }

    /// Memory-map files of at least 8 MiB, which avoids copying them and lets both cores match
    /// one large file.
    ///
    /// # Safety
    ///
    /// A memory map is only as stable as its file: if another process truncates a mapped file,
    /// reading past its new end raises `SIGBUS`. To survive that, credgate installs a
    /// process-wide `SIGBUS` handler on first use that maps zero pages over the lost range (and
    /// re-raises for any other fault). It replaces a handler the process had. Choose this only
    /// in a process where that handler is acceptable; files that change while they are read may
    /// then be read partly as zeros (reported as a warning), never as undefined behaviour.
    pub unsafe fn auto() -> MmapChoice {
        MmapChoice(true)
    }

    /// Whether maps are allowed.
    pub fn enabled(self) -> bool {
        self.0
    }
}

/// One per thread: owns the buffers that are reused from file to file.
pub struct Reader {
    max_size: u64,
    mmap: MmapChoice,
    buf: Vec<u8>,
    decoded: Vec<u8>,
}

impl Reader {
    /// A reader that skips files larger than `max_size` and maps large files only when `mmap`
    /// allows it.
    pub fn new(max_size: u64, mmap: MmapChoice) -> Reader {
        Reader {
            max_size,
            mmap,
            buf: Vec::new(),
            decoded: Vec::new(),
        }
    }

    /// Content already in memory (a git blob, an environment variable), under the same size
    /// limit and UTF-16 decoding as a file.
    pub fn load_bytes<'b>(&'b mut self, bytes: &'b [u8]) -> Result<Loaded<'b>, LoadError> {
        let size = bytes.len() as u64;
        if size > self.max_size {
            return Err(LoadError::Skip(SkipReason::TooLarge {
                size,
                limit: self.max_size,
            }));
        }
        match utf16_order(bytes) {
            Some(big_endian) => {
                decode_utf16(bytes, big_endian, &mut self.decoded);
                Ok(Loaded {
                    content: Content::Buffer(&self.decoded),
                    encoding: Some(if big_endian { "utf-16be" } else { "utf-16le" }),
                })
            }
            None => Ok(Loaded {
                content: Content::Buffer(bytes),
                encoding: None,
            }),
        }
    }

    /// Opens and reads (or maps) `path`. Never blocks on special files.
    pub fn load(&mut self, path: &Path) -> Result<Loaded<'_>, LoadError> {
        let file = open_for_scan(path)?;
        let meta = file.metadata()?;
        let ft = meta.file_type();
        if !ft.is_file() {
            return Err(LoadError::Skip(SkipReason::SpecialFile {
                kind: special_kind(&ft),
            }));
        }
        let size = meta.len();
        if size > self.max_size {
            return Err(LoadError::Skip(SkipReason::TooLarge {
                size,
                limit: self.max_size,
            }));
        }
        let mapped = if self.mmap.enabled() && size >= MMAP_THRESHOLD {
            // SAFETY: the map is read-only and private to this process, and the caller accepted
            // the map contract through the unsafe `MmapChoice::auto`. If another process
            // truncates the file while it is mapped, reading past the new end raises SIGBUS,
            // which the guard turns into zero pages (see [`mapguard`]); without a guard slot the
            // file is read instead. Concurrent writes (not truncation) may be seen mid-scan,
            // which is no worse than reading a file that is being written.
            let map = unsafe { Mmap::map(&file)? };
            #[cfg(unix)]
            let _ = map.advise(memmap2::Advice::Sequential);
            mapguard::Guard::register(map.as_ptr(), map.len()).map(|guard| (guard, map))
        } else {
            None
        };
        let content = if let Some((guard, map)) = mapped {
            Content::Mapped(Mapped { guard, map, file })
        } else {
            self.buf.clear();
            // Read at most one byte past the limit: a file that grew since fstat is cut, not
            // read without bound.
            let limit = self.max_size.saturating_add(1);
            self.buf.reserve(size as usize + 1);
            (&file).take(limit).read_to_end(&mut self.buf)?;
            Content::Buffer(&self.buf)
        };
        match utf16_order(content.bytes()) {
            Some(big_endian) => {
                decode_utf16(content.bytes(), big_endian, &mut self.decoded);
                Ok(Loaded {
                    content: Content::Buffer(&self.decoded),
                    encoding: Some(if big_endian { "utf-16be" } else { "utf-16le" }),
                })
            }
            None => Ok(Loaded {
                content,
                encoding: None,
            }),
        }
    }
}

#[cfg(unix)]
fn open_for_scan(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let base = libc::O_NONBLOCK | libc::O_NOCTTY;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // O_NOATIME is allowed only for the file's owner (or CAP_FOWNER); retry without it.
        match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(base | libc::O_NOATIME)
            .open(path)
        {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {}
            other => return other,
        }
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(base)
        .open(path)
}

#[cfg(not(unix))]
fn open_for_scan(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// A name for a non-regular file type, for the skip report.
pub fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "fifo";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_char_device() {
            return "character device";
        }
    }
    if ft.is_dir() {
        return "directory";
    }
    if ft.is_symlink() {
        return "symlink";
    }
    "special file"
}

/// `Some(true)` for a UTF-16BE byte-order mark, `Some(false)` for UTF-16LE.
fn utf16_order(b: &[u8]) -> Option<bool> {
    match b {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

/// Decodes UTF-16 (after the BOM) into UTF-8, replacing unpaired surrogates with U+FFFD.
fn decode_utf16(b: &[u8], big_endian: bool, out: &mut Vec<u8>) {
    out.clear();
    let units = b[2..].chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut tmp = [0u8; 4];
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_le_and_be_decode() {
        let text = "key=AKIA\u{e9}\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        let mut out = Vec::new();
        decode_utf16(&le, utf16_order(&le).unwrap(), &mut out);
        assert_eq!(out, text.as_bytes());
        decode_utf16(&be, utf16_order(&be).unwrap(), &mut out);
        assert_eq!(out, text.as_bytes());
    }

    #[test]
    fn too_large_is_a_skip_with_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        let mut r = Reader::new(10, MmapChoice::never());
        match r.load(&p) {
            Err(LoadError::Skip(SkipReason::TooLarge {
                size: 100,
                limit: 10,
            })) => {}
            _ => panic!("expected too-large skip"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_skipped_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let mut r = Reader::new(1 << 20, MmapChoice::never());
        match r.load(&p) {
            Err(LoadError::Skip(SkipReason::SpecialFile { kind: "fifo" })) => {}
            _ => panic!("expected fifo skip"),
        }
    }
}

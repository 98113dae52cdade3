//! Reading a file's bytes: where credgate touches the disk.
//!
//! - Files are opened with `O_NONBLOCK` (a FIFO that replaced a regular file between the walk and
//!   the open cannot block the scan) and `O_NOATIME` where the kernel permits it (scanning does not
//!   change access times), and checked with `fstat` on the open descriptor, so the type and size
//!   that decide how to read are the ones of the file actually opened. A file the walker saw as
//!   regular is first read up to 64 KiB without `fstat` (most files end there; the system call
//!   was 2-3% of a scan); only one that fills that much is then checked and read on.
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
    /// [`PROBE`] bytes, zeroed once and read into directly for each small file.
    probe: Vec<u8>,
    decoded: Vec<u8>,
}

/// How much of a file the walker saw as regular is read before its size is asked for.
const PROBE: usize = 64 * 1024;

impl Reader {
    /// A reader that skips files larger than `max_size` and maps large files only when `mmap`
    /// allows it.
    pub fn new(max_size: u64, mmap: MmapChoice) -> Reader {
        Reader {
            max_size,
            mmap,
            buf: Vec::new(),
            probe: Vec::new(),
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
        Ok(decode(Content::Buffer(bytes), &mut self.decoded))
    }

    /// Opens and reads (or maps) `path`. Never blocks on special files.
    pub fn load(&mut self, path: &Path) -> Result<Loaded<'_>, LoadError> {
        let file = open_for_scan(path)?;
        self.load_open(file, 0)
    }

    /// [`Reader::load`] of a file that the walker's directory entry says is regular: up to
    /// [`PROBE`] bytes (or the size limit and one byte more) are read straight away, and a file
    /// that ends within them is done without `fstat`. One that does not is checked and read (or
    /// mapped) as by `load`, so a device that replaced the file since the walk is still skipped,
    /// after one bounded read.
    pub fn load_regular(&mut self, path: &Path) -> Result<Loaded<'_>, LoadError> {
        let file = open_for_scan(path)?;
        if self.probe.len() < PROBE {
            self.probe.resize(PROBE, 0);
        }
        let cap = usize::try_from(self.max_size.saturating_add(1)).map_or(PROBE, |m| m.min(PROBE));
        let mut n = 0;
        while n < cap {
            match (&file).read(&mut self.probe[n..cap]) {
                Ok(0) => {
                    let content = Content::Buffer(&self.probe[..n]);
                    return Ok(decode(content, &mut self.decoded));
                }
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.buf.clear();
        self.buf.extend_from_slice(&self.probe[..n]);
        self.load_open(file, n)
    }

    /// Checks the open `file` and reads (or maps) it; `self.buf` holds its first `read` bytes
    /// already (and the file's offset is past them).
    fn load_open(&mut self, file: File, read: usize) -> Result<Loaded<'_>, LoadError> {
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
            self.buf.truncate(read);
            // Read at most one byte past the limit: a file that grew since fstat is cut, not
            // read without bound.
            let limit = self.max_size.saturating_add(1).saturating_sub(read as u64);
            self.buf.reserve((size as usize + 1).saturating_sub(read));
            (&file).take(limit).read_to_end(&mut self.buf)?;
            Content::Buffer(&self.buf)
        };
        Ok(decode(content, &mut self.decoded))
    }
}

/// `content` as it is matched: UTF-16 (a byte-order mark first) decoded into `decoded`.
fn decode<'a>(content: Content<'a>, decoded: &'a mut Vec<u8>) -> Loaded<'a> {
    match utf16_order(content.bytes()) {
        Some(big_endian) => {
            decode_utf16(content.bytes(), big_endian, decoded);
            Loaded {
                content: Content::Buffer(decoded),
                encoding: Some(if big_endian { "utf-16be" } else { "utf-16le" }),
            }
        }
        None => Loaded {
            content,
            encoding: None,
        },
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

    /// `load_regular` gives what `load` gives: every size around the probe and the limit,
    /// UTF-16, and a limit below the probe (reported with the file's whole size).
    #[test]
    fn load_regular_reads_as_load_does() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let summary = |l: Result<Loaded<'_>, LoadError>| match l {
            Ok(l) => Ok((l.content.bytes().to_vec(), l.encoding)),
            Err(LoadError::Skip(s)) => Err(s.to_string()),
            Err(LoadError::Io(e)) => Err(e.to_string()),
        };
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("token=x\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut files: Vec<Vec<u8>> = [0, 1, 100, PROBE - 1, PROBE, PROBE + 1, 3 * PROBE + 7]
            .iter()
            .map(|&n| (0..n).map(|i| b'a' + (i % 26) as u8).collect())
            .collect();
        files.push(utf16);
        for limit in [0, 10, 100, PROBE as u64 - 1, PROBE as u64, 1 << 20] {
            let (mut a, mut b) = (
                Reader::new(limit, MmapChoice::never()),
                Reader::new(limit, MmapChoice::never()),
            );
            for f in &files {
                std::fs::write(&p, f).unwrap();
                assert_eq!(
                    summary(a.load_regular(&p)),
                    summary(b.load(&p)),
                    "{} bytes, limit {limit}",
                    f.len()
                );
            }
        }
    }

    /// A device where the walk saw a regular file (replaced in between) is read once, up to the
    /// probe, and then skipped as `load` skips it.
    #[cfg(target_os = "linux")]
    #[test]
    fn load_regular_skips_a_device() {
        let mut r = Reader::new(1 << 20, MmapChoice::never());
        match r.load_regular(Path::new("/dev/zero")) {
            Err(LoadError::Skip(SkipReason::SpecialFile { .. })) => {}
            Err(e) => panic!("expected a special-file skip, got {e:?}"),
            Ok(_) => panic!("expected a special-file skip, got content"),
        }
    }
}

//! Memory maps that survive the file being truncated under them.
//!
//! Reading a mapped page that lies past the end of its file raises `SIGBUS`, which kills the
//! process. A file can shrink at any time while credgate scans it: a log rotated, a build
//! output rewritten, or a hostile repository that truncates a large file on purpose to stop the
//! scanner. So every map credgate reads is registered here, and a `SIGBUS` handler checks the
//! faulting address: if it falls inside a registered map, the handler maps a page of zeros over
//! the missing page (`MAP_FIXED`), marks the map as truncated and returns, so the read sees zeros
//! and the scan goes on. The scan then reports the file as changed while it was read. A fault at
//! any other address is not ours: the handler restores the default action and returns, and the
//! repeated fault ends the process as it would have without credgate's handler.
//!
//! The handler uses only atomics and the `mmap` system call, and the registry is a fixed array,
//! so nothing in it allocates or locks.

#[cfg(unix)]
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// At most this many maps are guarded at once; one per scanning thread is what credgate uses.
/// When every slot is taken, [`Guard::register`] returns `None` and the caller reads the file
/// instead of mapping it.
const SLOTS: usize = 256;

struct Slot {
    start: AtomicUsize,
    len: AtomicUsize,
    truncated: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: Slot = Slot {
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    truncated: AtomicBool::new(false),
};

static REGISTRY: [Slot; SLOTS] = [EMPTY; SLOTS];
#[cfg(unix)]
static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// A registered map. Dropping it unregisters the range; drop it before the map is unmapped.
pub struct Guard {
    slot: usize,
}

impl Guard {
    /// Registers `len` bytes at `start` (the address of a map) and installs the handler on
    /// first use. `None` when the handler cannot be installed or every slot is in use.
    pub fn register(start: *const u8, len: usize) -> Option<Guard> {
        install();
        if !INSTALLED.load(Ordering::Acquire) || len == 0 {
            return None;
        }
        for (i, s) in REGISTRY.iter().enumerate() {
            // Claim a free slot by its length first, so the handler never sees a half-set slot
            // as covering an address: it needs both a start and a non-zero length.
            if s.len
                .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                s.truncated.store(false, Ordering::Relaxed);
                s.start.store(start as usize, Ordering::Release);
                s.len.store(len, Ordering::Release);
                return Some(Guard { slot: i });
            }
        }
        None
    }

    /// Whether a page of this map was past the end of its file when it was read: the file was
    /// truncated during the scan, and what was read there is zeros.
    pub fn truncated(&self) -> bool {
        REGISTRY[self.slot].truncated.load(Ordering::Acquire)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let s = &REGISTRY[self.slot];
        s.start.store(0, Ordering::Release);
        s.len.store(0, Ordering::Release);
    }
}

#[cfg(unix)]
fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sigaction with a zeroed struct and a handler of the SA_SIGINFO signature.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = handler as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
            libc::sigemptyset(&mut sa.sa_mask);
            if libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut()) == 0 {
                INSTALLED.store(true, Ordering::Release);
            }
        }
    });
}

#[cfg(not(unix))]
fn install() {}

#[cfg(unix)]
extern "C" fn handler(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers; si_addr is the fault
    // address for SIGBUS.
    let addr = unsafe { (*info).si_addr() } as usize;
    for s in REGISTRY.iter() {
        let len = s.len.load(Ordering::Acquire);
        let start = s.start.load(Ordering::Acquire);
        if len == 0 || len == usize::MAX || start == 0 || addr < start || addr >= start + len {
            continue;
        }
        // SAFETY: sysconf and mmap are plain system calls. The page replaced lies inside a
        // read-only private map that this process owns and is reading; replacing it with
        // zeros changes no file and no other mapping.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE).max(4096) as usize;
            let base = addr & !(page - 1);
            let p = libc::mmap(
                base as *mut libc::c_void,
                page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            );
            if p != libc::MAP_FAILED {
                s.truncated.store(true, Ordering::Release);
                return;
            }
        }
        break;
    }
    // Not a fault of a guarded map: fall back to the default action; returning re-executes
    // the faulting access, which now terminates the process as SIGBUS normally does.
    // SAFETY: resetting a signal disposition is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGBUS, libc::SIG_DFL);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reading_a_truncated_map_gives_zeros_not_sigbus() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let mut f = std::fs::File::create(&path).unwrap();
        let page = vec![b'A'; 4096];
        for _ in 0..64 {
            f.write_all(&page).unwrap();
        }
        drop(f);
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: read-only map of a file this test owns.
        let map = unsafe { memmap2::Mmap::map(&file).unwrap() };
        let guard = Guard::register(map.as_ptr(), map.len()).expect("guard");
        assert!(!guard.truncated());
        // Another writer truncates the file to one page while it is mapped.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(4096)
            .unwrap();
        let sum: u64 = map.iter().map(|&b| b as u64).sum();
        assert_eq!(sum, 4096 * b'A' as u64, "pages past the end read as zeros");
        assert!(guard.truncated());
        drop(guard);
        drop(map);
    }

    #[test]
    fn slots_are_reused() {
        let buf = [0u8; 16];
        for _ in 0..(SLOTS * 2) {
            let g = Guard::register(buf.as_ptr(), buf.len()).expect("a free slot");
            drop(g);
        }
    }
}

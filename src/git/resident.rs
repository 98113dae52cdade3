//! Keeping a walk of history from holding its packs in memory.
//!
//! gitoxide reads packs through memory maps, and every page of a map that a read touches stays
//! in this process's resident set: a scan that reads every blob of a 320 MB pack ends up
//! "using" 320 MB more, though none of it is memory the scan allocated. [`PackPages::release`]
//! tells the kernel to drop this process's pages of the repository's pack maps
//! (`MADV_DONTNEED`). The data stays in the page cache, so reading a dropped page again costs a
//! minor fault, not I/O; called every few dozen megabytes, that is a fraction of a percent of
//! the scan, and peak RSS no longer grows with the size of the history.
//!
//! Only read-only maps of `objects/pack/*.pack` files are touched: dropping the pages of a map
//! that was never written loses nothing, whichever thread reads it next. Elsewhere than Linux
//! this does nothing.

#[cfg(target_os = "linux")]
use std::path::Path;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Drops the pack pages of one repository every `every` bytes read.
pub struct PackPages {
    /// The repository's pack directory, as the maps name it (read on Linux only).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    dir: PathBuf,
    every: u64,
    read: AtomicU64,
    /// Held while releasing, so two threads do not both do it.
    releasing: Mutex<()>,
}

impl PackPages {
    /// For the packs of `repo`, released every `every` bytes [`read`](Self::read).
    pub fn new(repo: &gix::Repository, every: u64) -> PackPages {
        let dir = repo.objects.store_ref().path().join("pack");
        PackPages {
            dir: std::fs::canonicalize(&dir).unwrap_or(dir),
            every: every.max(1),
            read: AtomicU64::new(0),
            releasing: Mutex::new(()),
        }
    }

    /// Counts `bytes` as read; releases the pages when another `every` bytes have been.
    pub fn read(&self, bytes: u64) {
        let before = self.read.fetch_add(bytes, Ordering::Relaxed);
        if before / self.every != (before + bytes) / self.every {
            self.release();
        }
    }

    /// Drops this process's resident pages of the pack maps now.
    pub fn release(&self) {
        let Ok(_guard) = self.releasing.try_lock() else {
            return;
        };
        #[cfg(target_os = "linux")]
        if let Ok(maps) = std::fs::read_to_string("/proc/self/maps") {
            for (start, end) in pack_maps(&maps, &self.dir) {
                // SAFETY: `start..end` is a whole mapping of a pack file, read-only (checked in
                // `pack_maps`), so none of its pages was ever written: MADV_DONTNEED only
                // unmaps them from this process, and the next read of any of them faults the
                // same bytes back in from the page cache. No reference into the map is
                // invalidated. A failure (the map went away meanwhile) changes nothing.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
                }
            }
        }
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only returns free memory of the allocator to the kernel.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// The address ranges of read-only maps of `*.pack` files in `dir`, from `/proc/self/maps`.
#[cfg(target_os = "linux")]
fn pack_maps(maps: &str, dir: &Path) -> Vec<(usize, usize)> {
    maps.lines()
        .filter_map(|line| {
            let mut fields = line.split_ascii_whitespace();
            let range = fields.next()?;
            let perms = fields.next()?;
            // offset, device, inode, then the path (which may hold spaces).
            let path = line
                .splitn(6, |c: char| c.is_ascii_whitespace())
                .nth(5)?
                .trim_start();
            let path = Path::new(path);
            if perms.contains('w')
                || path.parent() != Some(dir)
                || path.extension().is_none_or(|e| e != "pack")
            {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            Some((
                usize::from_str_radix(start, 16).ok()?,
                usize::from_str_radix(end, 16).ok()?,
            ))
        })
        .collect()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_pack_maps_of_the_directory() {
        let maps = "\
55d0a0000000-55d0a0100000 r--p 00000000 fd:01 123 /usr/bin/credgate
7f0000000000-7f0010000000 r--s 00000000 fd:01 456 /repo/.git/objects/pack/pack-1.pack
7f0010000000-7f0010100000 r--s 00000000 fd:01 457 /repo/.git/objects/pack/pack-1.idx
7f0020000000-7f0020100000 rw-s 00000000 fd:01 458 /repo/.git/objects/pack/pack-2.pack
7f0030000000-7f0030100000 r--s 00000000 fd:01 459 /other/.git/objects/pack/pack-3.pack
7f0040000000-7f0040200000 r--s 00000000 fd:01 460 /repo/.git/objects/pack/pack with space.pack
7f0050000000-7f0050001000 rw-p 00000000 00:00 0
";
        assert_eq!(
            pack_maps(maps, Path::new("/repo/.git/objects/pack")),
            [
                (0x7f0000000000, 0x7f0010000000),
                (0x7f0040000000, 0x7f0040200000)
            ]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn releasing_drops_resident_pages_and_keeps_the_data() {
        use std::process::Command;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
                .args(args)
                .current_dir(d)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {out:?}");
        };
        git(&["init", "-q"]);
        // Content that does not compress away, so the pack has pages to drop.
        let mut state = 0x9e3779b97f4a7c15u64;
        let noise: String = (0..4 << 20)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'a' + (state % 26) as u8)
            })
            .collect();
        std::fs::write(d.join("big"), &noise).unwrap();
        git(&["add", "big"]);
        git(&["commit", "-qm", "big"]);
        git(&["repack", "-adq"]);
        let repo = gix::open(d).unwrap();
        let id = repo
            .head_tree()
            .unwrap()
            .find_entry("big")
            .unwrap()
            .object_id();
        let resident = |dir: &Path| -> usize {
            let maps = std::fs::read_to_string("/proc/self/smaps").unwrap();
            let mut in_pack = false;
            let mut kb = 0;
            for line in maps.lines() {
                if line
                    .split_ascii_whitespace()
                    .next()
                    .is_some_and(|f| f.contains('-'))
                    && !line.starts_with("Rss")
                {
                    in_pack = line.contains(&*dir.to_string_lossy()) && line.ends_with(".pack");
                } else if in_pack && let Some(v) = line.strip_prefix("Rss:") {
                    kb += v
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<usize>()
                        .unwrap();
                }
            }
            kb
        };
        assert_eq!(repo.find_blob(id).unwrap().data, noise.as_bytes());
        let pages = PackPages::new(&repo, 1 << 20);
        let before = resident(&pages.dir);
        assert!(
            before > 1024,
            "the read left pack pages resident: {before} kB"
        );
        pages.read(2 << 20);
        let after = resident(&pages.dir);
        assert!(after < before / 4, "{before} kB -> {after} kB");
        let mut again = gix::open(d).unwrap();
        again.object_cache_size(0);
        assert_eq!(again.find_blob(id).unwrap().data, noise.as_bytes());
        assert_eq!(
            repo.find_blob(id).unwrap().data,
            noise.as_bytes(),
            "same map, read again"
        );
    }
}

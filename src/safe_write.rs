//! Writes that never follow a symbolic link.
//!
//! A scanned repository is hostile input: a `.cursorignore` that links to `~/.bashrc`, or a
//! `.claude` that links to another directory, must not turn credgate's writes (which hold paths
//! the repository's author chooses) into writes outside the workspace.
//!
//! - [`create_nofollow`] opens a file for writing, refusing when its last component is a link;
//!   for files the user names (`--output`, the baseline, the hook cache, the git hook).
//! - [`write_in`] and [`read_in`] write and read a file given relative to a workspace, refusing
//!   when any component below the workspace is a link or the path leaves the workspace. The walk
//!   goes from a descriptor of the workspace with `openat(O_NOFOLLOW)`, one component at a time,
//!   so a link swapped in during the walk is refused too.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// The mode of files that say where credentials are: reports, baselines, caches.
pub const PRIVATE: u32 = 0o600;
/// The mode of files meant to be shared with the repository: agent policies, settings.
pub const SHARED: u32 = 0o644;

/// Creates or truncates `path` for writing with `mode` (for a new file), without following a
/// symbolic link at its last component. Errors name the path.
pub fn create_nofollow(path: &Path, mode: u32) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(link_error(path));
        }
    }
    o.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return link_error(path);
        }
        io::Error::new(e.kind(), format!("{}: {e}", path.display()))
    })
}

fn link_error(path: &Path) -> io::Error {
    io::Error::other(format!(
        "{} is a symbolic link; not writing through it",
        path.display()
    ))
}

/// A symbolic link found on the way to a file in the workspace; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symlink {
    /// The link, as the workspace path joined with the components up to it.
    pub link: PathBuf,
    /// Where it points, when that could be read.
    pub target: Option<PathBuf>,
    /// The file that was to be written.
    pub file: PathBuf,
}

impl fmt::Display for Symlink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is a symbolic link", self.link.display())?;
        if let Some(t) = &self.target {
            write!(f, " (to {})", t.display())?;
        }
        write!(f, "; not writing {} through it", self.file.display())
    }
}

/// Why a file in the workspace was not read or written.
#[derive(Debug)]
pub enum Error {
    /// A component between the workspace (exclusive) and the file (inclusive) is a link.
    Symlink(Symlink),
    /// The relative path is absolute, empty, or has `..`.
    Outside(PathBuf),
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Symlink(s) => s.fmt(f),
            Error::Outside(p) => write!(
                f,
                "{}: not a path inside the workspace; not writing it",
                p.display()
            ),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The components of `rel`, all plain names, or [`Error::Outside`].
fn names(rel: &Path) -> Result<Vec<&std::ffi::OsStr>, Error> {
    let mut out = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(Error::Outside(rel.to_path_buf()));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Outside(rel.to_path_buf()));
    }
    Ok(out)
}

/// How a path in the workspace is named in messages: relative when the workspace is `.`.
fn shown(root: &Path, names: &[&std::ffi::OsStr]) -> PathBuf {
    let rel: PathBuf = names.iter().collect();
    if root.as_os_str().is_empty() || root == Path::new(".") {
        rel
    } else {
        root.join(rel)
    }
}

/// Writes `bytes` to `rel` inside the workspace `root`, creating missing directories (0755)
/// and the file with `mode`. Refuses links below `root` and paths that leave it.
pub fn write_in(root: &Path, rel: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    let names = names(rel)?;
    let file = shown(root, &names);
    let mut f = imp::open(root, &names, Some(mode))?.ok_or_else(|| Error::Io {
        path: file.clone(),
        source: io::ErrorKind::NotFound.into(),
    })?;
    f.write_all(bytes)
        .map_err(|source| Error::Io { path: file, source })
}

/// Reads `rel` inside the workspace `root` through the same walk as [`write_in`]: `None` when
/// it (or a directory on the way) does not exist.
pub fn read_in(root: &Path, rel: &Path) -> Result<Option<Vec<u8>>, Error> {
    let names = names(rel)?;
    let Some(mut f) = imp::open(root, &names, None)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    f.read_to_end(&mut out).map_err(|source| Error::Io {
        path: shown(root, &names),
        source,
    })?;
    Ok(Some(out))
}

#[cfg(unix)]
mod imp {
    use super::{Error, Symlink, shown};
    use std::ffi::{CString, OsStr};
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::path::{Path, PathBuf};

    fn cstr(root: &Path, names: &[&OsStr]) -> Result<CString, Error> {
        let last = names.last().expect("at least one name");
        CString::new(last.as_bytes()).map_err(|_| Error::Io {
            path: shown(root, names),
            source: io::ErrorKind::InvalidInput.into(),
        })
    }

    /// The error for a failed `openat` of the last of `upto` in `dir`: a [`Symlink`] when it is
    /// one, the io error otherwise.
    fn failed(
        dir: &OwnedFd,
        name: &CString,
        e: io::Error,
        root: &Path,
        upto: &[&OsStr],
        all: &[&OsStr],
    ) -> Error {
        // SAFETY: `st` is written by fstatat before it is read; `name` is NUL-terminated.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        let is_link = unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                name.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        } == 0
            && st.st_mode & libc::S_IFMT == libc::S_IFLNK;
        if !is_link {
            return Error::Io {
                path: shown(root, upto),
                source: e,
            };
        }
        let mut buf = vec![0u8; libc::PATH_MAX as usize];
        // SAFETY: readlinkat writes at most `buf.len()` bytes into `buf`.
        let n = unsafe {
            libc::readlinkat(
                dir.as_raw_fd(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        let target = (n >= 0).then(|| {
            buf.truncate(n as usize);
            PathBuf::from(OsStr::from_bytes(&buf))
        });
        Error::Symlink(Symlink {
            link: shown(root, upto),
            target,
            file: shown(root, all),
        })
    }

    fn owned(fd: libc::c_int) -> Result<OwnedFd, io::Error> {
        if fd < 0 {
            Err(io::Error::last_os_error())
        } else {
            // SAFETY: a descriptor just returned by the kernel, owned by no one else.
            Ok(unsafe { OwnedFd::from_raw_fd(fd) })
        }
    }

    /// Opens `names` under `root` without following links: for writing (created with `mode`,
    /// truncated, directories created) with `Some(mode)`, for reading with `None`. `Ok(None)`
    /// when reading something that does not exist.
    pub(super) fn open(
        root: &Path,
        names: &[&OsStr],
        mode: Option<u32>,
    ) -> Result<Option<File>, Error> {
        let root_dir = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY)
            .open(root)
            .map_err(|source| Error::Io {
                path: root.to_path_buf(),
                source,
            })?;
        let mut dir = OwnedFd::from(root_dir);
        for i in 0..names.len() - 1 {
            let upto = &names[..=i];
            let name = cstr(root, upto)?;
            let mut made = false;
            dir = loop {
                let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
                // SAFETY: `name` is NUL-terminated; the result is checked by `owned`.
                match owned(unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) }) {
                    Ok(fd) => break fd,
                    Err(e) if e.raw_os_error() == Some(libc::ENOENT) && mode.is_none() => {
                        return Ok(None);
                    }
                    Err(e) if e.raw_os_error() == Some(libc::ENOENT) && !made => {
                        // SAFETY: `name` is NUL-terminated.
                        if unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o755) } != 0 {
                            let e = io::Error::last_os_error();
                            if e.raw_os_error() != Some(libc::EEXIST) {
                                return Err(Error::Io {
                                    path: shown(root, upto),
                                    source: e,
                                });
                            }
                        }
                        made = true;
                    }
                    Err(e) => return Err(failed(&dir, &name, e, root, upto, names)),
                }
            };
        }
        let name = cstr(root, names)?;
        let fd = match mode {
            Some(mode) => {
                let flags = libc::O_WRONLY
                    | libc::O_CREAT
                    | libc::O_TRUNC
                    | libc::O_NOFOLLOW
                    | libc::O_CLOEXEC;
                // SAFETY: `name` is NUL-terminated; the result is checked by `owned`.
                owned(unsafe {
                    libc::openat(dir.as_raw_fd(), name.as_ptr(), flags, mode as libc::c_uint)
                })
            }
            None => {
                let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
                // SAFETY: as above.
                owned(unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) })
            }
        };
        match fd {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) && mode.is_none() => Ok(None),
            Err(e) => Err(failed(&dir, &name, e, root, names, names)),
        }
    }
}

/// Elsewhere: each component is checked with `symlink_metadata` before it is used, which leaves
/// a window between the check and the open that the descriptor walk above does not have.
#[cfg(not(unix))]
mod imp {
    use super::{Error, Symlink, shown};
    use std::ffi::OsStr;
    use std::fs::File;
    use std::io;
    use std::path::Path;

    pub(super) fn open(
        root: &Path,
        names: &[&OsStr],
        mode: Option<u32>,
    ) -> Result<Option<File>, Error> {
        let mut path = root.to_path_buf();
        for (i, name) in names.iter().enumerate() {
            path.push(name);
            let upto = &names[..=i];
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(Error::Symlink(Symlink {
                        link: shown(root, upto),
                        target: std::fs::read_link(&path).ok(),
                        file: shown(root, names),
                    }));
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound && mode.is_none() => {
                    return Ok(None);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound && i + 1 < names.len() => {
                    std::fs::create_dir(&path).map_err(|source| Error::Io {
                        path: shown(root, upto),
                        source,
                    })?;
                }
                Err(_) => {}
            }
        }
        let f = match mode {
            Some(_) => File::create(&path),
            None => File::open(&path),
        };
        f.map(Some).map_err(|source| Error::Io {
            path: shown(root, names),
            source,
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn mode_of(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn nested_directories_are_created_and_modes_kept() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write_in(
            root,
            Path::new(".claude/settings.local.json"),
            b"{}\n",
            SHARED,
        )
        .unwrap();
        assert_eq!(
            std::fs::read(root.join(".claude/settings.local.json")).unwrap(),
            b"{}\n"
        );
        // The umask may take bits away, never add them.
        assert_eq!(
            mode_of(&root.join(".claude/settings.local.json")) & !0o644,
            0
        );
        assert_eq!(mode_of(&root.join(".claude")) & !0o755, 0);
        write_in(root, Path::new("a/b/c/private"), b"x", PRIVATE).unwrap();
        assert_eq!(mode_of(&root.join("a/b/c/private")), 0o600);
        // Truncates: the old, longer content is gone.
        write_in(root, Path::new("./a/b/c/private"), b"y", PRIVATE).unwrap();
        assert_eq!(std::fs::read(root.join("a/b/c/private")).unwrap(), b"y");
        assert_eq!(
            read_in(root, Path::new("a/b/c/private")).unwrap(),
            Some(b"y".to_vec())
        );
        assert_eq!(read_in(root, Path::new("a/missing")).unwrap(), None);
        assert_eq!(read_in(root, Path::new("missing/dir/file")).unwrap(), None);
        assert!(!root.join("missing").exists(), "reads create nothing");
        let f = create_nofollow(&root.join("report.json"), PRIVATE).unwrap();
        drop(f);
        assert_eq!(mode_of(&root.join("report.json")), 0o600);
    }

    #[test]
    fn symlinked_last_component_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let victim = out.path().join(".bashrc");
        std::fs::write(&victim, "keep\n").unwrap();
        symlink(&victim, d.path().join(".cursorignore")).unwrap();
        for e in [
            write_in(d.path(), Path::new(".cursorignore"), b"/x\n", SHARED).unwrap_err(),
            read_in(d.path(), Path::new(".cursorignore")).unwrap_err(),
        ] {
            let Error::Symlink(s) = e else {
                panic!("{e:?}")
            };
            assert_eq!(s.link, d.path().join(".cursorignore"));
            assert_eq!(s.target.as_deref(), Some(victim.as_path()));
            assert_eq!(s.file, d.path().join(".cursorignore"));
        }
        // A dangling link is not created through either.
        let absent = out.path().join("absent");
        symlink(&absent, d.path().join("report.json")).unwrap();
        let e = create_nofollow(&d.path().join("report.json"), PRIVATE).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is a symbolic link; not writing through it",
                d.path().join("report.json").display()
            )
        );
        let e = create_nofollow(&d.path().join(".cursorignore"), PRIVATE).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a symbolic link; not writing through it")
        );
        assert!(!absent.exists());
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep\n");
    }

    #[test]
    fn symlinked_directory_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("real")).unwrap();
        symlink(out.path(), d.path().join("real/.claude")).unwrap();
        let e = write_in(
            d.path(),
            Path::new("real/.claude/settings.local.json"),
            b"{}",
            SHARED,
        )
        .unwrap_err();
        let Error::Symlink(s) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(s.link, d.path().join("real/.claude"));
        assert_eq!(s.target.as_deref(), Some(out.path()));
        assert_eq!(
            e.to_string(),
            format!(
                "{} is a symbolic link (to {}); not writing {} through it",
                d.path().join("real/.claude").display(),
                out.path().display(),
                d.path().join("real/.claude/settings.local.json").display()
            )
        );
        assert!(matches!(
            read_in(d.path(), Path::new("real/.claude/settings.local.json")),
            Err(Error::Symlink(_))
        ));
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
        // The workspace itself may be a link: only what is below it counts.
        let via = tempfile::tempdir().unwrap();
        symlink(d.path(), via.path().join("ws")).unwrap();
        write_in(&via.path().join("ws"), Path::new("real/f"), b"ok", SHARED).unwrap();
        assert_eq!(std::fs::read(d.path().join("real/f")).unwrap(), b"ok");
    }

    #[test]
    fn paths_that_leave_the_workspace_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        std::fs::create_dir(&ws).unwrap();
        for rel in ["../escape", "a/../../escape", "/tmp/escape", "", "."] {
            assert!(
                matches!(
                    write_in(&ws, Path::new(rel), b"x", SHARED),
                    Err(Error::Outside(_))
                ),
                "{rel}"
            );
            assert!(matches!(
                read_in(&ws, Path::new(rel)),
                Err(Error::Outside(_))
            ));
        }
        assert!(!d.path().join("escape").exists());
        assert!(!ws.join("a").exists());
    }

    #[test]
    fn messages_are_relative_to_a_dot_workspace() {
        let s = Symlink {
            link: shown(Path::new("."), &[".claude".as_ref()]),
            target: Some("/elsewhere".into()),
            file: shown(
                Path::new("."),
                &[".claude".as_ref(), "settings.local.json".as_ref()],
            ),
        };
        assert_eq!(
            s.to_string(),
            ".claude is a symbolic link (to /elsewhere); not writing .claude/settings.local.json through it"
        );
    }

    #[test]
    fn other_errors_are_io_errors_naming_the_path() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("file"), "x").unwrap();
        let e = write_in(d.path(), Path::new("file/below"), b"x", SHARED).unwrap_err();
        let Error::Io { path, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &d.path().join("file"));
        assert_eq!(source.raw_os_error(), Some(libc::ENOTDIR));
        let e = create_nofollow(&d.path().join("no/such/dir"), PRIVATE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(
            e.to_string()
                .starts_with(&format!("{}: ", d.path().join("no/such/dir").display()))
        );
    }
}

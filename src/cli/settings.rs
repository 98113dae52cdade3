//! Flags, the config file and defaults, resolved once into what a command runs: the engine, the
//! pipeline's settings and the sources. "The flag, else the config file, else the default" is
//! written here and nowhere else; the defaults themselves are clap's (`args.rs`).

use super::args::{Reach, ScanOptionsArgs};
use super::progress;
use crate::config::{Config, DEFAULT_FILE};
use crate::detectors::Catalog;
use crate::engine::Engine;
use crate::model::Risk;
use crate::pipeline::{self, Source};
use crate::read::MmapChoice;
use crate::result::ScanResult;
use crate::source::env::Environment;
use crate::source::fs::FsWalk;
use crate::source::home::HomeStores;
use crate::source::walk::WalkOptions;
use crate::suppress::Allowlist;
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

/// What a scan reaches, as `--reach` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reaches {
    pub workspace: bool,
    pub home: bool,
    pub env: bool,
}

impl Reaches {
    pub fn from_flags(list: &[Reach]) -> Reaches {
        let all = list.contains(&Reach::All);
        Reaches {
            workspace: all || list.contains(&Reach::Workspace),
            home: all || list.contains(&Reach::Home),
            env: all || list.contains(&Reach::Env),
        }
    }

    /// Everything an agent can reach (`guard`).
    pub const ALL: Reaches = Reaches {
        workspace: true,
        home: true,
        env: true,
    };
}

/// A command's scan, resolved.
pub struct Prepared {
    /// Leaked: it lives until the process exits, and freeing several hundred detectors and
    /// the automata at exit would cost a one-file scan a sixth of its time.
    pub engine: &'static Engine,
    pub scan: pipeline::Settings,
    pub config: Config,
    /// The workspace roots and how to walk them.
    pub walk: WalkOptions,
    pub reach: Reaches,
    /// The home directory whose stores are scanned (with `reach.home`).
    pub home: Option<PathBuf>,
}

/// The walk's options, from the flags that shape it.
pub struct WalkFlags {
    pub respect_gitignore: bool,
    pub follow: bool,
    pub stats: bool,
}

/// Where `.credgate.toml` is looked for when `--config` is not given: the first root (its
/// directory, when it is a file), or for git content the work tree's root, so that a hook run
/// with file PATHs (the pre-commit framework) or from a subdirectory finds the repository's file.
pub fn config_dir(roots: &[PathBuf], git_content: bool) -> PathBuf {
    let cwd = PathBuf::from(".");
    if git_content {
        let abs = std::path::absolute(&cwd).unwrap_or_default();
        return crate::util::work_tree_of(&abs).unwrap_or(cwd);
    }
    match roots.first() {
        Some(r) if r.is_file() => r
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(cwd, Path::to_path_buf),
        Some(r) => r.clone(),
        None => cwd,
    }
}

/// Loads the config (`--config`, or `.credgate.toml` in `config_dir`), the detectors and the
/// baseline, and resolves every setting. Flags win over the file.
pub fn prepare(
    o: &ScanOptionsArgs,
    roots: &[PathBuf],
    config_dir: &Path,
    walk: WalkFlags,
    reach: Reaches,
    baseline: Option<&Path>,
) -> Result<Prepared> {
    let config_path = match &o.config {
        Some(p) => Some(p.clone()),
        None => Some(config_dir.join(DEFAULT_FILE)).filter(|p| p.is_file()),
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let mut detector_files = config.detectors.clone();
    detector_files.extend(o.detectors.iter().cloned());
    let engine: &'static Engine = Box::leak(Box::new(Engine::new(Catalog::with_user_files(
        &detector_files,
    )?)?));
    let threads = match o.threads {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    // Rayon's pool (large files, history) is built when first needed
    // (`pipeline::rayon_pool`); ignore's walker has its own threads.
    let mut allow = Allowlist::default();
    if let Some(b) = baseline
        .map(Path::to_path_buf)
        .or_else(|| config.baseline.clone())
    {
        allow.baseline = crate::suppress::baseline::load(&b)?;
        allow.baseline_source = b.display().to_string();
    }
    allow.rules = config.allow.clone();
    let mut excludes = config.exclude.clone();
    excludes.extend(o.exclude.iter().cloned());
    let home = if reach.home {
        Some(
            o.home
                .clone()
                .or_else(std::env::home_dir)
                .ok_or_else(|| anyhow!("--reach home: no home directory (use --home DIR)"))?,
        )
    } else if let Some(h) = &o.home {
        return Err(anyhow!(
            "--home {}: a home directory is scanned only with --reach home or --reach all",
            h.display()
        ));
    } else {
        None
    };
    let scan = pipeline::Settings {
        max_file_size: o.max_file_size,
        max_findings_per_file: o.max_findings_per_file.max(1),
        timeout: o.timeout,
        excludes,
        inline_allow: !o.no_inline_allow,
        allow,
        workspace_env: o.workspace_env.or(config.workspace_env),
        confidence: o
            .confidence
            .or(config.confidence)
            .unwrap_or(crate::model::Confidence::Medium),
        now: now()?,
        stats: walk.stats,
        // SAFETY: the command line is its own process; the SIGBUS handler that memory maps
        // need is acceptable there (see `MmapChoice::auto`).
        mmap: unsafe { MmapChoice::auto() },
        threads,
        line_hashes: false,
    };
    Ok(Prepared {
        engine,
        scan,
        config,
        walk: WalkOptions {
            roots: roots.to_vec(),
            respect_gitignore: walk.respect_gitignore,
            follow_links: walk.follow,
            threads,
        },
        reach,
        home,
    })
}

impl Prepared {
    /// `--fail-on`, else the config's `fail_on`, else `high`.
    pub fn fail_on(&self, flag: Option<Risk>) -> Risk {
        flag.or(self.config.fail_on).unwrap_or(Risk::High)
    }

    /// What an agent is kept from: `--fail-on`, else the config's `fail_on`, else medium, the
    /// level `guard --sandbox` hides from. High (the default for commits and CI) let an agent
    /// read a gitignored `.env` whose database password is medium.
    pub fn agent_level(&self, flag: Option<Risk>) -> Risk {
        flag.or(self.config.fail_on).unwrap_or(Risk::Medium)
    }

    /// `--min-risk`, else the config's `min_risk`, else `info` (everything).
    pub fn min_risk(&self, flag: Option<Risk>) -> Risk {
        flag.or(self.config.min_risk).unwrap_or(Risk::Info)
    }

    /// The sources `--reach` asks for: the workspace roots, the home stores, the environment.
    pub fn reach_sources(&self) -> Vec<Box<dyn Source>> {
        let mut out: Vec<Box<dyn Source>> = Vec::new();
        if self.reach.workspace {
            out.push(Box::new(FsWalk::workspace(self.walk.clone())));
        }
        if let (true, Some(home)) = (self.reach.home, &self.home) {
            out.push(Box::new(HomeStores {
                home: home.clone(),
                threads: self.walk.threads,
                follow_links: self.walk.follow_links,
            }));
        }
        if self.reach.env {
            out.push(Box::new(Environment::current()));
        }
        out
    }

    /// Runs `sources` through one pipeline, with a spinner on stderr when it is a terminal and
    /// the scan takes more than a second.
    pub fn run(&self, sources: &[Box<dyn Source>]) -> Result<ScanResult> {
        let refs: Vec<&dyn Source> = sources.iter().map(|s| s.as_ref()).collect();
        progress::while_running(|p| pipeline::run(self.engine, &self.scan, &refs, p))
    }
}

/// The time against which encoded expiries are judged. `CREDGATE_NOW` (RFC 3339) overrides the
/// clock, so that reports about expiry can be reproduced.
pub fn now() -> Result<jiff::Timestamp> {
    match std::env::var("CREDGATE_NOW") {
        Ok(v) => v
            .parse()
            .map_err(|e| anyhow!("CREDGATE_NOW={v:?}: not an RFC 3339 time: {e}")),
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

/// `--verify` and its options, as the verifier takes them. The test-only endpoint override
/// warns on every run that uses it.
pub fn verify_options(v: &super::args::VerifyArgs) -> Result<crate::verify::Options> {
    let mut opts = crate::verify::Options {
        only: v.verify_only.clone(),
        skip: v.no_verify.clone(),
        ..Default::default()
    };
    if let Some(t) = v.verify_timeout {
        opts.timeout = t;
    }
    for o in &v.verify_endpoint_override {
        let (host, url) = o
            .split_once('=')
            .ok_or_else(|| anyhow!("--verify-endpoint-override: expected HOST=URL, got {o:?}"))?;
        if !url.starts_with("https://") {
            anyhow::bail!("--verify-endpoint-override: {url:?} is not an https:// URL");
        }
        eprintln!(
            "credgate: WARNING: --verify-endpoint-override sends credentials meant for {host} to {url}. This is for testing credgate only."
        );
        opts.endpoint_overrides
            .insert(host.to_string(), url.to_string());
    }
    if let Some(ca) = &v.verify_ca {
        opts.extra_ca_pem =
            Some(std::fs::read(ca).map_err(|e| anyhow!("{}: cannot read: {e}", ca.display()))?);
    }
    Ok(opts)
}

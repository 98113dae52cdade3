//! This process's environment (`--reach env`): each variable is scanned as one `NAME=value`
//! line of a `.env` file, so the detectors that know `.env` files apply, and is reported as
//! `$NAME`.

use crate::finding::Origin;
use crate::pipeline::{Blob, Pipeline, Source};
use std::ffi::OsString;

/// The variables of this process, or a given list (tests, embedders).
pub struct Environment {
    pub vars: Vec<(OsString, OsString)>,
}

impl Environment {
    /// This process's environment, sorted by name.
    pub fn current() -> Environment {
        let mut vars: Vec<(OsString, OsString)> = std::env::vars_os().collect();
        vars.sort();
        Environment { vars }
    }
}

impl Source for Environment {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        let mut w = p.worker();
        let mut hay = Vec::new();
        for (k, v) in &self.vars {
            if p.expired() {
                break;
            }
            hay.clear();
            hay.extend_from_slice(k.as_encoded_bytes());
            hay.push(b'=');
            hay.extend_from_slice(v.as_encoded_bytes());
            hay.push(b'\n');
            let mut blob = Blob::new(Origin::EnvVar {
                name: k.to_string_lossy().into_owned(),
            });
            // A value can be set by whoever starts the agent: it must not hide itself.
            blob.inline_allow = false;
            w.scan_bytes(&hay, blob);
        }
        Ok(())
    }
}

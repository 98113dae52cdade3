//! Which findings to send, and with what: a credential in two parts (an AWS key id and its
//! secret, a Twilio SID and token) is sent with its companion, the nearest finding of the named
//! detector in the same file; a Google service account key with the `client_email` beside it.

use super::{Options, Verifier};
use crate::detectors::Catalog;
use crate::finding::{Finding, Origin, Secret};

/// `--verify`: asks each finding's provider about it, once per distinct secret.
pub fn verify_all(
    opts: &Options,
    findings: &mut [Finding],
    catalog: &Catalog,
) -> anyhow::Result<()> {
    let mut verifier = Verifier::new(opts.clone())?;
    for i in 0..findings.len() {
        let Some(det) = catalog.get(&findings[i].detector_id) else {
            continue;
        };
        let pair = det
            .verify
            .as_ref()
            .and_then(|v| v.pair.as_deref())
            .and_then(|id| {
                let f = &findings[i];
                findings
                    .iter()
                    .filter(|g| g.detector_id == id && same_file(&g.origin, &f.origin))
                    .min_by_key(|g| g.start.abs_diff(f.start))
                    .map(|g| g.secret.clone())
            });
        // Or a value that is not a secret: a JSON key beside it in the file (`client_email`).
        let pair = pair.or_else(|| {
            let key = det.verify.as_ref()?.pair_json.as_deref()?;
            json_value_near(&findings[i], key)
        });
        let f = &findings[i];
        if let Some(result) = verifier.verify(
            det,
            f.secret.expose(),
            pair.as_ref().map(|p| p.expose()),
            &f.fingerprint,
        ) {
            super::apply(&mut findings[i], result);
        }
    }
    Ok(())
}

/// The string value of JSON key `key` nearest to finding `f` in its file, read again from disk.
fn json_value_near(f: &Finding, key: &str) -> Option<Secret> {
    // Git content is read from the checkout: the committed file is usually still there.
    let cwd = std::path::absolute(".").ok()?;
    let workdir = crate::util::work_tree_of(&cwd);
    let text = std::fs::read(f.origin.file(workdir.as_deref())?).ok()?;
    let re = regex::bytes::Regex::new(&format!(
        r#""{}"\s*:\s*"([^"\\]{{1,256}})""#,
        regex::escape(key)
    ))
    .ok()?;
    re.captures_iter(&text)
        .filter_map(|c| c.get(1))
        .min_by_key(|m| m.start().abs_diff(f.start))
        .map(|m| Secret::from(m.as_bytes()))
}

/// Whether two findings are in the same file. For history, by path: after one finding is kept
/// per secret, a key id and its secret may come from different commits of the same file.
fn same_file(a: &Origin, b: &Origin) -> bool {
    match (a, b) {
        (Origin::GitCommit { path: p, .. }, Origin::GitCommit { path: q, .. }) => p == q,
        _ => a == b,
    }
}

//! Every detector is checked against its own examples (`credgate detectors check`): each positive
//! example yields exactly the secrets marked in it (no more, no fewer) from that detector, and
//! each negative example yields nothing from it. Examples live in the detector files, so adding a
//! detector adds its tests.

use credgate::testing::Catalog;

#[test]
fn every_builtin_detector_passes_its_own_examples() {
    let out = crate::common::credgate()
        .args(["detectors", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let catalog = Catalog::builtin().unwrap();
    let examples: usize = catalog
        .detectors
        .iter()
        .map(|d| d.positive.len() + d.negative.len())
        .sum();
    assert_eq!(
        stdout,
        format!(
            "{} detectors checked, {examples} examples: all pass\n",
            catalog.detectors.len()
        )
    );
}

const USER_FILE: &str = r#"
provider = "acme"
provider_name = "Acme"

[[detector]]
id = "acme.key"
name = "Acme key"
keywords = ["acme_"]
pattern = '(?P<secret>acme_[a-z0-9]{24})'
confidence = "high"
lifetime = "no-expiry"
scope = "account"
evidence = "prefix"
remediation = "Revoke it in Acme's console."
positive = ["k=«acme_fake0fake1fake2fake3fake»", "«acme_fake4fake5fake6fake7fake»"]
negative = ["acme_short", "ACME key"]

[[detector]]
id = "acme.broken-example"
name = "Acme token"
keywords = ["acmt_"]
pattern = '(?P<secret>acmt_[a-z0-9]{24})'
confidence = "high"
lifetime = "no-expiry"
scope = "account"
evidence = "prefix"
remediation = "Revoke it in Acme's console."
positive = ["t=«acmt_fake0fake1fake2fake3fakeXX»", "t=«acmt_fake0fake1fake2fake3fake»"]
negative = ["t=acmt_fake9fake9fake9fake9fake"]
"#;

#[test]
fn a_users_detector_file_is_checked_and_failures_are_named() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("acme.toml");
    std::fs::write(&file, USER_FILE).unwrap();
    let out = crate::common::credgate()
        .args(["detectors", "check"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let shown = file.display().to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].starts_with(&format!(
        "{shown}: detector 'acme.broken-example': 1 negative example(s); at least 2 are needed"
    )));
    assert!(lines[1].starts_with(&format!(
        "{shown}: detector 'acme.broken-example': positive #1: expected ["
    )));
    assert!(lines[2].starts_with(&format!(
        "{shown}: detector 'acme.broken-example': negative #1: found ["
    )));
    assert_eq!(lines[3], "2 detectors checked, 7 examples: 3 problems");
    // Only the user's detectors are checked, and example secrets are shown redacted.
    assert!(!stdout.contains("fake0fake1"), "{stdout}");
    // A file that does not load is one line and exit 2.
    std::fs::write(&file, USER_FILE.replace("[a-z0-9]{24})'", "[a-z0-9]{24}'")).unwrap();
    let out = crate::common::credgate()
        .args(["detectors", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn catalog_size() {
    let catalog = Catalog::builtin().unwrap();
    // The catalog issue's floor: 300 detectors across 200 providers.
    let providers: std::collections::BTreeSet<&str> = catalog
        .detectors
        .iter()
        .map(|d| d.provider.as_str())
        .collect();
    assert!(
        catalog.detectors.len() >= 300 && providers.len() >= 200,
        "{} detectors, {} providers",
        catalog.detectors.len(),
        providers.len()
    );
}

#[test]
fn positive_examples_hold_no_valid_pasted_checksummed_token() {
    // Checksummed tokens must be generated ({{crc32 ...}}), never pasted: a pasted one that
    // passes the checksum is indistinguishable from a real credential.
    let catalog = Catalog::builtin().unwrap();
    let re = regex::Regex::new(r"\b(?:gh[pousr]|npm)_[A-Za-z0-9]{36}\b").unwrap();
    for d in &catalog.detectors {
        for raw in d.positive.iter().chain(&d.negative) {
            for m in re.find_iter(raw) {
                assert!(
                    !credgate::testing::Validator::Crc32Base62.check(m.as_str().as_bytes()),
                    "{}: example pastes a checksum-valid token; use {{{{crc32 PREFIX BODY}}}}",
                    d.id
                );
            }
        }
    }
}

/// detectors/README.md holds the catalog table between markers; regenerate it with
/// `credgate detectors list --format markdown` when detectors change.
#[test]
fn readme_table_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/detectors/README.md"))
            .unwrap();
    let begin = "<!-- catalog:begin -->\n";
    let end = "<!-- catalog:end -->";
    let start = readme.find(begin).expect("catalog:begin marker") + begin.len();
    let stop = readme.find(end).expect("catalog:end marker");
    let table = credgate::testing::markdown_table(&Catalog::builtin().unwrap());
    assert!(
        readme[start..stop] == table,
        "detectors/README.md is out of date: replace the table between the markers with the output of `credgate detectors list --format markdown`"
    );
}

/// docs/verify.md holds the table of verification requests between markers, generated from each
/// detector's `[detector.verify]` by `credgate detectors list --format verify-markdown`.
/// `CREDGATE_UPDATE_DOCS=1` rewrites the table instead of failing.
#[test]
fn verify_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/verify.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let out = crate::common::credgate()
        .args(["detectors", "list", "--format", "verify-markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8(out.stdout).unwrap();
    // Every detector that declares a request has its row, and no other detector has one.
    let catalog = Catalog::builtin().unwrap();
    let declared: Vec<&str> = catalog
        .detectors
        .iter()
        .filter(|d| d.verify.is_some())
        .map(|d| d.id.as_str())
        .collect();
    assert!(declared.len() > 10, "{declared:?}");
    let rows = table.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(rows, declared.len(), "{table}");
    for id in &declared {
        assert!(table.contains(&format!("| `{id}` | ")), "{id} has no row");
    }
    let aws = table
        .lines()
        .find(|l| l.starts_with("| `aws.secret-access-key` |"))
        .unwrap();
    assert!(aws.contains("POST `https://sts.amazonaws.com/`"), "{aws}");
    assert!(aws.contains("the secret itself is not sent"), "{aws}");
    let telegram = table
        .lines()
        .find(|l| l.starts_with("| `telegram.bot-token` |"))
        .unwrap();
    assert!(
        telegram.contains("botSECRET/getMe` | URL path |"),
        "{telegram}"
    );

    let begin = "<!-- verify:begin -->\n";
    let end = "<!-- verify:end -->";
    let start = doc.find(begin).expect("verify:begin marker") + begin.len();
    let stop = doc.find(end).expect("verify:end marker");
    if doc[start..stop] != table && std::env::var_os("CREDGATE_UPDATE_DOCS").is_some() {
        std::fs::write(path, format!("{}{table}{}", &doc[..start], &doc[stop..])).unwrap();
        return;
    }
    assert!(
        doc[start..stop] == table,
        "docs/verify.md is out of date: CREDGATE_UPDATE_DOCS=1 cargo test --test cli verify_doc_is_current rewrites it"
    );
}

#[test]
fn the_providers_fix_reaches_every_report_format() {
    // A user file whose provider-level [defaults] carry the remediation and the revoke page.
    let d = tempfile::tempdir().unwrap();
    let rules = USER_FILE
        .replace(
            "provider_name = \"Acme\"\n",
            "provider_name = \"Acme\"\n[defaults]\nremediation = \"Delete it under Acme > Keys.\"\nrevoke_url = \"https://acme.example/keys\"\n",
        )
        .replace("remediation = \"Revoke it in Acme's console.\"\n", "");
    std::fs::write(d.path().join("acme.toml"), rules).unwrap();
    std::fs::write(
        d.path().join("app.cfg"),
        "k=acme_fake0fake1fake2fake3fake\n",
    )
    .unwrap();
    let run = |format: &str| -> String {
        let out = crate::common::credgate()
            .current_dir(d.path())
            .args(["scan", "--detectors", "acme.toml", "--format", format])
            .arg("app.cfg")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        run("text")
            .contains("  fix      Delete it under Acme > Keys. <https://acme.example/keys>\n")
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        json["findings"][0]["remediation"],
        serde_json::json!({"steps": "Delete it under Acme > Keys.", "url": "https://acme.example/keys"})
    );
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["helpUri"], "https://acme.example/keys");
    assert!(
        rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Delete it under Acme > Keys. Revoke it at https://acme.example/keys")
    );
    let gitlab: serde_json::Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert_eq!(
        gitlab["vulnerabilities"][0]["links"][0]["url"],
        "https://acme.example/keys"
    );
}

#[test]
fn remediation_is_the_providers_own() {
    // A fix that fits every provider fits none: each text names this provider's way to end the
    // credential, so no text is shared across providers, and the old template is gone.
    let catalog = Catalog::builtin().unwrap();
    let mut by_text: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for d in &catalog.detectors {
        assert!(
            !d.remediation
                .contains("issue a replacement with the least access the job needs"),
            "{}: templated remediation",
            d.id
        );
        assert!(
            d.remediation.len() <= 400,
            "{}: remediation is {} bytes; say it in one or two sentences",
            d.id,
            d.remediation.len()
        );
        by_text
            .entry(d.remediation.as_str())
            .or_default()
            .insert(d.provider.as_str());
    }
    for (text, providers) in by_text {
        assert!(
            providers.len() == 1,
            "{providers:?} share one remediation: {text}"
        );
    }
    // A ratchet: the count of detectors that link the page where the credential is revoked.
    let with_url = catalog
        .detectors
        .iter()
        .filter(|d| d.revoke_url.is_some())
        .count();
    assert!(
        with_url >= 320,
        "only {with_url} detectors name a revoke page"
    );
}

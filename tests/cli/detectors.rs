//! Every detector is checked against its own examples: each positive example yields exactly the
//! secrets marked in it (no more, no fewer) from that detector, and each negative example yields
//! nothing from it. Examples live in the detector files, so adding a detector adds its tests.

use credgate::testing::Engine;
use credgate::testing::{Catalog, compile_checked, examples};
use std::path::PathBuf;

/// A path that the detector's first path glob matches, for path-triggered detectors.
fn example_path(globs: &[String]) -> PathBuf {
    match globs.first() {
        None => PathBuf::from("example.txt"),
        Some(g) => PathBuf::from(g.trim_start_matches("**/").replace('*', "x")),
    }
}

#[test]
fn every_detector_matches_its_examples() {
    let engine = Engine::new(Catalog::builtin().unwrap()).unwrap();
    let mut scratch = engine.new_scratch();
    let mut failures = Vec::new();
    for (i, d) in engine.catalog().detectors.iter().enumerate() {
        let path = example_path(&d.paths);
        for (n, raw) in d.positive.iter().enumerate() {
            let ex = examples::prepare(raw);
            if ex.secrets.is_empty() {
                failures.push(format!("{}: positive #{n} marks no secret with «»", d.id));
                continue;
            }
            let found: Vec<String> = engine
                .scan(ex.text.as_bytes(), &path, &mut scratch)
                .into_iter()
                .filter(|m| m.detector == i)
                .map(|m| String::from_utf8_lossy(&ex.text.as_bytes()[m.secret]).into_owned())
                .collect();
            if found != ex.secrets {
                failures.push(format!(
                    "{}: positive #{n}: expected {:?}, found {:?}",
                    d.id, ex.secrets, found
                ));
            }
        }
        for (n, raw) in d.negative.iter().enumerate() {
            let ex = examples::prepare(raw);
            let found: Vec<_> = engine
                .scan(ex.text.as_bytes(), &path, &mut scratch)
                .into_iter()
                .filter(|m| m.detector == i)
                .map(|m| String::from_utf8_lossy(&ex.text.as_bytes()[m.secret]).into_owned())
                .collect();
            if !found.is_empty() {
                failures.push(format!("{}: negative #{n} yielded {:?}", d.id, found));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_detector_is_complete() {
    let catalog = Catalog::builtin().unwrap();
    for d in &catalog.detectors {
        compile_checked(d).unwrap();
        // Two of each at least: one example of a kind proves little about its neighbours.
        assert!(
            d.positive.len() >= 2,
            "{}: fewer than two positive examples",
            d.id
        );
        assert!(
            d.negative.len() >= 2,
            "{}: fewer than two negative examples",
            d.id
        );
        assert!(!d.remediation.trim().is_empty(), "{}: no remediation", d.id);
        assert!(!d.name.trim().is_empty(), "{}: no name", d.id);
    }
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

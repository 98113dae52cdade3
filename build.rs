//! Parses every `detectors/*.toml` file at build time and embeds the result in the binary, so
//! the catalog ships with it, a detector change needs no code change, a malformed file fails the
//! build (naming the file), and start-up reads postcard bytes instead of parsing TOML: an index
//! of every detector's `Head` (what the engine needs at start) and a blob of the full specs,
//! decoded one detector at a time when first needed.
//!
//! The schema is the crate's own (`src/detectors/spec.rs`, included below with the two leaf
//! modules it uses), so there is one field list. What needs the rest of the crate (regexes,
//! fragments, validators) is checked when the catalog loads, which the test suite does for
//! every built-in detector.
use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/bytes.rs"]
mod bytes;
#[allow(dead_code)]
#[path = "src/detectors/fragments.rs"]
mod fragments;
#[allow(dead_code)]
#[path = "src/engine/keyword_dfa.rs"]
mod keyword_dfa;
#[allow(dead_code, unused_imports)]
#[path = "src/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "src/detectors/required.rs"]
mod required;
#[allow(dead_code)]
#[path = "src/detectors/spec.rs"]
mod spec;
#[allow(dead_code)]
#[path = "src/detectors/verify_spec.rs"]
mod verify_spec;
use verify_spec::VerifySpec;

fn main() {
    let dir = Path::new("detectors");
    println!("cargo:rerun-if-changed=detectors");
    for f in [
        "src/bytes.rs",
        "src/model.rs",
        "src/detectors/spec.rs",
        "src/detectors/verify_spec.rs",
        "src/detectors/fragments.rs",
        "src/detectors/required.rs",
        "src/engine/keyword_dfa.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let mut files: Vec<String> = fs::read_dir(dir)
        .expect("detectors/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    let mut index: spec::Embedded = Vec::new();
    let mut ids: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut blob: Vec<u8> = Vec::new();
    let mut put = |bytes: Vec<u8>| {
        let start = blob.len() as u32;
        blob.extend_from_slice(&bytes);
        (start, blob.len() as u32)
    };
    for f in files {
        println!("cargo:rerun-if-changed=detectors/{f}");
        let text = fs::read_to_string(dir.join(&f)).expect("readable detector file");
        let parsed = match toml::from_str::<spec::ProviderFile>(&text) {
            Ok(parsed) => parsed,
            Err(e) => {
                let msg = e.to_string().replace('\n', " ");
                panic!("detectors/{f}: invalid detector file: {msg}");
            }
        };
        for d in &parsed.detectors {
            if let Some(other) = ids.insert(d.id.clone(), f.clone()) {
                panic!(
                    "detectors/{f}: detector '{}': duplicate detector id (also in {other})",
                    d.id
                );
            }
        }
        let defaults = put(encode(&parsed.defaults));
        let detectors = parsed
            .detectors
            .iter()
            .map(|d| spec::EmbeddedDetector {
                head: spec::head(d, &parsed.defaults),
                spec: put(encode(d)),
            })
            .collect();
        index.push(spec::EmbeddedFile {
            name: spec::leak(&f),
            provider: spec::leak(&parsed.provider),
            provider_name: spec::leak(&parsed.provider_name),
            defaults,
            detectors,
        });
    }
    let out = Path::new(&env::var("OUT_DIR").unwrap()).to_path_buf();
    // The keyword automaton over every head's keywords (lowercase, sorted, distinct: the list
    // the engine builds its prefilter from), embedded so that a scan decodes it instead of
    // building it; the keywords go beside it, and the scan uses the table only for that list.
    let mut keywords: Vec<&str> = index
        .iter()
        .flat_map(|f| f.detectors.iter())
        .flat_map(|d| d.head.keywords.iter().copied())
        .collect();
    keywords.sort_unstable();
    keywords.dedup();
    let table = keyword_dfa::build(&keywords).expect("the catalog's keyword automaton builds");
    fs::write(out.join("keyword-dfa.keywords"), keywords.join("\0")).unwrap();
    fs::write(out.join("keyword-dfa.table"), table.to_bytes()).unwrap();
    let index = postcard::to_allocvec(&index).expect("catalog index serializes");
    fs::write(out.join("catalog-index.postcard"), index).unwrap();
    fs::write(out.join("catalog-specs.postcard"), blob).unwrap();
}

fn encode<T: serde::Serialize>(v: &T) -> Vec<u8> {
    postcard::to_allocvec(v).expect("detector spec serializes")
}

//! Embeds every `detectors/*.toml` file in the binary, so the catalog ships with it and a
//! detector change needs no code change.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("detectors");
    println!("cargo:rerun-if-changed=detectors");
    let mut files: Vec<String> = fs::read_dir(dir)
        .expect("detectors/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// `(file name, contents)` of every embedded detector file.\n");
    out.push_str("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed=detectors/{f}");
        out.push_str(&format!(
            "    ({f:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/detectors/\", {f:?}))),\n"
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_detectors.rs");
    fs::write(dest, out).unwrap();
}

//! The value score: a logistic model over named features of the name, the way the value is
//! attached, the value itself and the file type. Its weights are data
//! (`detectors/generic/model.toml`), fitted on the development half of CredData by
//! `benches/fit-generic.py`; every finding lists the features that weighed most, so a reader
//! sees why it was reported.

use super::english::RANDOM_ABOVE;
use super::parse::Op;
use super::value::ValueFacts;
use crate::model::Confidence;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The model as written in `detectors/generic/model.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    /// Probability at or above which a finding is `high` confidence.
    high: f64,
    /// ... `medium` (the default `--confidence`).
    medium: f64,
    /// ... `low`; below it the candidate is dropped.
    low: f64,
    bias: f64,
    weights: HashMap<String, f64>,
}

/// The loaded model: weights in [`FEATURES`] order.
#[derive(Debug)]
pub struct Model {
    high: f64,
    medium: f64,
    low: f64,
    bias: f64,
    weights: Vec<f64>,
}

/// Every feature, with the words a finding's evidence uses for it. The order is the order of
/// [`Features::values`].
pub const FEATURES: &[(&str, &str)] = &[
    ("kind-password", "named as a password"),
    ("kind-secret", "named as a secret"),
    ("kind-token", "named as a token"),
    ("kind-key", "named as a key"),
    ("kind-auth", "named as authorization or credentials"),
    ("kind-nonce", "named as a nonce or salt"),
    (
        "name-other",
        "the name also says what else it is (id, url, length, ...)",
    ),
    ("name-exact", "the name is only the secret word"),
    ("name-long", "the name has four words or more"),
    (
        "key-qualified",
        "the key is named as an API, secret, client or account key",
    ),
    ("op-assign", "assigned with ="),
    ("op-colon", "given after a colon"),
    ("op-arrow", "given after =>"),
    ("op-compare", "compared against"),
    ("op-call", "passed to a setter"),
    ("op-comma", "paired with the name after a comma"),
    ("op-flag", "a command-line option's argument"),
    ("op-element", "an XML element's text"),
    ("op-space", "after the name, separated by spaces"),
    ("quoted", "a quoted string"),
    (
        "unquoted-code",
        "unquoted in source code: a variable, not a literal",
    ),
    ("expression", "part of an expression (call, concatenation)"),
    ("scheme", "after an authorization scheme (Bearer, Basic)"),
    ("file-code", "in source code"),
    ("file-config", "in a configuration file"),
    ("file-doc", "in documentation"),
    ("len-log", "length"),
    ("len-short", "shorter than 8"),
    ("len-long", "longer than 64"),
    ("entropy", "randomness (Shannon entropy)"),
    ("classes", "mixes letters, digits and symbols"),
    ("has-digit", "has a digit"),
    ("letters-only", "only letters"),
    ("digits-only", "only digits"),
    ("lower-word", "a short lowercase word"),
    ("hex", "hexadecimal"),
    ("uuid", "a UUID"),
    ("base64", "base64"),
    ("jwt", "a JWT"),
    ("placeholder", "a placeholder or template"),
    (
        "self-naming",
        "the value names itself (password, secret, token)",
    ),
    ("path", "a file path"),
    ("url", "a URL"),
    ("email", "an email address"),
    ("version", "a version number"),
    ("spaces", "has spaces: text, not a credential"),
    (
        "identifier",
        "an identifier (snake_case, camelCase, dotted)",
    ),
    ("template", "a variable reference (${...}, $X, <...>)"),
    ("repeated", "repeated characters"),
    ("wordlike", "reads like English words"),
    ("random-letters", "its letters read as random, not words"),
];

pub use crate::model::AssignmentKind as Kind;

/// The type of file a value sits in, from its extension: code needs quotes around a literal,
/// configuration does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Code,
    Config,
    Doc,
    Other,
}

impl FileKind {
    /// The kind of the file at `path`.
    pub fn of(path: &std::path::Path) -> FileKind {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with(".env") || name.ends_with(".env") || name == "dockerfile" {
            return FileKind::Config;
        }
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "py" | "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" | "java" | "kt" | "kts"
            | "scala" | "groovy" | "gradle" | "go" | "rs" | "c" | "h" | "cc" | "cpp" | "hpp"
            | "cs" | "php" | "rb" | "swift" | "m" | "mm" | "pl" | "pm" | "lua" | "dart" | "r"
            | "jl" | "ex" | "exs" | "erl" | "clj" | "vb" | "fs" | "sql" | "vue" | "svelte"
            | "map" => FileKind::Code,
            "yaml" | "yml" | "json" | "toml" | "ini" | "cfg" | "conf" | "properties" | "xml"
            | "config" | "env" | "tf" | "tfvars" | "hcl" | "plist" | "cnf" | "sh" | "bash"
            | "zsh" | "ps1" | "bat" | "cmd" | "dist" | "template" | "tpl" | "j2" => {
                FileKind::Config
            }
            "md" | "rst" | "txt" | "adoc" | "html" | "htm" | "ipynb" | "tex" => FileKind::Doc,
            _ => FileKind::Other,
        }
    }
}

/// The inputs of one score.
pub struct Features<'a> {
    pub kind: Kind,
    pub name_other: bool,
    pub name_exact: bool,
    pub name_words: usize,
    pub key_qualified: bool,
    pub op: Op,
    pub quoted: bool,
    pub expression: bool,
    pub scheme: bool,
    pub file: FileKind,
    pub value: &'a ValueFacts,
}

impl Features<'_> {
    /// The feature values in [`FEATURES`] order.
    pub fn values(&self) -> Vec<f64> {
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        let v = self.value;
        let code = self.file == FileKind::Code;
        vec![
            b(self.kind == Kind::Password),
            b(self.kind == Kind::Secret),
            b(self.kind == Kind::Token),
            b(self.kind == Kind::Key),
            b(self.kind == Kind::Auth),
            b(self.kind == Kind::Nonce),
            b(self.name_other),
            b(self.name_exact),
            b(self.name_words >= 4),
            b(self.key_qualified),
            b(self.op == Op::Assign),
            b(self.op == Op::Colon),
            b(self.op == Op::Arrow),
            b(self.op == Op::Compare),
            b(self.op == Op::Call),
            b(self.op == Op::Comma),
            b(self.op == Op::Flag),
            b(self.op == Op::Element),
            b(self.op == Op::Space),
            b(self.quoted),
            b(code && !self.quoted && self.op != Op::Element),
            b(self.expression),
            b(self.scheme),
            b(code),
            b(self.file == FileKind::Config),
            b(self.file == FileKind::Doc),
            (v.len as f64).log2(),
            b(v.len < 8),
            b(v.len > 64),
            v.entropy,
            v.classes as f64,
            b(v.has_digit),
            b(v.letters_only),
            b(v.digits_only),
            b(v.lower_word),
            b(v.hex),
            b(v.uuid),
            b(v.base64ish),
            b(v.jwt),
            b(v.placeholder),
            b(v.self_naming),
            b(v.path),
            b(v.url),
            b(v.email),
            b(v.version),
            b(v.spaces),
            b(v.identifier),
            b(v.template),
            b(v.repeated),
            v.surprisal
                .map_or(0.0, |s| (RANDOM_ABOVE - s).clamp(0.0, 2.5)),
            v.surprisal
                .map_or(0.0, |s| (s - RANDOM_ABOVE).clamp(0.0, 3.0)),
        ]
    }
}

/// A scored candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    pub confidence: Confidence,
    /// The probability, in thousandths.
    pub permille: u16,
    /// The features that weighed most, strongest first: whether each raised the score, and
    /// its words.
    pub evidence: Vec<(bool, &'static str)>,
}

const MODEL_TOML: &str = include_str!("../../detectors/generic/model.toml");

impl Model {
    /// The built-in model, parsed once.
    pub fn builtin() -> &'static Model {
        static M: OnceLock<Model> = OnceLock::new();
        M.get_or_init(|| Model::parse(MODEL_TOML).expect("detectors/generic/model.toml is valid"))
    }

    /// Parses a model file; every weight must name a known feature.
    pub fn parse(text: &str) -> Result<Model, String> {
        let f: ModelFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(k) = f
            .weights
            .keys()
            .find(|k| !FEATURES.iter().any(|(n, _)| n == k))
        {
            return Err(format!("unknown feature '{k}'"));
        }
        if !(f.low <= f.medium && f.medium <= f.high) {
            return Err("thresholds must be low <= medium <= high".into());
        }
        Ok(Model {
            high: f.high,
            medium: f.medium,
            low: f.low,
            bias: f.bias,
            weights: FEATURES
                .iter()
                .map(|(n, _)| f.weights.get(*n).copied().unwrap_or(0.0))
                .collect(),
        })
    }

    /// The score of `features`, or `None` below the `low` threshold.
    pub fn score(&self, x: &[f64]) -> Option<Scored> {
        let mut z = self.bias;
        let mut parts: Vec<(f64, usize)> = Vec::new();
        for (i, (w, v)) in self.weights.iter().zip(x).enumerate() {
            let c = w * v;
            z += c;
            if c != 0.0 {
                parts.push((c, i));
            }
        }
        let p = 1.0 / (1.0 + (-z).exp());
        let confidence = if p >= self.high {
            Confidence::High
        } else if p >= self.medium {
            Confidence::Medium
        } else if p >= self.low {
            Confidence::Low
        } else {
            return None;
        };
        parts.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        let evidence = parts
            .iter()
            .filter(|(c, _)| c.abs() >= 0.5)
            .take(4)
            .map(|&(c, i)| (c > 0.0, FEATURES[i].1))
            .collect();
        Some(Scored {
            confidence,
            permille: (p * 1000.0).round() as u16,
            evidence,
        })
    }
}

/// The feature names, for `benches/fit-generic.py`'s dump.
pub fn feature_names() -> Vec<&'static str> {
    FEATURES.iter().map(|(n, _)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_model_keeps_its_constraints() {
        let m = Model::builtin();
        let w = |name: &str| m.weights[FEATURES.iter().position(|(n, _)| *n == name).unwrap()];
        // The signs benches/fit-generic.py constrains: randomness never lowers a score, the
        // shape of a non-credential never raises it. A hand edit or a fit that broke them fails.
        for up in [
            "entropy",
            "has-digit",
            "hex",
            "base64",
            "random-letters",
            "len-log",
        ] {
            assert!(w(up) >= 0.0, "{up}: {}", w(up));
        }
        for down in ["spaces", "identifier", "wordlike", "op-space", "len-short"] {
            assert!(w(down) <= 0.0, "{down}: {}", w(down));
        }
        assert!(
            m.low < m.medium && m.medium < m.high,
            "thresholds out of order"
        );
        assert!(Model::parse("high=0.9\nmedium=0.5\nlow=0.2\nbias=0\n[weights]\nnope=1").is_err());
        assert!(Model::parse("high=0.2\nmedium=0.5\nlow=0.9\nbias=0\n[weights]\n").is_err());
    }

    #[test]
    fn file_kinds() {
        use std::path::Path;
        assert_eq!(FileKind::of(Path::new("a/settings.py")), FileKind::Code);
        assert_eq!(FileKind::of(Path::new(".env.local")), FileKind::Config);
        assert_eq!(FileKind::of(Path::new("values.yaml")), FileKind::Config);
        assert_eq!(FileKind::of(Path::new("README.md")), FileKind::Doc);
    }
}

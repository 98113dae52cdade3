//! Adding credgate's hook to an agent's JSON configuration file: once (a second install finds
//! it and changes nothing), keeping everything else in the file, and never through a symbolic
//! link on the way to it (`.claude`, `.cursor`, the file itself), so an install cannot be
//! turned into a write somewhere else.

use anyhow::{Result, anyhow};
use serde_json::{Map, Value};
use std::path::Path;

/// Reads `root/rel` as a JSON object (missing or blank: `{}`), lets `edit` change it, and
/// writes it back, pretty-printed, when `edit` says it changed. Returns whether it did.
pub fn edit(
    root: &Path,
    rel: &Path,
    edit: impl FnOnce(&mut Map<String, Value>) -> Result<bool>,
) -> Result<bool> {
    let file = root.join(rel);
    let bytes = crate::safe_write::read_in(root, rel)?.unwrap_or_default();
    let mut doc: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| anyhow!("{}: not valid JSON ({e}); not changing it", file.display()))?
    };
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| anyhow!("{}: not a JSON object; not changing it", file.display()))?;
    if !edit(obj).map_err(|e| anyhow!("{}: {e}; not changing it", file.display()))? {
        return Ok(false);
    }
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    crate::safe_write::write_in(root, rel, text.as_bytes(), crate::safe_write::SHARED)?;
    Ok(true)
}

/// The value at `keys` below `obj`, created as `default` where missing; an error naming the
/// path when something of another type is in the way.
pub fn at<'a>(
    obj: &'a mut Map<String, Value>,
    keys: &[&str],
    default: Value,
) -> Result<&'a mut Value> {
    let (last, parents) = keys.split_last().expect("a key");
    let mut cur = obj;
    for (i, k) in parents.iter().enumerate() {
        cur = cur
            .entry(*k)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| anyhow!("{} is not an object", keys[..=i].join(".")))?;
    }
    let v = cur.entry(*last).or_insert(default);
    Ok(v)
}

/// The array at `keys`, created empty where missing.
pub fn array_at<'a>(obj: &'a mut Map<String, Value>, keys: &[&str]) -> Result<&'a mut Vec<Value>> {
    let path = keys.join(".");
    at(obj, keys, Value::Array(Vec::new()))?
        .as_array_mut()
        .ok_or_else(|| anyhow!("{path} is not an array"))
}

/// Whether a string anywhere in `v` contains `needle` (a hook entry that already runs the
/// command, however the user wrote the rest of it).
pub fn mentions(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.contains(needle),
        Value::Array(a) => a.iter().any(|x| mentions(x, needle)),
        Value::Object(o) => o.values().any(|x| mentions(x, needle)),
        _ => false,
    }
}

/// Keys of a hook entry that only make it stricter: an entry credgate installed before it
/// wrote them (Cursor's `failClosed`) gets them on the next install, unless the user set them.
const STRICTER: &[&str] = &["failClosed"];

/// Appends `entry` to the array at `keys` unless an entry there already runs `command`; an
/// existing one gets the [`STRICTER`] keys of `entry` it lacks. Returns whether anything
/// changed.
pub fn add_once(
    obj: &mut Map<String, Value>,
    keys: &[&str],
    command: &str,
    entry: Value,
) -> Result<bool> {
    let list = array_at(obj, keys)?;
    if let Some(existing) = list.iter_mut().find(|e| mentions(e, command)) {
        let mut changed = false;
        if let (Some(have), Some(want)) = (existing.as_object_mut(), entry.as_object()) {
            for k in STRICTER {
                if let Some(v) = want.get(*k)
                    && !have.contains_key(*k)
                {
                    have.insert((*k).to_string(), v.clone());
                    changed = true;
                }
            }
        }
        return Ok(changed);
    }
    list.push(entry);
    Ok(true)
}

/// Installs a host's hook in `root/rel`: each `(event, entry)` under `hooks.EVENT` unless an
/// entry there already runs `credgate hook HOST`, and each `(key, value)` of `defaults` at the
/// top where the key is missing (Cursor's `version`). Returns the file and whether it changed.
pub fn install_hooks(
    root: &Path,
    rel: &str,
    host: &str,
    defaults: &[(&str, Value)],
    entries: &[(&str, Value)],
) -> Result<(std::path::PathBuf, bool)> {
    let needle = format!("credgate hook {host}");
    let changed = edit(root, Path::new(rel), |doc| {
        let mut changed = false;
        for (key, value) in defaults {
            if !doc.contains_key(*key) {
                doc.insert((*key).to_string(), value.clone());
                changed = true;
            }
        }
        for (event, entry) in entries {
            changed |= add_once(doc, &["hooks", event], &needle, entry.clone())?;
        }
        Ok(changed)
    })?;
    Ok((root.join(rel), changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn adds_once_and_keeps_the_rest() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("s.json"), r#"{"model": "x", "hooks": {}}"#).unwrap();
        let add = |obj: &mut Map<String, Value>| {
            add_once(
                obj,
                &["hooks", "Pre"],
                "credgate hook x",
                json!({"command": "credgate hook x"}),
            )
        };
        assert!(edit(d.path(), Path::new("s.json"), add).unwrap());
        assert!(!edit(d.path(), Path::new("s.json"), add).unwrap());
        let v: Value =
            serde_json::from_slice(&std::fs::read(d.path().join("s.json")).unwrap()).unwrap();
        assert_eq!(v["model"], "x");
        assert_eq!(v["hooks"]["Pre"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn an_older_entry_gets_fail_closed_but_a_users_choice_stays() {
        let entry = json!({"command": "credgate hook cursor", "failClosed": true});
        let mut obj: Map<String, Value> = serde_json::from_str(
            r#"{"hooks": {"beforeReadFile": [{"command": "credgate hook cursor"}],
                          "beforeShellExecution": [{"command": "credgate hook cursor", "failClosed": false}]}}"#,
        )
        .unwrap();
        let add = |obj: &mut Map<String, Value>, event: &str| {
            add_once(
                obj,
                &["hooks", event],
                "credgate hook cursor",
                entry.clone(),
            )
            .unwrap()
        };
        assert!(add(&mut obj, "beforeReadFile"));
        assert!(!add(&mut obj, "beforeReadFile"), "once");
        assert!(!add(&mut obj, "beforeShellExecution"));
        assert_eq!(obj["hooks"]["beforeReadFile"][0]["failClosed"], true);
        assert_eq!(obj["hooks"]["beforeShellExecution"][0]["failClosed"], false);
        assert_eq!(obj["hooks"]["beforeReadFile"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn something_else_in_the_way_is_an_error_that_names_it() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("s.json"), r#"{"hooks": []}"#).unwrap();
        let err = edit(d.path(), Path::new("s.json"), |obj| {
            add_once(obj, &["hooks", "Pre"], "c", json!({}))
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("hooks is not an object"), "{err}");
        assert_eq!(
            std::fs::read_to_string(d.path().join("s.json")).unwrap(),
            r#"{"hooks": []}"#
        );
    }
}

//! Inline suppression: a `credgate:allow` comment on a finding's line.

/// The marker of an inline allow comment.
const ALLOW_MARK: &[u8] = b"credgate:allow";

/// A `credgate:allow` comment on the finding's line suppresses it; `credgate:allow=ID[,ID]`
/// only for those detectors. The text after the marker is the justification.
pub fn allow(
    hay: &[u8],
    line_start: usize,
    detector_id: &str,
) -> Option<crate::finding::Suppression> {
    // Bounded look at the line: a minified 100 MB line is not searched to its end.
    let limit = (line_start + 64 * 1024).min(hay.len());
    let line_end = memchr::memchr(b'\n', &hay[line_start..limit]).map_or(limit, |i| line_start + i);
    let line = &hay[line_start..line_end];
    let at = memchr::memmem::find(line, ALLOW_MARK)?;
    let rest = &line[at + ALLOW_MARK.len()..];
    let (ids, note) = match rest.strip_prefix(b"=") {
        Some(r) => {
            let n = r
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b"._-,".contains(&b)))
                .unwrap_or(r.len());
            (Some(&r[..n]), &r[n..])
        }
        None => (None, rest),
    };
    if let Some(ids) = ids
        && !ids
            .split(|&b| b == b',')
            .any(|id| id == detector_id.as_bytes())
    {
        return None;
    }
    let note = crate::finding::excerpt(note);
    let note = note.trim_matches(|c: char| c.is_whitespace() || "-:#/*>".contains(c));
    Some(crate::finding::Suppression {
        kind: crate::finding::SuppressionKind::InSource,
        justification: if note.is_empty() {
            "credgate:allow comment".to_string()
        } else {
            format!(
                "credgate:allow comment: {}",
                note.chars().take(200).collect::<String>()
            )
        },
    })
}

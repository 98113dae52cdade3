//! The raw bytes of a credential, held so that they cannot be printed by accident.
//!
//! `Debug` and `Display` write a mask, never the bytes: a `{:?}` of a finding in a log line, a
//! panic message or an error chain shows nothing an agent could use. Reading the bytes is the
//! explicit call [`Secret::expose`], which is easy to find in review.

use std::fmt;

/// A credential's raw bytes. Compares by value (for pairing and allow rules), prints as a mask.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Takes ownership of the bytes.
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    /// The raw bytes. Every call is a place where a credential leaves its wrapper.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes (safe to print).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&[u8]> for Secret {
    fn from(b: &[u8]) -> Secret {
        Secret(b.to_vec())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(***** {} bytes)", self.0.len())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*****")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_bytes() {
        let s = Secret::new(b"sk_live_FAKE9xQ2mV7pL4rT8wZ1".to_vec());
        let shown = format!("{s:?} {s} {s:#?} {:?}", Some(&s));
        assert!(!shown.contains("FAKE"), "{shown}");
        assert!(!shown.contains("sk_live"), "{shown}");
        assert_eq!(format!("{s:?}"), "Secret(***** 28 bytes)");
        assert_eq!(s.expose(), b"sk_live_FAKE9xQ2mV7pL4rT8wZ1");
    }
}

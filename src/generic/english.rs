//! How much a value reads like English words (`Server`, `autoresizingMask`, `changeit`) rather
//! than random letters (`wanunhfo`, `Kz7qV2mP`): the mean surprisal of its letters under a
//! letter-trigram model of an English word list (`detectors/generic/trigrams.bin`, made by
//! `benches/make-trigrams.py`). Words a person picked are names, labels and placeholders far
//! more often than credentials; CredData's obfuscated passwords keep their shape but not their
//! words, so this is also what separates a label from a password there.

/// Mean surprisal, in bits per letter, above which letters read as random rather than words.
pub const RANDOM_ABOVE: f64 = 5.0;

/// `27 x 27 x 27` surprisals in sixteenths of a bit; index 26 is the word boundary.
static TABLE: &[u8; 19683] = include_bytes!("../../detectors/generic/trigrams.bin");

fn index(c: u8) -> usize {
    (c.to_ascii_lowercase() - b'a') as usize
}

/// The mean surprisal, in bits per letter, of the runs of three or more ASCII letters in `v`,
/// or `None` if it has none. Dictionary words score 2.5 to 4.5, random letters 5 to 8.
pub fn surprisal(v: &[u8]) -> Option<f64> {
    let mut total = 0u32;
    let mut letters = 0u32;
    for run in v.split(|c| !c.is_ascii_alphabetic()) {
        if run.len() < 3 {
            continue;
        }
        let (mut a, mut b) = (26usize, 26usize);
        for &c in run.iter().chain(std::iter::once(&b'\0')) {
            let x = if c == 0 { 26 } else { index(c) };
            total += TABLE[a * 729 + b * 27 + x] as u32;
            (a, b) = (b, x);
        }
        letters += run.len() as u32;
    }
    (letters > 0).then(|| total as f64 / 16.0 / letters as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_words_and_random_letters_do_not() {
        for w in [
            "Server",
            "password",
            "autoresizing",
            "changeit",
            "development",
        ] {
            let s = surprisal(w.as_bytes()).unwrap();
            assert!(s < 4.6, "{w}: {s}");
        }
        for r in ["wanunhfo", "nekpevx", "qvnepvbzsuhxgrrmn", "Kz7qV2mPxq"] {
            let s = surprisal(r.as_bytes()).unwrap();
            assert!(s > 5.2, "{r}: {s}");
        }
        assert_eq!(surprisal(b"12345678"), None);
    }
}

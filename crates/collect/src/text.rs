//! Text normalisation and a stable hash shared by the content hash, SimHash and the classifier's
//! features (a stable hash, because models and signatures are stored).

/// Lower case, whitespace runs collapsed to one space, trimmed (NFKC is not applied; full-width
/// Latin is rare in the sources and lower-casing covers the case of the rest).
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// FNV-1a, 64 bits: stable across builds and platforms, unlike std's hasher.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Every character n-gram of `chars` for n in `sizes`, as string slices of `text`.
pub(crate) fn char_ngrams<'a>(
    text: &'a str,
    sizes: std::ops::RangeInclusive<usize>,
) -> impl Iterator<Item = &'a str> + 'a {
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
    let chars = bounds.len() - 1;
    sizes.flat_map(move |n| {
        let bounds = bounds.clone();
        (0..=chars.saturating_sub(n)).filter(move |_| n <= chars).map(move |i| &text[bounds[i]..bounds[i + n]])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(normalise("  Ransomware\n\tHIT  ロシア "), "ransomware hit ロシア");
    }

    #[test]
    fn ngrams_cover_japanese_and_short_text() {
        let grams: Vec<&str> = char_ngrams("北朝鮮", 2..=3).collect();
        assert_eq!(grams, ["北朝", "朝鮮", "北朝鮮"]);
        assert_eq!(char_ngrams("a", 2..=3).count(), 0);
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}

//! A request nonce draws each of its 32 characters uniformly from [0-9A-Za-z], so that it carries
//! its full 190 bits and cannot be guessed: every character appears, and none more often than
//! the others.

use wxpresign::signing::nonce;

const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// How often each character of the alphabet appears in `count` fresh nonces.
fn character_counts(count: usize) -> Vec<(char, usize)> {
    let mut counts = [0usize; 128];
    for _ in 0..count {
        for b in nonce().expect("random bytes").bytes() {
            counts[usize::from(b & 0x7f)] += 1;
        }
    }
    ALPHABET.chars().map(|c| (c, counts[c as usize])).collect()
}

#[test]
fn every_character_of_the_alphabet_appears_in_nonces() {
    // 6,400 draws: the chance that a fair draw misses one of 62 characters is below 1e-40.
    let missing: Vec<char> = character_counts(200)
        .into_iter()
        .filter(|&(_, n)| n == 0)
        .map(|(c, _)| c)
        .collect();
    assert!(missing.is_empty(), "never drawn: {missing:?}");
}

#[test]
fn no_character_of_a_nonce_is_more_likely_than_another() {
    // 1,280,000 draws, 20,645 expected of each character with a standard deviation of 142: a
    // fair draw stays within 5 % (7 deviations) of it, while a character drawn from 5 byte
    // values out of 249 instead of 4 out of 248 comes out 24 % too often.
    let expected = 40_000.0 * 32.0 / 62.0;
    let skewed: Vec<(char, usize)> = character_counts(40_000)
        .into_iter()
        .filter(|&(_, n)| (n as f64 - expected).abs() > expected * 0.05)
        .collect();
    assert!(
        skewed.is_empty(),
        "expected about {expected:.0} each: {skewed:?}"
    );
}

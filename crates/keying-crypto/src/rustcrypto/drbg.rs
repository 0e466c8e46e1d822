//! A small deterministic SHA-256 generator for tests and examples.

use core::fmt;

use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{CryptoError, Rng};

/// A deterministic generator: SHA-256 in counter mode over a secret state, re-keyed after
/// every request (`state ← SHA-256("rekey" ‖ state ‖ counter)`), so earlier output cannot be
/// recomputed from a later state.
///
/// **For tests and examples.** The same seed always gives the same bytes, which is what
/// reproducible tests want and what production must never have. It is only as good as its
/// seed: seeded with at least 32 bytes of real entropy it is a reasonable generator, but it
/// is *not* a validated [SP 800-90A](https://csrc.nist.gov/pubs/sp/800/90/a/r1/final)
/// Hash_DRBG (no reseed counter, no prediction resistance, no health tests).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct HashDrbg {
    state: [u8; 32],
    counter: u64,
}

impl HashDrbg {
    /// A generator whose whole output is determined by `seed`.
    #[must_use]
    pub fn new(seed: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(b"keying-crypto HashDrbg seed");
        h.update((seed.len() as u64).to_be_bytes());
        h.update(seed);
        Self {
            state: h.finalize().into(),
            counter: 0,
        }
    }

    fn block(&mut self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"out");
        h.update(self.state);
        h.update(self.counter.to_be_bytes());
        self.counter = self.counter.wrapping_add(1);
        h.finalize().into()
    }
}

impl Rng for HashDrbg {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        for chunk in dest.chunks_mut(32) {
            let mut block = self.block();
            let n = chunk.len();
            if let Some(src) = block.get(..n) {
                chunk.copy_from_slice(src);
            }
            block.zeroize();
        }
        let mut h = Sha256::new();
        h.update(b"rekey");
        h.update(self.state);
        h.update(self.counter.to_be_bytes());
        self.state = h.finalize().into();
        Ok(())
    }
}

impl fmt::Debug for HashDrbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashDrbg(<redacted>)")
    }
}

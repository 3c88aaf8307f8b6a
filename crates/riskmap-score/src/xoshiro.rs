//! The fast seeded generator of the global permutation engine: xoshiro256++ with jump-ahead
//! streams, and batched unbiased bounded draws.
//!
//! **Generator.** xoshiro256++ (Blackman & Vigna 2021): 256 bits of state, period 2²⁵⁶ − 1,
//! passes BigCrush and PractRand; a handful of integer operations per 64-bit output. The
//! state of `seed` is four consecutive SplitMix64 outputs from `seed` (the authors'
//! recommended seeding). Stream c is that state advanced by c jumps of 2¹²⁸ steps
//! (`jump`), so streams never overlap in practice and each depends only on (seed, c).
//! Pure integer arithmetic: the same numbers on every platform.
//!
//! **Bounded draws** (Brackett-Lemire & Lemire 2024, "Batched ranged random integer
//! generation"). K draws uniform in 0..r from one 64-bit word x: with P = r^K < 2⁶⁴,
//! x·P = ⌊x·P / 2⁶⁴⌋·2⁶⁴ + (x·P mod 2⁶⁴), and the K base-r digits of ⌊x·P / 2⁶⁴⌋ are
//! obtained by K successive 64×64→128-bit products, each taking the low word of the
//! previous one. Rejecting x when (x·P mod 2⁶⁴) < 2⁶⁴ mod P is Lemire's (2019) method for
//! the range P, so the K digits are exactly uniform and independent. Rejection is rare
//! (probability < P / 2⁶⁴) and redraws the whole batch.

/// xoshiro256++ state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Xoshiro256pp {
    s: [u64; 4],
}

/// The jump polynomial of xoshiro256: advances the state by 2¹²⁸ steps.
const JUMP: [u64; 4] = [
    0x180e_c6d3_3cfd_0aba,
    0xd5a6_1266_f0c9_392c,
    0xa958_2618_e03f_c9aa,
    0x39ab_dc45_29b1_661c,
];

impl Xoshiro256pp {
    /// The generator of `seed` (stream 0).
    pub(crate) fn seed(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        // SplitMix64 is a bijection of its counter, so four outputs are never all zero.
        Self {
            s: [next(), next(), next(), next()],
        }
    }

    /// Streams 0..count of `seed`: stream c is the seed's state after c jumps.
    pub(crate) fn streams(seed: u64, count: usize) -> Vec<Self> {
        let mut g = Self::seed(seed);
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            out.push(g.clone());
            g.jump();
        }
        out
    }

    /// The next 64-bit output.
    #[inline(always)]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Advances the state by 2¹²⁸ steps (the authors' `jump`).
    pub(crate) fn jump(&mut self) {
        let mut acc = [0u64; 4];
        for word in JUMP {
            for b in 0..64 {
                if word & (1 << b) != 0 {
                    for (a, s) in acc.iter_mut().zip(self.s) {
                        *a ^= s;
                    }
                }
                self.next_u64();
            }
        }
        self.s = acc;
    }

    /// K independent uniform draws from 0..range, for range ≥ 1 with
    /// range^K ≤ `cap` < 2⁶⁴. Any such `cap` gives the same draws; a cap shared by many
    /// ranges (e.g. the largest range^K of a shuffle) saves computing range^K per call.
    #[inline(always)]
    pub(crate) fn below_batch<const K: usize>(&mut self, range: u64, cap: u64) -> [u64; K] {
        debug_assert!(
            range >= 1 && u128::from(range).pow(K as u32) <= u128::from(cap),
            "below_batch: range^K must not exceed cap"
        );
        loop {
            let mut low = self.next_u64();
            let mut out = [0u64; K];
            for o in &mut out {
                let m = u128::from(low) * u128::from(range);
                *o = (m >> 64) as u64;
                low = m as u64;
            }
            // Lemire's test for the range bound = range^K: accept unless low < 2⁶⁴ mod bound.
            // That threshold is below bound ≤ cap, so low ≥ cap accepts at once (almost
            // always); only otherwise are bound and its modulo computed.
            if low >= cap {
                return out;
            }
            let bound = range.pow(K as u32);
            if low >= bound || low >= bound.wrapping_neg() % bound {
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference outputs from state (1, 2, 3, 4) (the authors' C code).
    #[test]
    fn matches_reference_outputs() {
        let mut g = Xoshiro256pp { s: [1, 2, 3, 4] };
        let expected: [u64; 10] = [
            41_943_041,
            58_720_359,
            3_588_806_011_781_223,
            3_591_011_842_654_386,
            9_228_616_714_210_784_205,
            9_973_669_472_204_895_162,
            14_011_001_112_246_962_877,
            12_406_186_145_184_390_807,
            15_849_039_046_786_891_736,
            10_450_023_813_501_588_000,
        ];
        for e in expected {
            assert_eq!(g.next_u64(), e);
        }
    }

    /// A jump from state (0, 0, 0, 1), as computed by the authors' `jump()`.
    #[test]
    fn jump_matches_reference() {
        let mut g = Xoshiro256pp { s: [0, 0, 0, 1] };
        g.jump();
        assert_eq!(
            g.s,
            [
                0x934D_05E8_B207_6310,
                0xEABD_D0BF_76A1_BE51,
                0x75DD_6A99_2ACC_B1E8,
                0xC660_C602_A733_0187
            ]
        );
        assert_eq!(g.next_u64(), 0x88F9_A31A_FDB4_39F5);
        assert_eq!(g.next_u64(), 0x3813_4A20_DFA1_A232);
    }

    #[test]
    fn streams_are_jumps_of_the_seed() {
        let streams = Xoshiro256pp::streams(12345, 3);
        let mut g = Xoshiro256pp::seed(12345);
        assert_eq!(streams[0], g);
        g.jump();
        g.jump();
        assert_eq!(streams[2], g);
    }

    /// Every cell of the 7⁴ joint outcomes of a batch is hit about equally often.
    #[test]
    fn batched_draws_are_uniform_and_independent() {
        let mut g = Xoshiro256pp::seed(7);
        let mut counts = vec![0usize; 7 * 7 * 7 * 7];
        let draws = 7 * 7 * 7 * 7 * 100;
        for _ in 0..draws {
            let mut loose = g.clone();
            let d: [u64; 4] = g.below_batch(7, 7 * 7 * 7 * 7);
            // The cap only shortcuts the test: a looser one gives the same draws.
            assert_eq!(loose.below_batch::<4>(7, u64::MAX), d);
            assert_eq!(loose, g);
            assert!(d.iter().all(|&x| x < 7));
            counts[((d[0] * 7 + d[1]) * 7 + d[2]) as usize * 7 + d[3] as usize] += 1;
        }
        // Chi-square with 2400 degrees of freedom: mean 2400, sd ≈ 69.
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - 100.0).powi(2) / 100.0)
            .sum();
        assert!((2_000.0..2_800.0).contains(&chi2), "chi2 {chi2}");
    }

    /// A range whose power leaves a large rejection zone still gives exact bounds.
    #[test]
    fn batched_draws_with_large_ranges() {
        let mut g = Xoshiro256pp::seed(1);
        let r = (1u64 << 32) - 1;
        let mut high = 0;
        for _ in 0..10_000 {
            let d: [u64; 2] = g.below_batch(r, r * r);
            assert!(d.iter().all(|&x| x < r));
            high += d.iter().filter(|&&x| x >= r / 2).count();
        }
        assert!((9_600..10_400).contains(&high), "{high}");
    }
}

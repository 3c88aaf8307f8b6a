//! Shared helpers of the oracle tests: locating and reading the oracle files, comparing
//! numbers with the oracle tolerances, and numpy's legacy MT19937 stream for exact replay
//! of esda's permutation draws.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use riskmap_score::weights::Weights;

/// Relative tolerance for deterministic quantities (oracle README).
pub const REL: f64 = 1e-9;
/// Absolute tolerance for deterministic quantities near zero.
pub const ABS: f64 = 1e-12;

/// The oracle directory: `$RISKMAP_ORACLE_DIR`, else `shared/oracle` beside the repository.
///
/// Panics with a clear message when it is missing: CI always has it.
pub fn oracle_dir() -> PathBuf {
    let dir = std::env::var_os("RISKMAP_ORACLE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/oracle"
            ))
        });
    assert!(
        dir.join("README.md").is_file(),
        "oracle directory not found at {} — set RISKMAP_ORACLE_DIR to the shared/oracle folder \
         (it holds the esda/libpysal expected values these tests compare against)",
        dir.display()
    );
    dir
}

/// Path of a file inside the oracle directory.
pub fn oracle(rel: &str) -> PathBuf {
    let path = oracle_dir().join(rel);
    assert!(path.is_file(), "oracle file missing: {}", path.display());
    path
}

/// A CSV file held as strings.
pub struct Csv {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(path: &Path) -> Csv {
        let mut reader =
            csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let headers = reader
            .headers()
            .expect("csv header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("csv record").iter().map(str::to_owned).collect())
            .collect();
        Csv { headers, rows }
    }

    pub fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }

    pub fn index(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    pub fn strings(&self, name: &str) -> Vec<String> {
        let k = self.index(name);
        self.rows.iter().map(|r| r[k].clone()).collect()
    }

    pub fn f64s(&self, name: &str) -> Vec<f64> {
        let k = self.index(name);
        self.rows
            .iter()
            .map(|r| {
                r[k].parse::<f64>()
                    .unwrap_or_else(|_| panic!("column {name}: not a number {:?}", r[k]))
            })
            .collect()
    }
}

pub fn read_json(rel: &str) -> serde_json::Value {
    let path = oracle(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn json_f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Binary weights from an oracle `weights_*.csv` edge list.
pub fn weights_csv(rel: &str, n: usize) -> Weights {
    let csv = Csv::read(&oracle(rel));
    let (i, j) = (csv.index("i"), csv.index("j"));
    let mut lists = vec![Vec::new(); n];
    for row in &csv.rows {
        lists[row[i].parse::<usize>().expect("i")].push(row[j].parse::<usize>().expect("j"));
    }
    Weights::from_neighbour_lists(&lists).expect("oracle weights are valid")
}

/// Binary weights from a micro fixture's `{"0": [1, 2], ...}` object.
pub fn weights_json(v: &serde_json::Value) -> Weights {
    let obj = v.as_object().expect("neighbours object");
    let mut lists = vec![Vec::new(); obj.len()];
    for (k, list) in obj {
        lists[k.parse::<usize>().expect("key")] = list
            .as_array()
            .expect("list")
            .iter()
            .map(|x| x.as_u64().expect("index") as usize)
            .collect();
    }
    Weights::from_neighbour_lists(&lists).expect("valid neighbours")
}

/// |got − expected| ≤ max(rel·|expected|, abs).
pub fn close(expected: f64, got: f64, rel: f64, abs: f64) -> bool {
    if expected.is_nan() {
        return got.is_nan();
    }
    (got - expected).abs() <= (rel * expected.abs()).max(abs)
}

pub fn assert_close(what: &str, expected: f64, got: f64) {
    assert!(
        close(expected, got, REL, ABS),
        "{what}: expected {expected:e}, got {got:e}"
    );
}

pub fn assert_all_close(what: &str, expected: &[f64], got: &[f64]) {
    assert_eq!(expected.len(), got.len(), "{what}: lengths");
    for (i, (&e, &g)) in expected.iter().zip(got).enumerate() {
        assert!(
            close(e, g, REL, ABS),
            "{what}[{i}]: expected {e:e}, got {g:e}"
        );
    }
}

pub fn assert_all_close_opt(what: &str, expected: &[f64], got: &[Option<f64>]) {
    let got: Vec<f64> = got
        .iter()
        .map(|g| g.unwrap_or_else(|| panic!("{what}: missing value")))
        .collect();
    assert_all_close(what, expected, &got);
}

/// Statistical tolerance of the oracle README for two independent pseudo p-values:
/// 3·√(p(1−p)/R) per side plus 2/(R+1).
pub fn p_sim_tolerance(p_esda: f64, p_ours: f64, r_esda: usize, r_ours: usize) -> f64 {
    3.0 * (p_esda * (1.0 - p_esda) / r_esda as f64).sqrt()
        + 3.0 * (p_ours * (1.0 - p_ours) / r_ours as f64).sqrt()
        + 2.0 / (r_esda as f64 + 1.0)
}

/// Pearson correlation.
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let ma = a.iter().sum::<f64>() / n;
    let mb = b.iter().sum::<f64>() / n;
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    cov / (va * vb).sqrt()
}

/// Features of an oracle GeoJSON file.
pub fn features(rel: &str) -> Vec<geojson::Feature> {
    let path = oracle(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fc: geojson::FeatureCollection = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fc.features
}

/// numpy's legacy `RandomState` (MT19937 seeded by `np.random.seed(int)`), enough to
/// replay `np.random.permutation` and `np.random.choice(n, k, replace=False)`.
pub struct NumpyRandomState {
    mt: [u32; 624],
    index: usize,
}

impl NumpyRandomState {
    /// `np.random.seed(seed)`: MT19937 `init_genrand`.
    pub fn seed(seed: u32) -> Self {
        let mut mt = [0u32; 624];
        mt[0] = seed;
        for i in 1..624 {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        NumpyRandomState { mt, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for i in 0..624 {
                let y = (self.mt[i] & 0x8000_0000) | (self.mt[(i + 1) % 624] & 0x7fff_ffff);
                let mut v = self.mt[(i + 397) % 624] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.mt[i] = v;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// numpy `random_interval(max)`: uniform in 0..=max by masked rejection.
    fn random_interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        loop {
            let v = self.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// Legacy `shuffle` of a 1-d array.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.random_interval(i as u32) as usize;
            x.swap(i, j);
        }
    }

    /// `np.random.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }

    /// `np.random.choice(n, size, replace=False)` = `permutation(n)[:size]`.
    pub fn choice_without_replacement(&mut self, n: usize, size: usize) -> Vec<usize> {
        let mut p = self.permutation(n);
        p.truncate(size);
        p
    }
}

/// esda `crand.vec_permutations(max_card, n, permutations, seed)` without numba.
pub fn esda_permutation_rows(
    n: usize,
    max_card: usize,
    permutations: usize,
    seed: u32,
) -> Vec<Vec<usize>> {
    let mut rs = NumpyRandomState::seed(seed);
    (0..permutations)
        .map(|_| rs.choice_without_replacement(n - 1, max_card))
        .collect()
}

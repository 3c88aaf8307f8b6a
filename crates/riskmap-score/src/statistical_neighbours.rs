//! Statistical neighbours (domain §3.2): the units most alike in context — never in outcome —
//! found by standardising each context variable (mean 0, population SD 1 across the
//! candidates) and taking the nearest by Euclidean distance, ties broken by id.

/// The `count` candidates nearest to `own` in standardised context, nearest first. `table`
/// holds each candidate's id and context vector (all the same length; `own` among them).
/// Empty when `own` is not in the table.
///
/// # Examples
/// ```
/// use riskmap_score::statistical_neighbours::statistical_neighbours;
/// let table = vec![(1, vec![1.0, 10.0]), (2, vec![1.1, 11.0]), (3, vec![5.0, 50.0]), (4, vec![0.9, 9.5])];
/// assert_eq!(statistical_neighbours(&table, 1, 2), vec![4, 2]);
/// ```
pub fn statistical_neighbours<K: Copy + Ord>(
    table: &[(K, Vec<f64>)],
    own: K,
    count: usize,
) -> Vec<K> {
    let Some((_, own_features)) = table.iter().find(|(k, _)| *k == own) else {
        return Vec::new();
    };
    let dims = own_features.len();
    #[allow(clippy::cast_precision_loss, reason = "a few hundred units")]
    let n = table.len() as f64;
    let mean: Vec<f64> = (0..dims)
        .map(|d| table.iter().map(|(_, f)| f[d]).sum::<f64>() / n)
        .collect();
    let sd: Vec<f64> = (0..dims)
        .map(|d| {
            (table
                .iter()
                .map(|(_, f)| (f[d] - mean[d]).powi(2))
                .sum::<f64>()
                / n)
                .sqrt()
                .max(1e-12)
        })
        .collect();
    let z = |f: &[f64]| -> Vec<f64> { (0..dims).map(|d| (f[d] - mean[d]) / sd[d]).collect() };
    let own_z = z(own_features);
    let mut distances: Vec<(K, f64)> = table
        .iter()
        .filter(|(k, _)| *k != own)
        .map(|(k, f)| {
            let distance = z(f)
                .iter()
                .zip(&own_z)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>();
            (*k, distance)
        })
        .collect();
    distances.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    distances.into_iter().take(count).map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_does_not_dominate_after_standardising() {
        // Unit 2 is nearest on the small variable, unit 3 on the large one; standardised, both
        // variables count the same and unit 4 (close on both) wins.
        let table = vec![
            (1, vec![0.0, 0.0]),
            (2, vec![0.1, 1000.0]),
            (3, vec![5.0, 10.0]),
            (4, vec![1.0, 150.0]),
            (5, vec![9.0, 3000.0]),
        ];
        assert_eq!(statistical_neighbours(&table, 1, 1), vec![4]);
        assert!(statistical_neighbours(&table, 9, 3).is_empty());
    }
}

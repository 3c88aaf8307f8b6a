//! Cuthill–McKee ordering of units: neighbours get nearby labels, so kernels that read the
//! values of linked units touch nearby memory.
//!
//! Breadth-first search on the symmetrised links (i ~ j when w_ij > 0 or w_ji > 0); each
//! component starts at a unit of smallest degree, and the unvisited neighbours of a unit
//! are appended by ascending degree, ties by index (Cuthill & McKee 1969). Deterministic.

use super::Weights;

/// The Cuthill–McKee order: `order[new] = old`, a permutation of 0..n.
pub(crate) fn cuthill_mckee(w: &Weights) -> Vec<usize> {
    let n = w.n();
    let mut adjacency: Vec<Vec<usize>> = (0..n).map(|i| w.neighbours(i).to_vec()).collect();
    for i in 0..n {
        for &j in w.neighbours(i) {
            adjacency[j].push(i);
        }
    }
    for list in &mut adjacency {
        list.sort_unstable();
        list.dedup();
    }
    let degree = |i: usize| adjacency[i].len();
    let mut starts: Vec<usize> = (0..n).collect();
    starts.sort_by_key(|&i| (degree(i), i));
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut fresh = Vec::new();
    for start in starts {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        order.push(start);
        let mut head = order.len() - 1;
        while let Some(&u) = order.get(head) {
            head += 1;
            fresh.clear();
            fresh.extend(adjacency[u].iter().copied().filter(|&v| !seen[v]));
            fresh.sort_by_key(|&v| (degree(v), v));
            for &v in &fresh {
                seen[v] = true;
                order.push(v);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_a_shuffled_path_along_the_path() {
        // The path 3 - 0 - 4 - 1 - 2, and an island 5.
        let lists = vec![vec![3, 4], vec![4, 2], vec![1], vec![0], vec![0, 1], vec![]];
        let w = Weights::from_neighbour_lists(&lists).expect("valid lists");
        let order = cuthill_mckee(&w);
        // Islands (degree 0) come first, then the path from its end with the lower index.
        assert_eq!(order, vec![5, 2, 1, 4, 0, 3]);
    }

    #[test]
    fn is_a_permutation_with_one_way_links() {
        let lists = vec![vec![1], vec![2], vec![0], vec![0], vec![]];
        let w = Weights::from_neighbour_lists(&lists).expect("valid lists");
        let mut order = cuthill_mckee(&w);
        order.sort_unstable();
        assert_eq!(order, (0..5).collect::<Vec<_>>());
    }
}

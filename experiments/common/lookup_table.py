"""The rho-mixture lookup-table data (paper section "The structure dial").

A rule f maps each of K keys to one of V classes (a random table fixed by the seed).  A label
is f(x) with probability rho and uniform over the V classes otherwise: rho = 0 is pure noise,
rho = 1 pure structure.  Training data come as per-key label counts (the sufficient statistic
of a model on one-hot keys) or as individual samples; test metrics use the exact label
distribution, so they carry no test-set noise.
"""
import numpy as np

from experiments.common.streams import rng_for


def rule_table(seed: int, n_keys: int, n_classes: int) -> np.ndarray:
    """The rule f as an array of K class indices (shared by every rho of one seed)."""
    return rng_for(seed, "rule", n_keys, n_classes).integers(n_classes, size=n_keys)


def label_distribution(table: np.ndarray, rho: float, n_classes: int) -> np.ndarray:
    """P(y | x) for every key, shape (K, V): rho on the rule's class plus (1 - rho)/V on each class."""
    dist = np.full((len(table), n_classes), (1.0 - rho) / n_classes)
    dist[np.arange(len(table)), table] += rho
    return dist


def label_counts(seed: int, table: np.ndarray, rho: float, n_classes: int, samples_per_key: int) -> np.ndarray:
    """Counts of m = samples_per_key independent labels for every key, shape (K, V).

    The multinomial draw has exactly the distribution of counting m sampled labels per key.
    """
    rng = rng_for(seed, "counts", len(table), n_classes, float(rho), samples_per_key)
    return rng.multinomial(samples_per_key, label_distribution(table, rho, n_classes))


def samples(seed: int, table: np.ndarray, rho: float, n_classes: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n independent (key, label) pairs: keys uniform over K, labels from the mixture."""
    rng = rng_for(seed, "samples", len(table), n_classes, float(rho), n)
    keys = rng.integers(len(table), size=n)
    from_rule = rng.random(n) < rho
    labels = np.where(from_rule, table[keys], rng.integers(n_classes, size=n))
    return keys, labels

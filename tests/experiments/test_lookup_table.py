"""The rho-mixture data: its counts follow the mixture, and each cell's stream is its own."""
import numpy as np

from experiments.common import lookup_table


def test_counts_follow_the_label_distribution():
    table = lookup_table.rule_table(0, n_keys=200, n_classes=4)
    counts = lookup_table.label_counts(0, table, rho=0.4, n_classes=4, samples_per_key=500)
    assert counts.shape == (200, 4) and (counts.sum(axis=1) == 500).all()
    freq_rule = counts[np.arange(200), table].sum() / counts.sum()
    expected = 0.4 + 0.6 / 4
    assert abs(freq_rule - expected) < 4 * np.sqrt(expected * (1 - expected) / counts.sum())


def test_samples_follow_the_label_distribution():
    table = lookup_table.rule_table(1, n_keys=8, n_classes=5)
    keys, labels = lookup_table.samples(1, table, rho=0.7, n_classes=5, n=50_000)
    assert np.bincount(keys, minlength=8).min() > 5000  # keys uniform
    hit = (labels == table[keys]).mean()
    expected = 0.7 + 0.3 / 5
    assert abs(hit - expected) < 4 * np.sqrt(expected * (1 - expected) / 50_000)


def test_pure_noise_and_pure_structure():
    table = lookup_table.rule_table(2, n_keys=10, n_classes=3)
    assert (lookup_table.label_counts(2, table, 1.0, 3, 50)[np.arange(10), table] == 50).all()
    assert np.allclose(lookup_table.label_distribution(table, 0.0, 3), 1 / 3)


def test_a_cells_data_depends_on_its_own_parameters_only():
    table = lookup_table.rule_table(3, 16, 4)
    a = lookup_table.label_counts(3, table, 0.5, 4, 100)
    lookup_table.label_counts(3, table, 0.2, 4, 100)  # another cell drawn in between
    assert (lookup_table.label_counts(3, table, 0.5, 4, 100) == a).all()
    assert not (lookup_table.label_counts(4, table, 0.5, 4, 100) == a).all()

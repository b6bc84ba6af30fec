"""Random streams named by what they draw (paper section "Measurements on the dial").

Every random draw of every experiment comes from ``rng_for(seed, *tags)``: the seed and the tags (strings or
numbers naming what is drawn and for which cell) determine the stream alone.  A run is therefore a pure function
of its config and seed, and adding a cell to a grid leaves every other cell's data unchanged.
"""
import zlib

import numpy as np


def rng_for(seed: int, *tags) -> np.random.Generator:
    """A random stream determined by the seed and the tags (strings or numbers) alone.

    Cells of a grid draw from streams named by their own parameters, never by their position,
    so adding a cell to a grid leaves every other cell's data unchanged.
    """
    key = [zlib.crc32(repr(tag).encode()) for tag in tags]
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))

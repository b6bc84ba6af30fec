"""Members in chunks that fit in the CPU's cache (paper section "Measurements on the dial": every experiment trains
its grid as one batched ensemble).

E1's and E5's trainer (experiments/common/trainer.py), E3's gradient descent, E8 and E9 run their members chunk by
chunk, so that a chunk's largest tensors (E1's parameters and Adam state, E3's kernels, E8's and E9's hidden
activations) stay in cache between the operations of a step.  Members are independent, so the chunks change what is
computed only in the last bits (a batched product's kernel can depend on the batch's size); they depend on the member
count and shapes alone, never on the thread count.
"""
import math

CACHE_BYTES = 2**21  # about 2 MiB: the bytes of a chunk's largest tensors per member times its members, measured
# fastest for E3, E8 and E9 here; E1's trainer gives its largest tensor half of it (its chunk also holds that
# tensor's gradient and Adam's two moments), measured fastest for E1


def member_slices(members: int, bytes_per_member: int) -> list[slice]:
    """Consecutive slices of the members, each holding about CACHE_BYTES of their largest tensors (at least one member)."""
    size = max(1, CACHE_BYTES // bytes_per_member)
    return [slice(start, min(start + size, members)) for start in range(0, members, size)]


def equal_slices(members: int, bytes_per_member: int, budget: int) -> list[slice]:
    """As few slices of the members as keep each within ``budget`` bytes, all of (nearly) equal size."""
    n_chunks = min(members, math.ceil(members * bytes_per_member / max(budget, 1)))
    bounds = [round(i * members / n_chunks) for i in range(n_chunks + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]

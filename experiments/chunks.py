"""Members in chunks that fit in the CPU's cache (paper section "Methods: batched ensembles").

E3's gradient descent, E8 and E9 run their members chunk by chunk, so that a chunk's largest tensors
(E3's kernels, E8's and E9's hidden activations) stay in cache between the operations of a step.
Members are independent, so the chunks change what is computed only in the last bits (a batched
product's kernel can depend on the batch's size); they depend on the member count and shapes alone,
never on the thread count.  E1's trainer keeps its own, equal, chunks (experiments/trainer.py).
"""

CHUNK_BYTES = 2**21  # about 2 MiB of a chunk's largest tensors: measured fastest for E3, E8 and E9 here


def member_slices(members: int, bytes_per_member: int) -> list[slice]:
    """Consecutive slices of the members, each holding about CHUNK_BYTES of their largest tensors (at least one member)."""
    size = max(1, CHUNK_BYTES // bytes_per_member)
    return [slice(start, min(start + size, members)) for start in range(0, members, size)]

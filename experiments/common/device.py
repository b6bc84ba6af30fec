"""The device the batched trainers run on: the config's top-level field ``device`` (README "Full grids on a GPU").

"cpu" (every shipped config) is the build the paper's numbers come from; "cuda" or "cuda:N" runs the same programs
on a GPU for the full grids.  Everything random is still drawn on the CPU (numpy's streams, torch's CPU generators)
and moved, so a GPU run sees the same data and initialisations; its results differ from the CPU's by float rounding
only (other kernels).  A GPU trains every member of a job at once: the CPU's cache-sized chunks
(experiments/common/chunks.py) would leave it idle.
"""
import argparse
import os

import torch

FIELD = "device"  # the config's field (workflow/schemas/config.schema.yaml), named in every error
CPU = torch.device("cpu")  # every shipped config's, and each run's default


def select(name: str) -> torch.device:
    """The config's device, checked before any training, with its deterministic settings applied.

    A device this machine lacks (CUDA on a CPU-only machine or torch build, or cuda:N past its GPUs) is a ValueError
    that names the config's field.  On CUDA, cuBLAS gets the fixed workspace that deterministic algorithms need
    (it must be set before cuBLAS starts; runs.start turns deterministic algorithms on) and TF32 is off, so that float32
    products stay float32 (no convolutions here: cuDNN's settings do not matter)."""
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ValueError(f"config field {FIELD!r}: {name!r} is no device ({error}); use cpu, cuda or cuda:N") from None
    if device.type == "cpu":
        return device
    if device.type != "cuda":
        raise ValueError(f"config field {FIELD!r}: {name!r} is not supported; use cpu, cuda or cuda:N")
    if not torch.cuda.is_available():
        raise ValueError(f"config field {FIELD!r} is {name!r}, but torch {torch.__version__} finds no CUDA device on this machine"
                         f" (built with CUDA {torch.version.cuda}); set {FIELD}: cpu, or run on a node with a GPU")
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"config field {FIELD!r} is {name!r}, but this machine has {torch.cuda.device_count()} CUDA device(s)")
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cuda.matmul.allow_tf32 = False
    return device


def argument(name: str) -> torch.device:
    """select() for a command line (experiments/common/runs.py): argparse prints the message and stops the job."""
    try:
        return select(name)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def chunks_on(device: torch.device, members: int, cpu_chunks: list[slice]) -> list[slice]:
    """The member chunks to train on ``device``: the CPU's own (cache-sized), or on a GPU every member at once."""
    return cpu_chunks if device.type == "cpu" else [slice(0, members)]


def to_device(tensors: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    """Named tensors (an ensemble's parameters) moved to ``device``; on their own device, the same tensors."""
    return {name: tensor.to(device) for name, tensor in tensors.items()}

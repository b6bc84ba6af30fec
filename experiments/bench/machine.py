"""This machine, as the benchmark measures it (README "The benchmark"): its rates, its bounds, its allocator.

Rates are measured at the start of a run and again just before each grid (the benchmark's table uses the latter, so
that a grid and its bounds see the machine at the same moment: this virtual machine's speed drifts within minutes),
on the thread count the run uses:
  matmul       FLOP/s of a large square product, per float type
  memory       bytes/s of a copy between two arrays far larger than any cache
  exp          seconds per element of torch.exp on an array that fits in the L2 cache
  pass         seconds per element of one pass of plain arithmetic (an in-place multiply-add) on such an array
  adam         seconds per parameter of torch's fused AdamW kernel on such a tensor (without torch.optim's Python)
Two bounds per unit of a grid's work:
  roofline     the larger of its matrix products' FLOPs at the matmul rate and its unavoidable bytes at the memory rate
  attainable   the roofline's matmul time plus its elementwise work (Grid.work: exponentials, passes, Adam updates) at
               the rates above, or the memory time where that is larger: the fastest a single core running these
               kernels one after another could go, so "of bound" is a fraction a reader can take at its word
"""
import ctypes
import ctypes.util
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import torch

IN_CACHE = 2**16  # floats of an array that sits in a core's L2 cache (256 KiB)
ELEMENTWISE = ("exp", "pass", "adam")  # the kinds of Grid.work
# glibc's mallopt parameters (malloc.h): keep freed memory in the process instead of returning it to the kernel,
# as PyTorch's CPU performance tuning guide recommends through MALLOC_MMAP_THRESHOLD_ and friends
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
KEEP = {M_MMAP_THRESHOLD: 2**30, M_TRIM_THRESHOLD: 2**31 - 1, M_TOP_PAD: 2**30}


def keep_freed_memory() -> str:
    """Tell glibc's allocator to keep and reuse freed memory (no mmap per large tensor, no trimming); every way of a
    run then allocates alike.  Returns what was set, for the table's header ("unchanged" off glibc)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt") or not all(libc.mallopt(k, v) == 1 for k, v in KEEP.items()):
        return "allocator unchanged (no glibc mallopt)"
    return "glibc keeps freed memory (mallopt: mmap threshold 1 GiB, trim threshold 2 GiB, top pad 1 GiB)"


def _seconds(work, repeats: int) -> float:
    work()
    start = time.perf_counter()
    for _ in range(repeats):
        work()
    return (time.perf_counter() - start) / repeats


def matmul_rate(size: int, repeats: int, dtype: torch.dtype = torch.float32) -> float:
    """This machine's matrix-multiply rate in FLOP/s, measured now."""
    a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    return 2 * size**3 / _seconds(lambda: a @ b, repeats)


def memory_bandwidth(floats: int, repeats: int) -> float:
    """This machine's memory bandwidth in bytes/s: a copy between two arrays far larger than any cache."""
    a, b = torch.ones(floats), torch.empty(floats)
    return 2 * 4 * floats / _seconds(lambda: b.copy_(a), repeats)


def elementwise_times(repeats: int) -> dict[str, float]:
    """Seconds per element of each kind of elementwise work, on float32 arrays in cache."""
    x, y = torch.randn(IN_CACHE), torch.randn(IN_CACHE)
    out = torch.empty(IN_CACHE)
    param, grad, first, second, step = torch.randn(IN_CACHE), torch.randn(IN_CACHE), torch.zeros(IN_CACHE), torch.zeros(IN_CACHE), torch.zeros(())

    def adam():  # the fused kernel alone, as experiments/common/trainer.py calls it (torch.optim's step adds ~0.2 ms of Python)
        torch._fused_adamw_([param], [grad], [first], [second], [], [step], lr=1e-6, beta1=0.9, beta2=0.999, weight_decay=0.01,
                            eps=1e-8, amsgrad=False, maximize=False)
    return {"exp": _seconds(lambda: torch.exp(x, out=out), repeats) / IN_CACHE,
            "pass": _seconds(lambda: out.mul_(0.5).add_(y), repeats) / (2 * IN_CACHE),
            "adam": _seconds(adam, repeats) / IN_CACHE}


@dataclass
class Rates:
    matmul: dict[torch.dtype, float]  # FLOP/s
    memory: float  # bytes/s
    elementwise: dict[str, float]  # seconds per element, by kind

    @classmethod
    def measure(cls, quick: bool = False, repeats: int = 10) -> "Rates":
        """The rates now: ``repeats`` timed products and copies (after one untimed), the elementwise kernels 200 times as often."""
        size = 256 if quick else 2048
        return cls({dtype: matmul_rate(size, repeats, dtype) for dtype in (torch.float32, torch.float64)},
                   memory_bandwidth(2**20 if quick else 2**26, repeats), elementwise_times(2 * repeats if quick else 200 * repeats))

    def roofline(self, flops: float, bytes_: float, dtype: torch.dtype) -> float:
        """Seconds per unit: the larger of the matrix products' time and the bytes' time."""
        return max(flops / self.matmul[dtype], bytes_ / self.memory)

    def attainable(self, flops: float, bytes_: float, dtype: torch.dtype, work: dict[str, float]) -> float:
        """Seconds per unit: the matrix products plus the unavoidable elementwise work, or the bytes' time if larger."""
        unknown = set(work) - set(ELEMENTWISE)
        if unknown:
            raise ValueError(f"unknown kinds of elementwise work {sorted(unknown)}; known: {ELEMENTWISE}")
        compute = flops / self.matmul[dtype] + sum(count * self.elementwise[kind] for kind, count in work.items())
        return max(compute, bytes_ / self.memory)

    def describe(self) -> str:
        e = self.elementwise
        return (f"matmul fp32 {self.matmul[torch.float32] / 1e9:.1f} GFLOP/s, fp64 {self.matmul[torch.float64] / 1e9:.1f} GFLOP/s, "
                f"memory copy {self.memory / 1e9:.1f} GB/s; in cache: exp {1e9 * e['exp']:.2f} ns, a pass {1e9 * e['pass']:.2f} ns "
                f"an element, fused AdamW {1e9 * e['adam']:.2f} ns a parameter")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    kernels = [name for name, on in [("MKL", torch.backends.mkl.is_available()), ("oneDNN", torch.backends.mkldnn.is_available()),
                                     ("OpenMP", torch.backends.openmp.is_available())] if on]
    return (f"{cpu}; torch {torch.__version__} ({', '.join(kernels)}, {torch.backends.cpu.get_cpu_capability()}); "
            f"{torch.get_num_threads()} threads")

"""Progress of a long loop in its job's log: steps done, elapsed, estimated remaining.

A job's stderr is its log (results/logs/...), so `tail -f` on it shows a training run moving. A line is
written at most every ``every_s`` seconds of wall time, and a loop shorter than that writes nothing; the
report never touches what is computed.

    progress = Progress("loss_floor linear V=4", total=steps)
    for step in range(steps):
        ...
        progress.update(step + 1)
"""
import sys
import time
from typing import Callable, TextIO

EVERY_S = 10.0  # seconds between two lines of one loop's progress


class Progress:
    def __init__(self, label: str, total: int, every_s: float = EVERY_S, clock: Callable[[], float] = time.monotonic, out: TextIO | None = None):
        self.label, self.total, self.every_s, self.clock = label, total, every_s, clock
        self.out = out or sys.stderr
        self.start = self.last = clock()

    def update(self, done: int) -> None:
        """Record that ``done`` of ``total`` steps are done; write a line if ``every_s`` has passed since the last."""
        now = self.clock()
        if done < 1 or now - self.last < self.every_s:
            return
        self.last = now
        elapsed = now - self.start
        remaining = elapsed * (self.total - done) / done
        print(f"{self.label}: {done}/{self.total} steps ({100 * done / self.total:.0f}%), {elapsed:.0f} s elapsed, "
              f"about {remaining:.0f} s left", file=self.out, flush=True)

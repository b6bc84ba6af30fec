"""Offline: once set up, the build fetches nothing. The session's smoke build runs in a network
namespace of its own, whose only interface is the loopback, and must succeed there."""
import subprocess

import pytest


def test_smoke_build_needs_no_network(smoke_build):
    if smoke_build.offline:
        pytest.skip(f"cannot cut a process off from the network here, so the smoke build ran online: {smoke_build.offline}")
    # the namespace it ran in has no way out: no interface but the loopback
    interfaces = subprocess.run([*smoke_build.prefix, "cat", "/proc/net/dev"], capture_output=True, text=True, check=True).stdout
    assert [line.split(":")[0].strip() for line in interfaces.splitlines()[2:]] == ["lo"], interfaces
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    assert (smoke_build.path / "results/claims.csv").exists()

"""A real one-node SLURM cluster for tests/workflow/test_slurm.py (README "On a cluster").

Debian's ``slurm-wlm`` and ``munge``, installed with apt-get where the machine is root and lacks them; a
generated ``slurm.conf`` (node line from ``slurmd -C``, host from ``hostname -s``, free ports, no accounting
database, everything else in one state folder); munged, slurmctld and slurmd started in the foreground as
child processes, so that ``stop`` ends exactly the daemons that ``start`` began. The configuration goes to
SLURM's default place, /etc/slurm/slurm.conf, as on a real cluster: the SLURM executor's job step drops
``SLURM_CONF`` from the environment of the ``srun`` it starts inside each job (plugin 0.6.1), so that ``srun``
finds only the default. The test never replaces a slurm.conf that it did not write (it skips). The state
folder has a fixed name: a run killed before it could stop its daemons leaves their pid files there, and the
next ``start`` ends those daemons (and only those) before it clears the folder. A lock beside it keeps two
test sessions from running clusters at once (the second skips)."""
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGES = ("slurm-wlm", "munge")
COMMANDS = ("slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo", "scancel", "munged", "munge")
STATE = Path(tempfile.gettempdir()) / "paper-slurm-test"
LOCK = STATE.with_suffix(".lock")  # held while a cluster runs; the kernel releases it when its process dies
MIN_JOB_AGE = 3600  # s that a finished job stays in squeue: the plugin's status command and the test read it there
MUNGE_KEY = Path("/etc/munge/munge.key")  # created by the munge package
CONF = Path("/etc/slurm/slurm.conf")  # where SLURM's commands look when SLURM_CONF is not set
MARKER = "# A one-node test cluster, written by tests/workflow/slurm_cluster.py and removed when it stops.\n"


def unavailable() -> str | None:
    """None when SLURM and munge are installed (installing them with apt-get as root if needed) and no
    slurm.conf of another installation is in the way, else why not."""
    if CONF.exists() and not CONF.read_text().startswith(MARKER):
        return f"{CONF} exists and was not written by this test: it belongs to a SLURM installation to leave alone"
    if os.geteuid() != 0:
        return "the tests are not root: the cluster's daemons, apt-get and /etc/slurm/slurm.conf need root"
    if all(shutil.which(command) for command in COMMANDS):
        return None
    if not shutil.which("apt-get"):
        return "SLURM is not installed and there is no apt-get to install slurm-wlm and munge with"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(command)}` took over 15 minutes"
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr.strip()[-800:]}"
    missing = [command for command in COMMANDS if not shutil.which(command)]
    return f"installed {' '.join(PACKAGES)}, but {', '.join(missing)} are still missing" if missing else None


class Busy(Exception):
    """Another process runs the test cluster."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def slurm_conf(state: Path, host: str, node: str) -> str:
    """The cluster's slurm.conf: one node (``node``: the first line of ``slurmd -C``), everything in ``state``."""
    return MARKER + "\n".join([
        "ClusterName=local",
        f"SlurmctldHost={host}(127.0.0.1)",
        f"SlurmctldPort={free_port()}",
        f"SlurmdPort={free_port()}",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        f"AuthInfo=socket={state / 'munge.socket'}",
        "SlurmUser=root",
        "SlurmdUser=root",
        f"StateSaveLocation={state / 'slurmctld'}",
        f"SlurmdSpoolDir={state / 'slurmd'}",
        f"SlurmctldPidFile={state / 'slurmctld.pid'}",
        f"SlurmdPidFile={state / 'slurmd.pid'}",
        f"SlurmctldLogFile={state / 'slurmctld.log'}",
        f"SlurmdLogFile={state / 'slurmd.log'}",
        "ProctrackType=proctrack/linuxproc",  # no cgroups: runs in a container too
        "MpiDefault=none",
        "MailProg=/bin/true",
        "TaskPlugin=task/none",
        "ReturnToService=2",
        "SchedulerType=sched/backfill",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core_Memory",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",  # no database: sacct cannot answer, squeue can
        f"MinJobAge={MIN_JOB_AGE}",
        f"{node} NodeAddr=127.0.0.1 State=UNKNOWN",
        f"PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP",
        "",
    ])


def end(pid: int, names: tuple[str, ...]) -> None:
    """Stop process ``pid`` if it is still one of ``names`` (a pid file may outlive its process): TERM, then KILL."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() not in names:
            return
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            time.sleep(0.1)
            if not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return
        os.kill(pid, signal.SIGKILL)
    except (FileNotFoundError, ProcessLookupError):
        pass


class Cluster:
    """``start()`` a one-node cluster, ``stop()`` it (its jobs first); ``conf`` is its slurm.conf."""

    def __init__(self, state: Path = STATE, conf: Path = CONF):
        self.state, self.conf = state, conf
        self.host = subprocess.run(["hostname", "-s"], capture_output=True, text=True, check=True).stdout.strip()
        self.daemons: list[subprocess.Popen] = []
        self.lock = None

    @staticmethod
    def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=check)

    def start(self) -> None:
        """Start the cluster; raise Busy where another process runs one."""
        lock = LOCK.open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise Busy(f"another process runs the test cluster: it holds {LOCK}") from None
        self.lock = lock
        self.clear_leftovers()
        for folder in (self.state / "slurmctld", self.state / "slurmd", self.conf.parent):
            folder.mkdir(parents=True, exist_ok=True)
        node = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
        assert node.startswith(f"NodeName={self.host} "), f"slurmd -C names another host than {self.host}: {node}"
        self.conf.write_text(slurm_conf(self.state, self.host, node))
        # a munged of our own, on a socket in the state folder: leaves any munged of the machine alone
        # (--force: it runs as root, and the package's key belongs to the munge user)
        self.daemon("munged", "--foreground", "--force", f"--socket={self.state / 'munge.socket'}",
                    f"--key-file={MUNGE_KEY}", f"--pid-file={self.state / 'munged.pid'}",
                    f"--log-file={self.state / 'munged.log'}", f"--seed-file={self.state / 'munged.seed'}")
        self.wait_for(lambda: (self.state / "munge.socket").exists(), "munged to open its socket")
        self.daemon("slurmctld", "-D", "-i", "-f", str(self.conf))
        self.wait_for(lambda: self.run("scontrol", "ping", check=False).stdout.count("UP") == 1, "slurmctld to answer")
        self.daemon("slurmd", "-D", "-f", str(self.conf), "-N", self.host)
        self.wait_for(lambda: self.run("sinfo", "--noheader", "--format=%T", check=False).stdout.strip() == "idle",
                      "the node to be idle")

    def daemon(self, *command: str) -> None:
        log = (self.state / f"{command[0]}.out").open("w")
        self.daemons.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))

    def wait_for(self, ready, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > deadline or any(daemon.poll() is not None for daemon in self.daemons):
                raise RuntimeError(f"gave up waiting for {what}:\n{self.logs()}")
            time.sleep(0.5)

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}"
                         for path in sorted(self.state.glob("*.log")) + sorted(self.state.glob("*.out")))

    def jobs(self) -> list[dict]:
        """Every job the cluster knows (finished ones stay for MIN_JOB_AGE): id, name, comment, state, exit code."""
        fields = ("id", "name", "comment", "state")
        listed = self.run("squeue", "--states=all", "--noheader", "--format=%i|%j|%k|%T", "--sort=i").stdout
        jobs = [dict(zip(fields, line.split("|"))) for line in listed.splitlines()]
        for job in jobs:  # squeue cannot show a job's exit code; scontrol can
            shown = self.run("scontrol", "show", "job", job["id"]).stdout
            job["exit_code"] = shown.split("ExitCode=")[1].split()[0]
        return jobs

    def stop(self) -> None:
        """Cancel any job still queued or running, then end the daemons, the newest first."""
        if self.lock is None:  # nothing started: the cluster there, if any, is another process's
            return
        try:
            if self.daemons and self.daemons[-1].poll() is None:
                self.run("scancel", "--full", f"--user={os.getuid()}", check=False)
                self.wait_for(lambda: not self.run("squeue", "--noheader", "--states=PENDING,RUNNING,COMPLETING",
                                                   check=False).stdout.strip(), "the cancelled jobs to end", 30)
        finally:
            for daemon in reversed(self.daemons):
                end(daemon.pid, (daemon.args[0],))
                daemon.wait(timeout=30)
            self.daemons.clear()
            self.remove_conf()
            self.lock.close()
            self.lock = None

    def remove_conf(self) -> None:
        if self.conf.exists() and self.conf.read_text().startswith(MARKER):
            self.conf.unlink()

    def clear_leftovers(self) -> None:
        """End the daemons that an earlier run left (found by their pid files) and remove its state folder."""
        for name in ("slurmd", "slurmctld", "munged"):
            pid_file = self.state / f"{name}.pid"
            if pid_file.exists() and pid_file.read_text().strip().isdigit():
                end(int(pid_file.read_text()), (name,))
        shutil.rmtree(self.state, ignore_errors=True)
        self.remove_conf()

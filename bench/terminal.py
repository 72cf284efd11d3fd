"""What bench/startup.py and bench/screens.py share: programs in a pseudo-terminal at 80x24,
timed until a text appears on it, the bare Textual app they are compared with, and the
databases they run on.

Every program started here leads a session of its own with its pseudo-terminal as the
controlling terminal, as in a terminal emulator, and is killed (its whole process group) when
its measure ends, when the bench fails, and when the bench itself is interrupted or
terminated (SIGINT, SIGTERM, SIGHUP): a bench leaves no process behind."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import select
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

MLLENS = Path(sys.executable).with_name("mllens")
COMMAND = [str(MLLENS)] if MLLENS.exists() else [sys.executable, "-m", "mllens_tui"]

BARE_TEXT = "bare app ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static({BARE_TEXT!r})
        yield Footer()


Bare().run()
"""


def as_installed(env: dict[str, str]) -> dict[str, str]:
    """``env`` without PYTHONDONTWRITEBYTECODE: an installed package has its modules compiled
    (pip compiles them, and Python keeps what it compiles), and so does Textual here. A
    checkout run with that variable set would compile every module of ours on every start,
    which no user's start does (the first, warming run of each measure compiles them)."""
    return {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}


# The terminals open now: closed at exit, whatever ends the bench.
_OPEN: set[Terminal] = set()


def _end_open_terminals() -> None:
    for terminal in list(_OPEN):
        terminal.close()


def _exit_on_signal(signum: int, frame: object) -> None:
    # SIGTERM and SIGHUP end Python without running ``finally`` blocks or atexit: raise so
    # that they run, and every program started here is killed.
    raise SystemExit(128 + signum)


atexit.register(_end_open_terminals)
for _signum in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, _exit_on_signal)


def _take_terminal() -> None:
    # In the child, after setsid: the terminal on stdin becomes the controlling terminal, so
    # that closing it sends SIGHUP, as a terminal emulator's does.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """One program in a new pseudo-terminal of 80x24, started at ``started``."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.fd = master
        self.output = b""
        self.seen = 0
        self.started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(as_installed(env), TERM="xterm-256color", COLUMNS="80", LINES="24"),
                start_new_session=True,
                preexec_fn=_take_terminal,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        _OPEN.add(self)

    def wait_for(self, text: str, timeout: float = 60.0) -> float:
        """Seconds from the start until ``text`` is written after the last mark."""
        wanted = text.encode()
        deadline = time.perf_counter() + timeout
        while wanted not in self.output[self.seen :]:
            left = deadline - time.perf_counter()
            if left <= 0 or self.process.poll() is not None:
                tail = self.output[-2000:].decode(errors="replace")
                raise RuntimeError(f"{text!r} never appeared; the terminal ended with:\n{tail}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    continue
        return time.perf_counter() - self.started

    def mark(self) -> None:
        """From now on, ``wait_for`` looks only at what is written after this moment."""
        self._drain()
        self.seen = len(self.output)

    def press(self, keys: str) -> float:
        """Send keys; the moment they were sent, in seconds from the start."""
        self.mark()
        os.write(self.fd, keys.encode())
        return time.perf_counter() - self.started

    def _drain(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def peak_memory(self) -> int:
        """The program's peak resident memory so far, in bytes (Linux: VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    def cpu_time(self) -> float:
        """Processor seconds (user and system) the program has used so far (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        """Kill the program and whatever it started (its process group); safe to repeat."""
        if self not in _OPEN:
            return
        _OPEN.discard(self)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.fd)


# CPU seconds each measure named in ``time_until(..., cpu=NAME)`` used until its text showed.
CPU: dict[str, list[float]] = {}


def time_until(argv: Sequence[str], env: dict[str, str], text: str, cpu: str = "") -> float:
    """Seconds from starting ``argv`` in a terminal until ``text`` is on it. With ``cpu``,
    the processor time the program had used by then is kept in ``CPU[cpu]``: unlike the
    wall clock, it hardly depends on what else the machine is doing."""
    terminal = Terminal(argv, env)
    try:
        seconds = terminal.wait_for(text)
        if cpu:
            CPU.setdefault(cpu, []).append(terminal.cpu_time())
        return seconds
    finally:
        terminal.close()


def peak_memory(
    argv: Sequence[str], env: dict[str, str], text: str, settle: float = 3.0
) -> tuple[int, int]:
    """Peak memory of ``argv`` when ``text`` shows, and ``settle`` seconds later (once the
    app has loaded what it loads after its first screen)."""
    terminal = Terminal(argv, env)
    try:
        terminal.wait_for(text)
        shown = terminal.peak_memory()
        time.sleep(settle)
        return shown, terminal.peak_memory()
    finally:
        terminal.close()


def time_command(argv: Sequence[str], env: dict[str, str]) -> float:
    """Seconds from starting ``argv`` (no terminal) until it has ended; it must succeed."""
    start = time.perf_counter()
    subprocess.run(argv, env=as_installed(env), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleave(runs: int, measures: dict[str, Callable[[], float]]) -> dict[str, float]:
    """The median of each measure over ``runs`` rounds, one of each per round, in turn, so
    that load on the machine falls on all of them alike."""
    for measure in measures.values():  # warm the file cache, the lens cache and the database
        measure()
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def make_database(
    folder: Path, *, workloads: int = 10, milestones: int = 0, name: str = "bench.db"
) -> tuple[str, str]:
    """A database with the demo workload and ``workloads - 1`` copies of its answers (named so
    that the demo sorts first), the demo having ``milestones`` milestones (at least its own
    three): its URL and the demo workload's name."""
    from mllens_tui.demo import DEMO_NAME, install_demo
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.store.service import Store

    path = folder / name
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        install_demo(store, builtin_lens())
    conn = sqlite3.connect(path)
    with conn:
        (demo,) = conn.execute("SELECT id FROM workload WHERE name = ?", (DEMO_NAME,)).fetchone()
        columns = (
            "description, environment, lens_id, lens_version, lens_hash, default_target, "
            "pillar_weights, revision, created_at, updated_at"
        )
        answer = (
            "question_id, level, choices, not_applicable, reason, target, notes, evidence, "
            "confidence, answered_by, answered_at"
        )
        for index in range(1, workloads):
            copy = conn.execute(
                f"INSERT INTO workload (name, {columns}) SELECT ?, {columns} FROM workload "
                "WHERE id = ?",
                (f"zz copy {index:04d}", demo),
            ).lastrowid
            conn.execute(
                f"INSERT INTO answer (workload_id, {answer}) SELECT ?, {answer} FROM answer "
                "WHERE workload_id = ?",
                (copy, demo),
            )
        frozen = conn.execute(
            "SELECT id FROM milestone WHERE workload_id = ? ORDER BY created_at", (demo,)
        ).fetchall()
        milestone = (
            "workload_id, workload_name, description, environment, lens_id, lens_version, "
            "lens_hash, default_target, pillar_weights, overall_score, answered_count, revision, "
            "scores, scores_lens_hash"
        )
        for index in range(len(frozen), milestones):
            source = frozen[index % len(frozen)][0]
            copy = conn.execute(
                f"INSERT INTO milestone (name, created_at, {milestone}) SELECT ?, "
                f"datetime(created_at, ?), {milestone} FROM milestone WHERE id = ?",
                (f"review {index:04d}", f"+{index} hours", source),
            ).lastrowid
            conn.execute(
                f"INSERT INTO milestone_answer (milestone_id, {answer}) SELECT ?, {answer} "
                "FROM milestone_answer WHERE milestone_id = ?",
                (copy, source),
            )
    conn.close()
    return url, DEMO_NAME


def ratio_line(label: str, value: float, base: float, aim: str) -> str:
    return f"{label:<44} {value * 1000:8.1f} ms   {value / base:5.2f}x   (aim: {aim})"

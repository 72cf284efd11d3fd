"""The real program in a pseudo-terminal: a note typed just before the terminal is closed (SSH
dropped, window closed: SIGHUP) or the process is terminated (SIGTERM) is in the database."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store

pytestmark = pytest.mark.slow

# Generous: the machine running the tests may be busy; these bound a hang, they time nothing.
START_TIMEOUT = 120.0
EXIT_TIMEOUT = 60.0

NOTE = "owner is the ML platform team, see ADR-7"


@dataclass
class Terminal:
    """The app running in a pseudo-terminal of 80x24, as a user's terminal would run it."""

    pid: int
    master: int | None
    output: bytearray = field(default_factory=bytearray)
    status: int | None = None

    def read_until(self, needle: bytes, timeout: float) -> None:
        """Read what the app draws until ``needle`` is drawn (after what was read before)."""
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while needle not in self.output[start:]:
            assert time.monotonic() < deadline, (
                f"{needle!r} never appeared; the terminal showed:\n{self.text()[-2000:]}"
            )
            self._read(0.2)

    def type(self, keys: str) -> None:
        assert self.master is not None
        os.write(self.master, keys.encode())

    def hang_up(self) -> None:
        """Close the terminal: the kernel sends SIGHUP to the session's leader, the app."""
        assert self.master is not None
        os.close(self.master)
        self.master = None

    def wait(self, timeout: float) -> int:
        """Wait for the app to end (reading what it writes, so it never blocks on the terminal)."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                pytest.fail(f"the app did not end within {timeout}s of the signal")
            if self.master is not None:
                self._read(0.1)
            else:
                time.sleep(0.05)
        while self.master is not None and self._read(0.5):
            pass  # what the app wrote last, before it ended
        return self.status

    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def _read(self, timeout: float) -> bool:
        assert self.master is not None
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the app has gone, and its side of the terminal with it
            time.sleep(timeout)
            return False
        self.output += data
        return bool(data)


ARGV = [sys.executable, "-m", "mllens_tui", "open", "W", "--question", "MLOE-01"]


def app_env() -> dict[str, str]:
    """The environment now (the fixtures point it at the test's database)."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def app_in_terminal(db_url: str) -> Iterator[Terminal]:
    Store.open(db_url).create_workload("W", builtin_lens())
    env, argv = app_env(), ARGV
    pid, master = pty.fork()  # the child leads a new session with the pty as its terminal
    if pid == 0:  # pragma: no cover - the child process
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.execve(sys.executable, argv, env)
        finally:
            os._exit(127)
    terminal = Terminal(pid, master)
    try:
        yield terminal
    finally:
        if terminal.status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if terminal.master is not None:
            os.close(terminal.master)


@pytest.fixture
def app_without_controlling_terminal(db_url: str) -> Iterator[Terminal]:
    """The app in a session of its own whose terminal is not its controlling terminal (as a
    benchmark or supervisor starts it): closing the terminal sends it no SIGHUP."""
    import subprocess

    Store.open(db_url).create_workload("W", builtin_lens())
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        ARGV, stdin=slave, stdout=slave, stderr=slave, env=app_env(), start_new_session=True
    )
    os.close(slave)
    terminal = Terminal(process.pid, master)
    try:
        yield terminal
    finally:
        if terminal.status is None:
            os.kill(process.pid, signal.SIGKILL)
            os.waitpid(process.pid, 0)
        if terminal.master is not None:
            os.close(terminal.master)


def type_a_note(terminal: Terminal) -> None:
    terminal.read_until(b"(1 of ", START_TIMEOUT)  # the head of the question screen
    terminal.type("e")
    # Keys sent with the "e" would reach the screen before the box has focus: wait for the box
    # to scroll into view (it is below the fold at 80x24), as a user waits to see it.
    terminal.read_until(b"Notes (e to edit", START_TIMEOUT)
    terminal.type(NOTE)
    # Wait until the app shows the whole note (keys it never read cannot be saved), then end
    # it at once: far sooner than the pause in typing after which notes are saved.
    terminal.read_until(NOTE.encode(), START_TIMEOUT)


def test_a_note_typed_just_before_the_terminal_closes_is_saved(
    app_in_terminal: Terminal, db_url: str
) -> None:
    type_a_note(app_in_terminal)
    app_in_terminal.hang_up()
    status = app_in_terminal.wait(EXIT_TIMEOUT)
    assert os.WIFEXITED(status), "the app was killed by the hang-up instead of ending itself"
    assert Store.open(db_url).answers("W")["MLOE-01"].notes == NOTE


def test_a_note_typed_just_before_sigterm_is_saved_and_the_terminal_restored(
    app_in_terminal: Terminal, db_url: str
) -> None:
    type_a_note(app_in_terminal)
    shown = len(app_in_terminal.output)
    os.kill(app_in_terminal.pid, signal.SIGTERM)
    status = app_in_terminal.wait(EXIT_TIMEOUT)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 128 + signal.SIGTERM
    assert Store.open(db_url).answers("W")["MLOE-01"].notes == NOTE
    # The alternate screen is left: the user's shell comes back as it was.
    assert b"\x1b[?1049l" in app_in_terminal.output[shown:]


def test_the_app_ends_when_its_terminal_closes_without_a_hang_up_signal(
    app_without_controlling_terminal: Terminal, db_url: str
) -> None:
    # Textual's input thread reads an end of file from then on and spun at full CPU for ever;
    # the app sees the hang-up itself, saves, and ends as on SIGHUP.
    terminal = app_without_controlling_terminal
    type_a_note(terminal)
    terminal.hang_up()
    status = terminal.wait(EXIT_TIMEOUT)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 128 + signal.SIGHUP
    assert Store.open(db_url).answers("W")["MLOE-01"].notes == NOTE

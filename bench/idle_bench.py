"""Idle cost: the CPU an open app uses while nobody touches it (it still polls the store).

    python bench/idle_bench.py [--seconds 30] [--question MLOE-01]

Runs the real ``mllens open`` in a pseudo-terminal on a fresh SQLite file, waits for it to
start, then reads the process's user and system CPU time from /proc (Linux) before and after
``--seconds`` of idling, and prints it as a share of one core. Aim: well under 2 %.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import struct
import subprocess
import sys
import tempfile
import termios
import time


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--start", type=float, default=10.0, help="seconds to let it start")
    parser.add_argument("--question", help="open at this question (default: the dashboard)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MLLENS_DATA_DIR": tmp, "TERM": "xterm-256color"}
        db = f"sqlite:///{tmp}/idle.db"
        mllens = [sys.executable, "-m", "mllens_tui", "--db", db]
        subprocess.run([*mllens, "workload", "create", "Idle"], env=env, check=True)
        main_fd, child_fd = os.openpty()
        fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        command = [*mllens, "open", "Idle"]
        if args.question:
            command += ["--question", args.question]
        app = subprocess.Popen(
            command, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, close_fds=True
        )
        os.close(child_fd)
        try:
            deadline = time.monotonic() + args.start
            while time.monotonic() < deadline:  # keep its output flowing while it starts
                os.set_blocking(main_fd, False)
                try:
                    os.read(main_fd, 65536)
                except BlockingIOError:
                    time.sleep(0.1)
            before, started = cpu_seconds(app.pid), time.monotonic()
            while time.monotonic() - started < args.seconds:
                try:
                    os.read(main_fd, 65536)
                except BlockingIOError:
                    time.sleep(0.2)
            used, wall = cpu_seconds(app.pid) - before, time.monotonic() - started
        finally:
            app.terminate()
            app.wait(timeout=30)
            os.close(main_fd)
    where = f"question {args.question}" if args.question else "the dashboard"
    print(f"idle on {where}: {used:.2f} s of CPU in {wall:.0f} s = {100 * used / wall:.2f} %")


if __name__ == "__main__":
    main()

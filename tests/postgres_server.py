"""A throwaway PostgreSQL server for tests, CI and benchmarks: a fresh cluster in a temporary
directory, listening on a free loopback port only, trusting local logins, gone when stopped.

No system service, no root password, nothing outside the directory. initdb and postgres
refuse to run as root, so as root the cluster belongs to the unprivileged user ``nobody``
(``runuser``); its directory lives under the system's temporary directory, which that user can
reach. Durability is off (``fsync=off``): the data is thrown away anyway.

As a script (used by ``.ci/run``)::

    python tests/postgres_server.py start DIR   # prints the server's URL
    python tests/postgres_server.py stop DIR
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

USER = "mllens"
URL_FILE = "url"


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when PostgreSQL is missing."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(found[0]).parent if found else None


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "nobody", "--", *argv]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(folder: Path) -> str:
    """Create and start a cluster in ``folder`` (made if missing); the URL of its ``postgres``
    database for ``postgresql+psycopg``. Raises RuntimeError with the server's log on failure."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb on PATH or in /usr/lib)")
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
    data, log = folder / "data", folder / "server.log"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust"]
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
    port = _free_port()
    settings = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    try:
        for argv in (
            [*initdb, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            [*pg_ctl, "-o", settings, "start"],
        ):
            subprocess.run(_as_owner(argv), check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{' '.join(exc.cmd)} failed:\n{exc.stdout}{exc.stderr}{tail}") from exc
    url = f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
    (folder / URL_FILE).write_text(url)
    return url


def stop(folder: Path) -> None:
    """Stop the cluster in ``folder`` (if it runs) and delete the folder."""
    bin_dir = find_bin_dir()
    if bin_dir is not None and (folder / "data" / "postmaster.pid").exists():
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "stop"]),
            capture_output=True,
            check=False,
        )
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server at ``server_url``; dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_url(server_url).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: postgres_server.py start|stop DIR", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "stop":
        stop(folder)
        return 0
    try:
        print(start(folder))
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def temporary_folder() -> Path:
    """A new folder for a cluster, reachable by the user the server runs as."""
    return Path(tempfile.mkdtemp(prefix="mllens-pg-"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What every ``mllens`` command shares: exit codes, ``CliError``, output helpers, and the
look-ups of lenses, snapshots and the store that several command groups use.

Imports no database, UI or chart code at import time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens, Question
    from mllens_tui.snapshot import Snapshot
    from mllens_tui.store.quickread import QuickRead
    from mllens_tui.store.service import Store

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3
EXIT_POLICY = 4  # `mllens check`: the review does not meet its policy
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A failure with a message for the user and an exit code; no traceback is shown."""

    def __init__(self, message: str, code: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.code = code


# -- output -----------------------------------------------------------------------------------


def _out(text: str = "") -> None:
    """A line for people on standard output, control characters made visible."""
    from mllens_tui.formatting import printable

    sys.stdout.write(printable(text) + "\n")


def _err(text: str) -> None:
    """A line for people on standard error, control characters made visible."""
    from mllens_tui.formatting import printable

    sys.stderr.write(printable(text) + "\n")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


# -- lenses, snapshots and the store ----------------------------------------------------------


def _lens(args: argparse.Namespace, path: str | None = None) -> Lens:
    from mllens_tui.lens.registry import resolve_lens

    return resolve_lens(path or getattr(args, "lens", None))


def lens_lookup(args: argparse.Namespace) -> Callable[[str], Lens | None]:
    """Find a snapshot's lens by id: the one named by --lens when it matches, else installed."""
    from mllens_tui.lens.registry import find_lens, resolve_lens

    explicit = resolve_lens(args.lens) if getattr(args, "lens", None) else None

    def lookup(lens_id: str) -> Lens | None:
        if explicit is not None and explicit.id == lens_id:
            return explicit
        return find_lens(lens_id)

    return lookup


def read_snapshot(args: argparse.Namespace, path: str) -> tuple[Snapshot, Lens]:
    from mllens_tui.snapshot import read_snapshot_file

    return read_snapshot_file(path, lens_lookup(args))


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[Store]:
    from mllens_tui.store.service import Store

    store = Store.open(getattr(args, "db", None))
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _reads(args: argparse.Namespace) -> Iterator[QuickRead | Store]:
    """For a command that only reads: the standard library's sqlite3 when ``quickread`` can
    read the database (no SQLAlchemy to import, about half a second), else the store."""
    from mllens_tui import paths
    from mllens_tui.store.quickread import QuickRead

    reader = QuickRead.open(getattr(args, "db", None) or paths.default_db_url())
    if reader is None:
        with _store(args) as store:
            yield store
        return
    try:
        yield reader
    finally:
        reader.close()


def _lens_for(args: argparse.Namespace, lens_id: str, workload: str) -> Lens:
    lens = lens_lookup(args)(lens_id)
    if lens is None:
        raise CliError(
            f"workload {workload!r} is assessed against lens {lens_id!r}, which is not "
            f"installed (see: mllens lens list; add it with: mllens lens import FILE)"
        )
    return lens


def _lens_note(lens: Lens, lens_hash: str, what: str) -> None:
    if lens_hash and lens_hash != lens.content_hash:
        _err(
            f"note: {what} was answered against other content of lens {lens.id!r}; "
            f"using the installed {lens.version}"
        )


def _question(lens: Lens, question_id: str) -> Question:
    question = lens.question(question_id)
    if question is None:
        raise CliError(f"unknown question id {question_id!r} in lens {lens.id!r}")
    return question

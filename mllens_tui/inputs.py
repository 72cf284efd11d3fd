"""Checks shared by every boundary that takes names, weights, moments or TOML files.

Snapshot validation, the store and the CLI all call these, so that what one accepts the
others accept too, and a file that passes ``snapshot validate`` also imports.
"""

from __future__ import annotations

import math
import re
import reprlib
import tomllib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mllens_tui.problems import Problem

MAX_NAME_LENGTH = 200
# Pillar and question weights: above 0 and at most this. A sum of a few hundred weights of
# this size stays far from float overflow, so scores can never become NaN or infinite.
MAX_WEIGHT = 1000.0
# Moments (answered_at, created_at, exported_at) from the Unix epoch, which every platform's
# timestamp functions take, to a year whose every time zone offset still converts to UTC.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
MOMENT_RANGE = "from 1970-01-01T00:00:00Z to 9998-12-31T23:59:59Z"

_BOM = b"\xef\xbb\xbf"
# Bidirectional overrides and isolates reorder what a terminal shows around them.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_SEPARATORS = {"\u2028", "\u2029"}

_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlong = 40
_repr.maxlevel = 3


def show(value: object) -> str:
    """A short, always printable repr for messages (huge ints and deep nesting included)."""
    try:
        return _repr.repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__}>"


def name_problem(name: object, what: str) -> str | None:
    """Why ``name`` cannot be the name of a ``what`` (workload, milestone, environment), or None.

    Control characters (C0, DEL, C1), escape sequences, line separators and bidi overrides
    are refused: names are shown on one terminal line and used as keys.
    """
    if not isinstance(name, str):
        return f"a {what} name is a string, got {show(name)}"
    if not name.strip():
        return f"a {what} name cannot be empty"
    if name != name.strip():
        return f"{what} name {show(name)} has leading or trailing spaces"
    if len(name) > MAX_NAME_LENGTH:
        return f"a {what} name has at most {MAX_NAME_LENGTH} characters, got {len(name)}"
    for index, char in enumerate(name):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            # What Python makes of bytes that are not UTF-8 (in argv, say): not storable.
            return f"{what} name {show(name)} is not valid UTF-8 at character {index + 1}"
        if code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI or char in _SEPARATORS:
            return (
                f"{what} name {show(name)} has a control character (U+{code:04X}) at "
                f"character {index + 1}"
            )
    return None


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_problem(text: str) -> str | None:
    """Why ``text`` is not a date written YYYY-MM-DD (a plan item's due date), or None."""
    try:
        if _DAY.fullmatch(text):
            date.fromisoformat(text)
            return None
    except ValueError:
        pass
    return f"expected a date such as 2027-03-31, got {show(text)}"


def tag_problem(tag: object) -> str | None:
    """Why ``tag`` cannot tag a workload, or None: a tag is checked as a name is."""
    return name_problem(tag, "tag")


def tag_key(tag: str) -> str:
    """What makes two tags the same: case does not (``Team-A`` is ``team-a``)."""
    return tag.casefold()


def sorted_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as they are shown and exported: sorted without regard to case."""
    return tuple(sorted(tags, key=lambda t: (tag_key(t), t)))


def weight_problem(weight: object) -> str | None:
    """Why ``weight`` is not a usable pillar or question weight, or None."""
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        return f"expected a number greater than 0 and at most {MAX_WEIGHT:g}, got {show(weight)}"
    if isinstance(weight, float) and not math.isfinite(weight):
        return f"expected a finite number greater than 0, got {show(weight)}"
    if weight <= 0:
        return f"expected a number greater than 0, got {show(weight)}"
    if weight > MAX_WEIGHT:
        return f"expected a number at most {MAX_WEIGHT:g}, got {show(weight)}"
    return None


def moment_problem(moment: datetime) -> str | None:
    """Why ``moment`` cannot be stored (outside the range, or no UTC equivalent), or None."""
    try:
        when = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return f"{moment.isoformat()} has no UTC equivalent (expected {MOMENT_RANGE})"
    if not EARLIEST <= when <= LATEST:
        return f"{moment.isoformat()} is out of range (expected {MOMENT_RANGE})"
    return None


def read_toml(path: Path) -> dict[str, Any] | Problem:
    """The parsed TOML file, or the located problem that stops it being read.

    A leading UTF-8 byte order mark is skipped, as editors on Windows write one.
    """
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Problem(source, "", "no such file")
    except IsADirectoryError:
        return Problem(source, "", "is a folder, not a file")
    except OSError as exc:
        return Problem(source, "", f"cannot be read: {exc.strerror or exc}")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(source, f"byte {exc.start}", f"not UTF-8 text: {exc.reason}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Problem(source, "", f"not valid TOML: {exc}")
    except RecursionError:
        return Problem(source, "", "not valid: arrays or tables nested too deeply to read")
    except ValueError as exc:
        # Python refuses integers of more than 4300 digits (int_max_str_digits).
        return Problem(source, "", f"not valid TOML: {exc}")

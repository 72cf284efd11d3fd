"""Storage failures, each with a message for the user and the exit code the CLI returns.

This module imports no database code, so ``cli.main`` can catch ``StoreError`` without paying
for SQLAlchemy. ``translate`` is the one place where driver errors (sqlite3, SQLAlchemy) and
file-system errors become these classes.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

EXIT_INVALID = 1
EXIT_STORAGE = 3


class StoreError(Exception):
    """A storage failure: ``message`` says what is wrong, where, and what to do."""

    default_exit_code = EXIT_STORAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = self.default_exit_code if exit_code is None else exit_code


class NotFound(StoreError):
    """No workload, milestone or answer by that name."""

    default_exit_code = EXIT_INVALID


class AlreadyExists(StoreError):
    """A workload or milestone with that name exists already."""

    default_exit_code = EXIT_INVALID


class InvalidInput(StoreError):
    """A value the store refuses: an empty name, an answer that is both N/A and levelled..."""

    default_exit_code = EXIT_INVALID


class StaleAnswer(StoreError):
    """The question changed since the writer saw it; nothing was written.

    Carries what is stored now (``current``, None when unanswered) and its ``revision``, so
    that the caller can show both answers and let the user choose.
    """

    default_exit_code = EXIT_INVALID

    def __init__(self, message: str, current: object, revision: int) -> None:
        super().__init__(message)
        self.current = current  # Answer | None; typed loosely so this module imports nothing
        self.revision = revision


class DatabaseLocked(StoreError):
    """Another program held the database past the busy timeout."""


class DatabaseCorrupt(StoreError):
    """The file is not a database, or not an mllens one, or is damaged."""


class SchemaTooNew(StoreError):
    """The database was written by a newer mllens-tui; nothing was changed."""


class StorageFull(StoreError):
    """The disk (or the database's size limit) is full; the transaction was rolled back."""


class ReadOnlyLocation(StoreError):
    """The database or its directory cannot be written."""


class StorageUnavailable(StoreError):
    """The database cannot be opened or read for another reason (I/O error, missing path)."""


class DriverMissing(StoreError):
    """The database URL names a backend whose Python driver is not installed."""


class UnsafeLocation(StoreError):
    """The database path leads through a symlink into a directory another user owns."""


# ``scheme://user:password@host``: the password is everything between the user's colon and the
# last ``@`` before the host (a password may itself hold ``@`` or ``:``).
_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*:)(?P<secret>[^\s]*)(?=@[^@\s]*$)")
_PASSWORD_IN_TEXT = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]+)(?=@)")


def mask_password(text: str) -> str:
    """``text`` with the password of any URL in it replaced by ``***``.

    Every message that may hold a database URL goes through here: a password typed into
    ``--db`` or ``MLLENS_DB`` must never reach a terminal, a log or a bug report.
    """
    text = _PASSWORD.sub(r"\g<head>***", text) if "://" in text else text
    return _PASSWORD_IN_TEXT.sub(r"\g<head>***", text)


def _directory_writable(path: Path | None) -> bool:
    if path is None:
        return True
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def translate(exc: BaseException, where: str, path: Path | None = None) -> StoreError:
    """The StoreError for a driver or OS error met while using the database at ``where``.

    ``where`` names the database in messages (a file path, or a URL without its password);
    ``path`` is the SQLite file, when there is one, to tell a read-only directory apart.
    """
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        return _from_os_error(exc, where)
    where = mask_password(where)
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    text = mask_password(text)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return DatabaseLocked(
            f"the database {where} is locked by another program and stayed locked past the "
            f"timeout ({text}). Close other mllens windows or scripts using it and try again."
        )
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return DatabaseCorrupt(
            f"{where} is damaged or is not an mllens database ({text}). Nothing was changed. "
            f"Run `mllens doctor` to see what is damaged and copy what is readable to a new "
            f"file (mllens doctor --recover NEW.db), or restore a backup (mllens keeps *.bak "
            f"copies beside it before upgrades), or point --db / MLLENS_DB at another database."
        )
    if "is full" in low:
        return StorageFull(
            f"the disk holding {where} is full ({text}); the change was rolled back and "
            f"nothing was half-written. Free some space and try again."
        )
    if "readonly" in low or "read-only" in low or "read only" in low:
        return ReadOnlyLocation(
            f"{where} cannot be written ({text}): the file or its directory is read-only. "
            f"Make them writable, or point --db / MLLENS_DB at a writable location."
        )
    if "unable to open" in low and not _directory_writable(path):
        return ReadOnlyLocation(
            f"{where} cannot be opened for writing ({text}): its directory is read-only. "
            f"Make it writable, or point --db / MLLENS_DB at a writable location."
        )
    if "unable to open" in low:
        return StorageUnavailable(
            f"{where} cannot be opened ({text}). Check that its directory exists and is "
            f"accessible, or point --db / MLLENS_DB at another location."
        )
    if "i/o error" in low:
        return StorageUnavailable(
            f"reading or writing {where} failed with a disk I/O error ({text}); the change was "
            f"rolled back. Check the disk and its free space, then try again."
        )
    return StorageUnavailable(
        f"the database {where} failed: {text}. The change was rolled back; try again, or point "
        f"--db / MLLENS_DB at another database."
    )


def _from_os_error(exc: OSError, where: str) -> StoreError:
    detail = exc.strerror or str(exc)
    name = str(exc.filename) if exc.filename else where
    subject = where if name == where else f"{name}, needed for the database {where},"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyLocation(
            f"{subject} cannot be created or written ({detail}): the location is read-only. "
            f"Make it writable, or point --db / MLLENS_DB at a writable location."
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(
            f"no space left for {where} ({detail}); nothing was half-written. Free some space "
            f"and try again."
        )
    return StorageUnavailable(
        f"{subject} cannot be used ({detail}). Check the path, or point --db / MLLENS_DB at "
        f"another location."
    )

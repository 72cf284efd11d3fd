"""Parsed lenses kept between runs, so that a start pays for unpickling, not for parsing.

Loading the built-in lens parses about 100 KB of TOML, validates it and hashes it: about
100 ms of every command and of the app's start. The frozen ``Lens`` is the same while its
files are, so it is kept in the user cache directory (``paths.cache_dir()``):

* The key is a digest of what the result depends on: the lens's path and, for each of its
  files, name, size and modification time in nanoseconds; the cache format, this package's
  version, the Python version, and the size and time of the modules that define the lens
  classes (a changed class must not be rebuilt from an old pickle).
* The file holds a header, the SHA-256 of the payload and the payload: a pickle of the lens
  content hash and the lens. A file whose digest, owner or contents do not check out is
  ignored and written again; the lens is then parsed as if there were no cache.
* The folder is private (0700) and a file is read only when the current user owns it and
  nobody else can write it: unpickling runs code, so only our own files are trusted.

Any failure of the cache (unwritable folder, full disk, damaged file) costs only the parse.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from mllens_tui import __version__, paths
from mllens_tui.lens.model import Lens

FORMAT = b"mllens-lens-cache 1\n"
_DEFINITIONS = ("model.py", "rules.py")


def _signature(path: Path) -> bytes:
    """What a cached lens for ``path`` depends on, as bytes (see the module docstring)."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    here = Path(__file__).parent
    parts = [FORMAT.decode(), __version__, sys.version, str(path)]
    for file in [*files, *(here / name for name in _DEFINITIONS)]:
        stat = file.stat()
        parts.append(f"{file.name}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return "\n".join(parts).encode("utf-8", "surrogateescape")


def _file_for(path: Path) -> Path:
    key = hashlib.sha256(_signature(path)).hexdigest()[:32]
    return paths.cache_dir() / "lenses" / f"{key}.pickle"


def _read(file: Path) -> Lens | None:
    try:
        with file.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_uid != os.geteuid() or stat.st_mode & 0o022:
                return None
            data = handle.read()
    except OSError:
        return None
    header, digest, payload = (
        data[: len(FORMAT)],
        data[len(FORMAT) : len(FORMAT) + 64],
        data[len(FORMAT) + 64 :],
    )
    if header != FORMAT or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        content_hash, lens = pickle.loads(payload)
    except Exception:  # a pickle from another version of a class: parse instead
        return None
    if not isinstance(lens, Lens) or lens.content_hash != content_hash:
        return None
    return lens


def _write(file: Path, lens: Lens) -> None:
    import tempfile  # only when writing: a warm start never needs it

    payload = pickle.dumps((lens.content_hash, lens), protocol=pickle.HIGHEST_PROTOCOL)
    data = FORMAT + hashlib.sha256(payload).hexdigest().encode() + payload
    try:
        paths.make_private_dirs(file.parent)
        fd, tmp = tempfile.mkstemp(prefix=".lens.", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return  # a read-only or full cache folder: the next start parses again


def load(path: Path, parse: Callable[[Path], Lens]) -> Lens:
    """The lens at ``path`` from the cache when its files are unchanged, else ``parse(path)``
    (whose errors propagate; nothing is cached for a lens that does not load)."""
    try:
        file = _file_for(path)
    except OSError:
        return parse(path)
    cached = _read(file)
    if cached is not None:
        return cached
    lens = parse(path)
    _write(file, lens)
    return lens

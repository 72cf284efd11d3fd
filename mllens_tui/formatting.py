"""Tiny formatters shared by every output (CLI text, reports, the app); no imports, so the
app's first screen can use them without loading the scoring code."""

from __future__ import annotations


def pct(value: float | None, digits: int = 0) -> str:
    """0.6666 -> '67%'; None -> '-'."""
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def arrow(delta: float | None) -> str:
    """The direction of a change, so a trend reads without colour."""
    if delta is None:
        return " "
    if delta > 0.0005:
        return "↑"
    if delta < -0.0005:
        return "↓"
    return "="


def plural(count: int, word: str, many: str = "") -> str:
    """``word`` for a count of one, else ``many`` (by default ``word`` + "s")."""
    return word if count == 1 else (many or word + "s")


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and
# isolates that can make a terminal show text in another order than it is stored.
_UNSAFE = {
    **{c: None for c in range(0x20) if c not in (0x09, 0x0A)},
    0x7F: None,
    **{c: None for c in range(0x80, 0xA0)},
    **{c: None for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}


def printable(text: str) -> str:
    """``text`` safe to print to a terminal: every control character shown as an escape.

    Names, notes and titles come from files and databases that anyone may have written; an
    escape sequence in one must not retitle, clear or recolour the user's terminal. ESC shows
    as ``\\x1b``, U+202E as ``\\u202e``; tabs and newlines stay. JSON and TOML outputs are
    exact and do not go through this.
    """
    if text.isprintable() or not any(ord(ch) in _UNSAFE for ch in text):
        return text
    return "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if ord(ch) in _UNSAFE
        else ch
        for ch in text
    )

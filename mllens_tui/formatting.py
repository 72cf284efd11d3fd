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

"""How states read on screen. Every state has a symbol and a word, never colour alone."""

from __future__ import annotations

from mllens_tui.formatting import arrow, pct, plural

__all__ = ["STATUS_SYMBOL", "arrow", "pct", "plural", "risk_label"]

STATUS_SYMBOL = {"answered": "●", "not_applicable": "⊘", "unanswered": "○"}


def risk_label(risk: str) -> str:
    return {"NOT_APPLICABLE": "N/A", "UNANSWERED": "-", "NONE": "none"}.get(risk, risk.lower())

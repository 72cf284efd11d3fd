"""How states read on screen. Every state has a symbol and a word, never colour alone."""

from __future__ import annotations

from mllens_tui.assessment import NAReason
from mllens_tui.formatting import arrow, pct, plural

__all__ = ["NA_REASON_KEYS", "STATUS_SYMBOL", "arrow", "pct", "plural", "risk_label"]

STATUS_SYMBOL = {"answered": "●", "not_applicable": "⊘", "unanswered": "○"}

# The key of each N/A reason in its dialog: letters, since where the dialog opens 0-4 are
# levels; the first letter of the reason's words but "s" for out of scope, as "o" is Other.
NA_REASON_KEYS = {
    NAReason.OUT_OF_SCOPE: "s",
    NAReason.BUSINESS_PRIORITIES: "b",
    NAReason.ARCHITECTURE_CONSTRAINTS: "a",
    NAReason.OTHER: "o",
}


def risk_label(risk: str) -> str:
    return {"NOT_APPLICABLE": "N/A", "UNANSWERED": "-", "NONE": "none"}.get(risk, risk.lower())

"""How states read on screen. Every state has a symbol and a word, never colour alone."""

from __future__ import annotations

from mllens_tui.formatting import arrow, pct, plural

__all__ = ["NA_KEYS", "STATUS_SYMBOL", "arrow", "pct", "plural", "risk_label"]

STATUS_SYMBOL = {"answered": "●", "not_applicable": "⊘", "unanswered": "○"}

# The key of each N/A reason (by its value) in every dialog that asks for one: letters, since
# wherever a question is answered the digits mean levels, in its dialogs too.
NA_KEYS = {
    "out_of_scope": "o",
    "business_priorities": "b",
    "architecture_constraints": "a",
    "other": "t",
}


def risk_label(risk: str) -> str:
    return {"NOT_APPLICABLE": "N/A", "UNANSWERED": "-", "NONE": "none"}.get(risk, risk.lower())

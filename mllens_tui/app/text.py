"""How states read on screen. Every state has a symbol and a word, never colour alone."""

from __future__ import annotations

from mllens_tui.summary import arrow, pct

__all__ = ["RISK_CLASS", "STATUS_SYMBOL", "arrow", "pct", "risk_label", "score_class"]

STATUS_SYMBOL = {"answered": "●", "not_applicable": "⊘", "unanswered": "○"}

RISK_CLASS = {
    "HIGH": "risk-high",
    "MEDIUM": "risk-medium",
    "NONE": "risk-none",
    "NOT_APPLICABLE": "risk-na",
    "UNANSWERED": "risk-unanswered",
}


def risk_label(risk: str) -> str:
    return {"NOT_APPLICABLE": "N/A", "UNANSWERED": "-", "NONE": "none"}.get(risk, risk.lower())


def score_class(score: float | None) -> str:
    """A CSS class for a score band: the same bands as the lens risk table (0-1, 2, 3-4)."""
    if score is None:
        return "score-none"
    if score < 0.5:
        return "score-low"
    if score < 0.75:
        return "score-mid"
    return "score-high"

"""The lens: its model, TOML loader and validator, AWS custom-lens import, risk rules."""

from mllens_tui.lens.model import Choice, Lens, Level, Phase, Pillar, Question, Risk, RiskRule

__all__ = ["Choice", "Lens", "Level", "Phase", "Pillar", "Question", "Risk", "RiskRule"]

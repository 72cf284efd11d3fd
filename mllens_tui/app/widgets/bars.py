"""Score bars drawn with text: one line per group, the target marked, the value printed.

Readable in 16 colours and with NO_COLOR: the bar length, the target mark and the number
carry the meaning; colour only repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from mllens_tui.app.palette import sixteen_colours
from mllens_tui.app.text import pct
from mllens_tui.charts.specs import score_band


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None
    target: float | None
    note: str = ""
    name: str = ""  # the full name, shown instead of the label where there is room


# In 16 colours a theme's amber comes out as red: name the terminal's own colours instead.
ANSI_BANDS = {"low": "bold red", "mid": "yellow", "high": "green", "none": "dim"}


FILL = "█"
EMPTY = "░"
TARGET = "┃"


def bar_line(bar: Bar, label_width: int, bar_width: int, styles: dict[str, str]) -> Text:
    line = Text(f"{bar.label:<{label_width}} ", no_wrap=True, overflow="ellipsis")
    if bar.score is None:
        line.append(" " * bar_width, style=styles.get("empty", ""))
        line.append("   -  ", style="dim")
        line.append(bar.note or "not answered yet", style="dim")
        return line
    filled = round(bar.score * bar_width)
    mark = None if bar.target is None else min(bar_width - 1, round(bar.target * bar_width))
    band = score_band(bar.score, bar.target) or "low"
    for i in range(bar_width):
        if i == mark:
            line.append(TARGET, style=styles.get("target", "bold"))
        elif i < filled:
            line.append(FILL, style=styles.get(band, ""))
        else:
            line.append(EMPTY, style=styles.get("empty", "dim"))
    line.append(f" {pct(bar.score):>4}", style="bold")
    if bar.note:
        line.append(f"  {bar.note}", style="dim")
    return line


class ScoreBars(Static):
    """Horizontal text bars; the width follows the widget's width."""

    DEFAULT_CSS = """
    ScoreBars {
        height: auto;
    }
    """

    def __init__(self, bars: list[Bar] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.bars = bars or []

    def show(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # One line a bar, whatever the width: the bars shrink to fit, they never wrap.
        return max(1, len(self.bars))

    def render(self) -> Text:
        if not self.bars:
            return Text("no data yet", style="dim")
        variables = self.app.theme_variables
        styles = {
            "low": variables.get("error", ""),
            "mid": variables.get("warning", ""),
            "high": variables.get("success", ""),
            "target": f"bold {variables.get('foreground', '')}".strip(),
            "empty": variables.get("panel-lighten-2", "dim") or "dim",
        }
        if sixteen_colours(self.app):
            styles.update(ANSI_BANDS, target="bold", empty="dim")
        width = self.size.width or 80
        if width >= 100 and all(b.name for b in self.bars):
            bars = [replace(b, label=b.name) for b in self.bars]
        else:
            bars = self.bars
        label_width = max(len(b.label) for b in bars)
        notes_width = max((len(b.note) for b in bars), default=0)
        bar_width = max(10, width - label_width - 1 - 5 - (notes_width + 2 if notes_width else 0))
        out = Text()
        for i, bar in enumerate(bars):
            if i:
                out.append("\n")
            out.append_text(bar_line(bar, label_width, bar_width, styles))
        return out

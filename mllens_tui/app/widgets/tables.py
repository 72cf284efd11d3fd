"""A DataTable whose one flexible column takes the room the fixed ones leave, so the
columns after it stay on screen at 80 columns instead of scrolling off to the right."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import DataTable

MIN_FLEX = 12


class FitTable(DataTable[Any]):
    """``flex`` names the column that shrinks or grows with the table's width."""

    def __init__(self, *, flex: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flex = flex

    def fit(self) -> None:
        columns = self.columns
        flexible = next((c for c in columns.values() if c.key.value == self.flex), None)
        width = self.scrollable_content_region.width
        if flexible is None or width <= 0:
            return
        others = sum(c.get_render_width(self) for c in columns.values() if c is not flexible)
        flexible.auto_width = False
        flexible.width = max(MIN_FLEX, width - others - 2 * self.cell_padding)
        self._require_update_dimensions = True
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.fit()

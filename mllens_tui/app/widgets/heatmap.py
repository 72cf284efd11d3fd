"""The pillar x phase heatmap as a DataTable: kept apart from the plotext charts so that the
dashboard, a first screen, does not import plotext (about 100 ms)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.message import Message
from textual.theme import Theme
from textual.widgets import DataTable

from mllens_tui.charts.specs import HeatCell, HeatmapSpec, score_band


class HeatmapTable(DataTable[Text]):
    """The pillar x phase matrix: "62% 3/5" per cell, "·" where the lens has no question.

    Cells are styled by score against the target through component classes that use theme
    variables; low scores are also bold, so the bands survive NO_COLOR. Enter or a click on
    the highlighted cell posts ``CellChosen``.
    """

    DEFAULT_CSS = """
    HeatmapTable {
        height: auto;
        max-height: 12;
    }
    HeatmapTable > .heatmap-table--low {
        color: $error;
        text-style: bold;
    }
    HeatmapTable > .heatmap-table--mid {
        color: $warning;
    }
    HeatmapTable > .heatmap-table--high {
        color: $success;
    }
    HeatmapTable > .heatmap-table--none {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "heatmap-table--low",
        "heatmap-table--mid",
        "heatmap-table--high",
        "heatmap-table--none",
    }

    class CellChosen(Message):
        """A cell with questions was chosen: show the questions of that pillar and phase."""

        def __init__(self, table: HeatmapTable, pillar_id: str, phase_id: str) -> None:
            super().__init__()
            self.table = table
            self.pillar_id = pillar_id
            self.phase_id = phase_id

        @property
        def control(self) -> HeatmapTable:
            return self.table

    def __init__(self, spec: HeatmapSpec | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("cursor_type", "cell")
        super().__init__(**kwargs)
        self._spec = spec

    @property
    def spec(self) -> HeatmapSpec | None:
        return self._spec

    def show(self, spec: HeatmapSpec) -> None:
        """Fill the table from ``spec``, keeping the cursor where it was."""
        self._spec = spec
        if self.is_mounted:
            self._fill()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._fill()

    def _theme_changed(self, theme: Theme) -> None:
        # The cells carry styles resolved from the old theme's variables.
        self._fill()

    def cell_text(self, cell: HeatCell) -> Text:
        if cell.score is None or cell.applicable == 0:
            band = "none"
        else:
            band = score_band(cell.score, self._spec.target if self._spec else None) or "none"
        style = self.get_component_rich_style(f"heatmap-table--{band}", partial=True)
        return Text(cell.text, style=style, justify="center")

    def _fill(self) -> None:
        spec = self._spec
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        if spec is None:
            return
        for phase_id, label in spec.columns:
            self.add_column(label, key=phase_id)
        for row in spec.rows:
            self.add_row(
                *(self.cell_text(cell) for cell in row.cells), key=row.pillar_id, label=row.label
            )
        if self.row_count and self.columns:
            self.cursor_coordinate = cursor

    def cell_at(self, pillar_id: str, phase_id: str) -> HeatCell | None:
        if self._spec is None:
            return None
        for row in self._spec.rows:
            if row.pillar_id == pillar_id:
                return next((c for c in row.cells if c.phase_id == phase_id), None)
        return None

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        pillar_id = event.cell_key.row_key.value
        phase_id = event.cell_key.column_key.value
        if pillar_id is None or phase_id is None:
            return
        cell = self.cell_at(pillar_id, phase_id)
        if cell is not None and cell.total > 0:
            self.post_message(self.CellChosen(self, pillar_id, phase_id))

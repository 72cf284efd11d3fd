"""The pillar x phase heatmap as a DataTable: kept apart from the plotext charts so that the
dashboard, a first screen, does not import plotext (about 100 ms)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.message import Message
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import DataTable

from mllens_tui.app.palette import sixteen_colours
from mllens_tui.app.widgets.bars import ANSI_BANDS
from mllens_tui.charts.specs import HeatCell, HeatmapSpec, score_band

CLIPPED = 5  # phase headings are cut to this many characters when nothing else fits


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
        # (full pillar names, scores only, headings clipped): what fits the width it was
        # filled at.
        self._layout: tuple[bool, bool, bool] = (False, False, False)

    def layout_for(self, width: int) -> tuple[bool, bool, bool]:
        """Full pillar names when they fit; cells with the score alone when "62% 3/5" does
        not; phase headings clipped last: every column stays on screen down to 60 columns."""
        spec = self._spec
        if spec is None or width <= 0:
            return (False, False, False)
        pad = 2 * self.cell_padding

        def needed(names: bool, short: bool, clip: bool) -> int:
            first = max(len(row.name if names else row.label) for row in spec.rows) + pad
            columns = 0
            for i, (_, heading) in enumerate(spec.columns):
                cells = [
                    row.cells[i].short_text if short else row.cells[i].text for row in spec.rows
                ]
                shown = _clip(heading, CLIPPED) if clip else heading
                columns += max(len(shown), *(len(c) for c in cells)) + pad
            return first + columns

        layouts = ((True, False, False), (False, False, False), (False, True, False))
        return next((lo for lo in layouts if needed(*lo) <= width), (False, True, True))

    def _room(self) -> int:
        """The width the table can show: its container's, less that one's scroll bar."""
        parent = self.parent
        if isinstance(parent, Widget) and parent.scrollable_content_region.width:
            return parent.scrollable_content_region.width
        return self.size.width

    def on_resize(self, event: events.Resize) -> None:
        if self.layout_for(self._room()) != self._layout:
            self._fill()

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

    def cell_text(self, cell: HeatCell, short: bool = False) -> Text:
        if cell.score is None or cell.applicable == 0:
            band = "none"
        else:
            band = score_band(cell.score, self._spec.target if self._spec else None) or "none"
        if sixteen_colours(self.app):
            style: Style | str = ANSI_BANDS[band]
        else:
            style = self.get_component_rich_style(f"heatmap-table--{band}", partial=True)
        return Text(cell.short_text if short else cell.text, style=style, justify="center")

    def _fill(self) -> None:
        spec = self._spec
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        if spec is None:
            return
        self._layout = names, short, clip = self.layout_for(self._room())
        for phase_id, label in spec.columns:
            self.add_column(_clip(label, CLIPPED) if clip else label, key=phase_id)
        for row in spec.rows:
            self.add_row(
                *(self.cell_text(cell, short) for cell in row.cells),
                key=row.pillar_id,
                label=row.name if names else row.label,
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

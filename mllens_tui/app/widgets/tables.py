"""DataTables that measure their columns as rows are added, and one whose flexible column
takes the room the fixed ones leave, so the columns after it stay on screen at 80 columns
instead of scrolling off to the right.

The flexible column's text is cut with an ellipsis where it does not fit, and the table
never scrolls sideways: what is cut reads as cut.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey

MIN_FLEX = 4  # below this the table scrolls sideways after all


class MeasuredTable(DataTable[Any]):
    """A DataTable whose columns that size to their content are measured as each row is
    added, not when the table is next idle: on a busy machine the table can otherwise be
    drawn (or fitted) with columns the width of their headings."""

    _when_drawn: list[Callable[[], object]] | None = None

    def call_when_drawn(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the table has been drawn with rows: a DataTable measures
        new rows when it is next idle, so the refresh after adding them may not show them."""
        if self._when_drawn is None:
            self._when_drawn = []
        self._when_drawn.append(callback)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._when_drawn and self.row_count and not self._require_update_dimensions:
            callbacks, self._when_drawn = self._when_drawn, None
            for callback in callbacks:
                # After the refresh that drew the rows. While Textual still mounts the first
                # screen, that refresh may be thrown away and the next one reach the terminal.
                self.app.call_later(callback)
        return lines

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: Text | str | None = None,
    ) -> RowKey:
        key_added = super().add_row(*cells, height=height, key=key, label=label)
        for column, cell in zip(self.ordered_columns, cells, strict=False):
            if not column.auto_width:
                continue
            plain = (
                cell.plain if isinstance(cell, Text) else cell if isinstance(cell, str) else None
            )
            if plain is not None:
                widest = max(cell_len(line) for line in plain.split("\n"))
                column.content_width = max(column.content_width, widest)
        return key_added


class FitTable(MeasuredTable):
    """``flex`` names the column that shrinks or grows with the table's width."""

    DEFAULT_CSS = """
    FitTable {
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, *, flex: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flex = flex
        self._fit_pending = False

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

    def _cut(self, cell: object) -> object:
        if isinstance(cell, str):
            return Text(cell, no_wrap=True, overflow="ellipsis", end="")
        if isinstance(cell, Text):
            cell = cell.copy()
            cell.no_wrap = True
            cell.overflow = "ellipsis"
        return cell

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: Text | str | None = None,
    ) -> RowKey:
        keys = list(self.columns)
        cut = tuple(
            self._cut(c) if i < len(keys) and keys[i].value == self.flex else c
            for i, c in enumerate(cells)
        )
        key_added = super().add_row(*cut, height=height, key=key, label=label)
        # New rows widen the columns that size to their content: fit the flexible one again
        # once they are measured (once per batch of rows).
        if not self._fit_pending:
            self._fit_pending = True
            self.call_after_refresh(self._refit)
        return key_added

    def _refit(self) -> None:
        self._fit_pending = False
        self.fit()

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        flexible = str(column_key.value if isinstance(column_key, ColumnKey) else column_key)
        if flexible == self.flex:
            value = self._cut(value)
        super().update_cell(row_key, column_key, value, update_width=update_width)

"""The portfolio: every workload at once, a pillar per column, with the mean, worst workload
and spread of each pillar on top, so a pillar weak everywhere stands out.

The workloads are read and scored in a worker (one read of the store, ``Store.portfolio``);
sorting and filtering then run on the screen's copy (``mllens_tui.portfolio``, pure).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.screens.compare import CompareScreen
from mllens_tui.app.screens.dialogs import Choose
from mllens_tui.app.widgets.tables import MeasuredTable
from mllens_tui.formatting import quantity
from mllens_tui.portfolio import (
    FIGURES,
    Column,
    Filter,
    Portfolio,
    Row,
    build_portfolio,
    change_cell,
    date_cell,
    floor_cell,
    score_cell,
    shared_weaknesses,
    sort_keys,
    summary_cell,
)

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens

STALE_DAYS = 90
ANY = "*"  # the "no filter" option of a Choose dialog
SUMMARY = ("mean", "worst", "spread")
SUMMARY_KEY = "summary:"
MIN_NAME, MAX_NAME = 12, 28
# The worst workload's name in a pillar column: short at 80 columns, whole names at 200.
WORST_WIDTH, WIDE_WORST_WIDTH, WIDE_SCREEN = 8, 18, 160


class PortfolioScreen(AppScreen):
    """Every workload, pillars as columns; sort, filter, open one, compare two."""

    TITLE = "Portfolio"
    DEFAULT_CSS = """
    PortfolioScreen #portfolio-status { height: auto; padding: 0 1; background: $boost; }
    PortfolioScreen #portfolio-table { height: 1fr; }
    PortfolioScreen #portfolio-shared { height: auto; max-height: 3; padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open", id="portfolio.open", show=False),
        Binding("space,m", "mark", "Mark", id="portfolio.mark", tooltip="Mark for compare"),
        Binding(
            "c", "compare", "Compare", id="portfolio.compare", tooltip="Compare the two marked"
        ),
        Binding("greater_than_sign,s", "sort(1)", "Sort", id="portfolio.sort"),
        Binding("less_than_sign", "sort(-1)", "Sort back", id="portfolio.sort_back", show=False),
        Binding("r", "reverse", "Reverse", id="portfolio.reverse", show=False),
        Binding("t", "filter('tag')", "Tag", id="portfolio.tag"),
        Binding("l", "filter('lens')", "Lens", id="portfolio.lens", show=False),
        Binding("e", "filter('environment')", "Env", id="portfolio.env", show=False),
        Binding(
            "a", "stale", f"{STALE_DAYS}d", id="portfolio.stale", tooltip="Not assessed in 90 days"
        ),
        Binding("escape", "back", "Back", id="portfolio.back"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[Row], columns: list[Column], now: datetime) -> None:
            super().__init__()
            self.rows = rows
            self.columns = columns
            self.now = now

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.columns: list[Column] = []
        self.now = datetime.now(UTC)
        self.wanted = Filter()
        self.sort = "name"
        self.descending = False
        self.marked: list[str] = []
        self.shown: Portfolio | None = None
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading every workload…", id="portfolio-status")
        yield MeasuredTable(id="portfolio-table", cursor_type="row")
        yield Static(id="portfolio-shared")
        yield self.footer()

    def on_mount(self) -> None:
        if self.mllens.store is not None:
            self.reload()

    def _is_wide(self) -> bool:
        # The terminal's width, which is known from the start; the screen's own size is zero
        # until its first layout, and a table drawn before that would keep the narrow cells.
        return self.app.size.width >= WIDE_SCREEN

    def on_resize(self, event: events.Resize) -> None:
        if self.rows and self._wide is not None and self._is_wide() != self._wide:
            self.show()

    def on_screen_resume(self) -> None:
        if self.rows and self.mllens.store is not None:
            self.reload()

    @work(thread=True, exclusive=True, group="portfolio")
    def reload(self) -> None:
        from mllens_tui.lens.registry import find_lens
        from mllens_tui.store.errors import StoreError
        from mllens_tui.store.portfolio import portfolio_rows

        app = self.mllens
        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        app.wait_for_writes()
        active = app.lens

        def lens_for(lens_id: str) -> Lens | None:
            return active if lens_id == active.id else find_lens(lens_id)

        try:
            records = store.portfolio()
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        rows, columns = portfolio_rows(records, lens_for)
        self.post_message(self.Loaded(rows, columns, datetime.now(UTC)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.rows, self.columns, self.now = message.rows, message.columns, message.now
        self.marked = [name for name in self.marked if name in {r.name for r in self.rows}]
        self.show()

    # -- drawing ------------------------------------------------------------------------------

    def _keys(self) -> list[str]:
        """The columns in the order shown: the most telling first, so that at 80 columns the
        name, overall, change, high risks and floor are on screen before any pillar."""
        return [*sort_keys(self.columns), "tags"]

    def _name_width(self) -> int:
        """Room for the mark and the longest name, within bounds: at 80 columns the name and
        the overall score come first, and a long name is clipped rather than pushing every
        score off screen."""
        longest = max((len(r.name) for r in self.rows), default=0)
        return max(MIN_NAME, min(MAX_NAME, longest + 2))

    def _heading(self, key: str) -> str:
        if key == "tags":
            return "Tags"
        title = next((c.short for c in self.columns if c.key == key), None)
        if title is None:
            title = FIGURES[key][1]
        if key == self.sort:
            title += " ↓" if self.descending else " ↑"
        return title

    def _cells(self, row: Row) -> list[Text]:
        cells = {
            "name": ("● " if row.name in self.marked else "  ") + row.name,
            "overall": score_cell(row.overall),
            "change": change_cell(row.change),
            "high": "-" if row.high is None else str(row.high),
            "floor": floor_cell(row, self.columns),
            "completeness": score_cell(row.completeness).split(" ")[0],
            "last": date_cell(row.last_assessed),
            "tags": ", ".join(row.tags),
        }
        for column in self.columns:
            cells[column.key] = score_cell(row.pillars.get(column.pillar))
        # Text, not str: a name such as "[b]ot" is shown as written, never read as markup
        # (and a thousand rows are not parsed for markup).
        return [Text(cells[key], no_wrap=True) for key in self._keys()]

    def _summary_cells(self, portfolio: Portfolio, what: str) -> list[Text]:
        width = WIDE_WORST_WIDTH if self._is_wide() else WORST_WIDTH
        pillar_cells = {
            c.key: summary_cell(portfolio.summary[c.pillar], what, width) for c in self.columns
        }
        return [
            Text(f"  {what.capitalize()}" if key == "name" else pillar_cells.get(key, ""))
            for key in self._keys()
        ]

    def show(self) -> None:
        """Apply the filter and sort to the rows read, and redraw the table."""
        portfolio = build_portfolio(
            self.rows,
            self.columns,
            wanted=self.wanted,
            now=self.now,
            sort=self.sort,
            descending=self.descending,
        )
        self.shown = portfolio
        self._wide = self._is_wide()
        table = self.query_one(DataTable)
        selected = self._selected()
        # Rebuilt each time: the sorted column's heading carries the arrow. The summary rows
        # stay on top while the workloads scroll; a DataTable fails drawing fixed rows it does
        # not have yet, so they are fixed only once added.
        table.fixed_rows = 0
        table.clear(columns=True)
        for key in self._keys():
            width = self._name_width() if key == "name" else None
            table.add_column(self._heading(key), key=key, width=width)
        for what in SUMMARY:
            table.add_row(*self._summary_cells(portfolio, what), key=SUMMARY_KEY + what)
        table.fixed_rows = len(SUMMARY)
        for row in portfolio.rows:
            table.add_row(*self._cells(row), key=row.name)
        names = [r.name for r in portfolio.rows]
        if selected in names:
            table.move_cursor(row=table.get_row_index(selected))
        elif names:
            table.move_cursor(row=len(SUMMARY))
        table.focus()
        self._status(portfolio)
        shared = shared_weaknesses(portfolio)
        self.query_one("#portfolio-shared", Static).update("\n".join(f"⚠ {s}" for s in shared))
        self.refresh_bindings()

    def _status(self, portfolio: Portfolio) -> None:
        shown, total = len(portfolio.rows), portfolio.total
        parts = [
            f"{shown} of {quantity(total, 'workload')}"
            if shown != total
            else quantity(total, "workload")
        ]
        wanted = portfolio.filter.describe()
        if wanted:
            parts.append(f"filter: {wanted}")
        parts.append(f"sorted by {self._heading(self.sort)}")
        if self.marked:
            parts.append(f"marked: {', '.join(self.marked)}")
        self.query_one("#portfolio-status", Static).update(" · ".join(parts))

    # -- actions ------------------------------------------------------------------------------

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return None if key is None or key.startswith(SUMMARY_KEY) else key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "mark"):
            return self._selected() is not None
        if action == "compare":
            return len(self.marked) == 2
        return True

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == "tags":
            return
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, key != "name"
        self.show()

    def action_open(self) -> None:
        name = self._selected()
        if name:
            self.mllens.open_workload(name)

    def action_mark(self) -> None:
        name = self._selected()
        if not name:
            return
        if name in self.marked:
            self.marked.remove(name)
        else:
            # Two at most: marking a third lets go of the oldest mark.
            self.marked = [*self.marked[-1:], name]
        self.show()

    def action_compare(self) -> None:
        if len(self.marked) == 2:
            self.app.push_screen(WorkloadCompareScreen(*self.marked))

    def action_sort(self, step: int) -> None:
        keys = list(sort_keys(self.columns))
        self.sort = keys[(keys.index(self.sort) + step) % len(keys)]
        # Names read A to Z; every score reads best first.
        self.descending = self.sort != "name"
        self.show()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.show()

    def action_stale(self) -> None:
        days = None if self.wanted.stale_days is not None else STALE_DAYS
        self._set_filter(stale_days=days)

    def action_filter(self, kind: str) -> None:
        values: dict[str, str] = {}
        for row in self.rows:
            found = {"tag": row.tags, "lens": (row.lens_id,), "environment": (row.environment,)}
            for value in found[kind]:
                if value:
                    values.setdefault(value.casefold() if kind != "lens" else value, value)
        if not values:
            self.notify(f"No workload has a {kind} to filter by.", severity="warning")
            return
        options = [
            (ANY, f"any {kind}"),
            *((v, v) for v in sorted(values.values(), key=str.casefold)),
        ]
        current = getattr(self.wanted, kind)

        def chosen(value: str | None) -> None:
            if value is not None:
                self._set_filter(**{kind: None if value == ANY else value})

        self.app.push_screen(
            Choose(f"Show the workloads of which {kind}?", options, current=current or ANY), chosen
        )

    def _set_filter(self, **change: object) -> None:
        from dataclasses import replace

        self.wanted = replace(self.wanted, **change)  # type: ignore[arg-type]
        self.show()

    def action_back(self) -> None:
        self.dismiss()


class WorkloadCompareScreen(CompareScreen):
    """The compare screen, with two workloads' current answers as its two states."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__("Workloads", a, b)

    @work(thread=True, exclusive=True, group="compare")
    def compute(self) -> None:
        from mllens_tui.lens.registry import find_lens
        from mllens_tui.scoring import score
        from mllens_tui.snapshot import compare, restrict_lens
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        try:
            snaps = [store.snapshot(name) for name in (self.a, self.b)]
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        active = app.lens
        lenses = [active if s.lens_id == active.id else find_lens(s.lens_id) for s in snaps]
        if lenses[0] is None or lenses[1] is None:
            missing = snaps[0].lens_id if lenses[0] is None else snaps[1].lens_id
            app.call_from_thread(
                app.notify, f"Lens {missing!r} is not installed.", severity="error"
            )
            return
        lens_a, lens_b = lenses[0], lenses[1]
        comparison = compare(snaps[0], lens_a, snaps[1], lens_b)
        if comparison.lens_changed:
            common = {q.id for q in lens_a.questions} & {q.id for q in lens_b.questions}
            lens_a, lens_b = restrict_lens(lens_a, common), restrict_lens(lens_b, common)
            note = (
                f"{self.a} ({snaps[0].lens_id}) and {self.b} ({snaps[1].lens_id}) are on different "
                f"lens contents: compared on the {comparison.common_questions} questions they "
                f"share ({len(comparison.only_in_a)} only in {self.a}, "
                f"{len(comparison.only_in_b)} only in {self.b})."
            )
            app.call_from_thread(self._lens_note, note)
        a = score(lens_a, snaps[0].answers, snaps[0].profile)
        b = score(lens_b, snaps[1].answers, snaps[1].profile)
        self.post_message(self.Computed(lens_a, comparison, a, b))

    def _lens_note(self, note: str) -> None:
        self.query_one("#compare").mount(
            Static(note, id="compare-lens-note", classes="group-summary"), before=0
        )

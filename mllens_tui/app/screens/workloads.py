"""The start screen: every workload, with create, rename, delete and open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.screens.dialogs import Confirm, TextPrompt
from mllens_tui.app.text import pct
from mllens_tui.app.widgets.tables import FitTable


@dataclass(frozen=True)
class Row:
    name: str
    environment: str
    lens_id: str
    answered: int
    total: int
    overall: float | None
    updated: datetime


class WorkloadsScreen(AppScreen):
    """Pick the workload to assess."""

    TITLE = "Workloads"
    BINDINGS = [
        Binding("enter", "open", "Open", id="workloads.open", show=True),
        Binding("n", "new", "New", id="workloads.new", tooltip="Create a workload"),
        Binding("r", "rename", "Rename", id="workloads.rename"),
        Binding("delete,x", "delete", "Delete", id="workloads.delete"),
        Binding("o", "portfolio", "Portfolio", id="workloads.portfolio", tooltip="Every workload"),
        Binding("q", "app.quit", "Quit", id="workloads.quit"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[Row]) -> None:
            super().__init__()
            self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="workloads"):
            yield Static("Opening the database…", id="workloads-status", classes="status")
        yield Footer()

    async def _table(self) -> FitTable:
        """The workload table, mounted when there is something to list: the first screen
        is drawn sooner without it."""
        found = self.query(DataTable)
        if found:
            return found.first(FitTable)
        table = FitTable(id="workloads-table", cursor_type="row", zebra_stripes=True, flex="name")
        await self.query_one("#workloads", Vertical).mount(table)
        table.add_column("Workload", key="name")
        table.add_column("Env", key="env")
        table.add_column("Answered", key="answered")
        table.add_column("Overall", key="overall")
        table.add_column("Updated (UTC)", key="updated", width=16)
        table.fit()
        return table

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Open, rename and delete need a workload under the cursor; hide them until then.
        if action in ("open", "rename", "delete"):
            return self._selected() is not None
        return True

    def on_mount(self) -> None:
        if self.mllens.store is not None:
            self.reload()
        elif self.mllens.store_error:
            self.show_store_error(self.mllens.store_error)

    def on_screen_resume(self) -> None:
        if self.mllens.store is not None:
            self.reload()

    def store_ready(self) -> None:
        self.reload()

    def show_store_error(self, error: str) -> None:
        self.query_one("#workloads-status", Static).update(
            f"[b]The database could not be opened.[/b]\n\n{error}\n\nPress q to quit."
        )

    @work(thread=True, exclusive=True, group="workloads")
    def reload(self) -> None:
        from mllens_tui.lens.registry import find_lens
        from mllens_tui.scoring import score
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        store = app.store
        try:
            rows = []
            for record in store.list_workloads():
                lens = find_lens(record.lens_id)
                overall = None
                total = 0
                if lens is not None:
                    from mllens_tui.assessment import Profile

                    profile = Profile(record.default_target, dict(record.pillar_weights))
                    scores = score(lens, store.answers(record.name), profile)
                    overall = scores.overall.score
                    total = scores.overall.applicable
                rows.append(
                    Row(
                        record.name,
                        record.environment,
                        record.lens_id,
                        record.answered_count,
                        total,
                        overall,
                        record.updated_at,
                    )
                )
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        self.post_message(self.Loaded(rows))

    @on(Loaded)
    async def loaded(self, message: Loaded) -> None:
        table = await self._table()
        status = self.query_one("#workloads-status", Static)
        selected = None
        if table.row_count and table.cursor_row is not None:
            selected = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        table.clear()
        for row in message.rows:
            table.add_row(
                row.name,
                row.environment or "-",
                f"{row.answered}/{row.total}" if row.total else str(row.answered),
                pct(row.overall),
                row.updated.strftime("%Y-%m-%d %H:%M"),
                key=row.name,
            )
        if message.rows:
            status.update(
                f"{len(message.rows)} workload{'s' if len(message.rows) != 1 else ''}"
                " · enter opens · n creates a new one"
            )
            table.display = True
            if selected is not None and selected in {r.name for r in message.rows}:
                table.move_cursor(row=table.get_row_index(selected))
            table.focus()
            self.refresh_bindings()
        else:
            table.display = False
            self.refresh_bindings()
            status.update(
                "[b]Welcome to mllens.[/b]\n\n"
                "A workload is the ML system you assess: a model, a pipeline or a product.\n"
                f"It is scored against the {self.mllens.lens.name} "
                f"({len(self.mllens.lens.questions)} questions).\n\n"
                "Press [b]n[/b] to create your first workload, or run [b]mllens demo[/b] "
                "in a shell for an example with three past reviews."
            )

    def _selected(self) -> str | None:
        tables = self.query(DataTable)
        if not tables:
            return None
        table = tables.first()
        if not table.display or not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.mllens.open_workload(event.row_key.value)

    def action_open(self) -> None:
        name = self._selected()
        if name:
            self.mllens.open_workload(name)

    def action_portfolio(self) -> None:
        from mllens_tui.app.screens.portfolio import PortfolioScreen

        if self.mllens.store is not None:
            self.app.push_screen(PortfolioScreen())

    def _names(self) -> set[str]:
        tables = self.query(DataTable)
        if not tables or not tables.first().display:
            return set()
        return {str(key.value) for key in tables.first().rows}

    def _check_name(self, name: str) -> str | None:
        if not name:
            return "A workload needs a name."
        if len(name) > 100:
            return "Keep the name under 100 characters."
        if name in self._names():
            return f"A workload named {name!r} exists already."
        return None

    def action_new(self) -> None:
        if self.mllens.store is None:
            return

        def created(name: str | None) -> None:
            if name:
                self._create(name)

        self.app.push_screen(
            TextPrompt(
                "New workload",
                placeholder="e.g. Fraud scoring",
                hint="the ML system you are assessing · enter to create",
                validate=self._check_name,
            ),
            created,
        )

    @work(thread=True, group="workloads-write")
    def _create(self, name: str) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        try:
            app.store.create_workload(name, app.lens, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        app.call_from_thread(app.notify, f"Created {name}")
        app.open_workload(name)

    def action_rename(self) -> None:
        old = self._selected()
        if not old:
            return

        def renamed(new: str | None) -> None:
            if new and new != old:
                self._rename(old, new)

        self.app.push_screen(
            TextPrompt(f"Rename {old}", value=old, validate=self._check_name), renamed
        )

    @work(thread=True, group="workloads-write")
    def _rename(self, old: str, new: str) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        try:
            app.store.rename_workload(old, new, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        current = app.current
        if current is not None and current.name == old:
            app.call_from_thread(app.open_workload, new)
        self.reload()

    def action_delete(self) -> None:
        name = self._selected()
        if not name:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(name)

        import shlex

        from mllens_tui.store.workloads import TRASH_DAYS

        self.app.push_screen(
            Confirm(
                f"Delete {name}?",
                "It goes to the trash with its answers, history and milestones, and can be "
                f"restored for {TRASH_DAYS} days with: mllens workload restore {shlex.quote(name)}",
                yes="Delete",
            ),
            confirmed,
        )

    @work(thread=True, group="workloads-write")
    def _delete(self, name: str) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        try:
            app.store.delete_workload(name, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        current = app.current
        if current is not None and current.name == name:
            app.current = None
        app.call_from_thread(app.notify, f"Moved {name} to the trash")
        self.reload()

"""One question's answer history: every change (who, when, from, to), newest last, as
`mllens history WORKLOAD QUESTION` prints it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.widgets.tables import FitTable

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens
    from mllens_tui.store.records import AnswerChangeRecord, FieldValue

FIELD_NAMES = {
    "level": "Level",
    "choices": "Choices",
    "not_applicable": "N/A",
    "reason": "N/A reason",
    "target": "Target",
    "notes": "Notes",
    "evidence": "Evidence",
    "confidence": "Confidence",
}


def change_value(lens: Lens, field: str, value: FieldValue) -> str:
    """A stored value as a person reads it: levels by name, yes/no, "-" for nothing."""
    if value is None or value == "" or value == ():
        return "-"
    if field == "level" and isinstance(value, int) and not isinstance(value, bool):
        level = lens.level(value)
        return f"{value} {level.name}" if level else str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value).replace("_", " ") if field == "reason" else str(value).replace("\n", " ")


class AnswerHistoryScreen(AppScreen):
    """Every recorded change of one question's answer in the open workload."""

    TITLE = "Answer history"
    BINDINGS = [
        Binding("escape", "back", "Back", id="changes.back"),
        Binding("enter", "open", "Open question", id="changes.open"),
    ]

    class Loaded(Message):
        def __init__(self, changes: list[AnswerChangeRecord]) -> None:
            super().__init__()
            self.changes = changes

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="changes"):
            yield Static(id="changes-summary", classes="group-summary")
            yield FitTable(id="changes-table", cursor_type="row", flex="to")
        yield self.footer()

    def on_mount(self) -> None:
        workload = self.workload
        if workload is None:
            return
        q = workload.lens.question(self.question_id)
        title = f"{self.question_id} {q.title}" if q else self.question_id
        self.sub_title = workload.name
        self.query_one("#changes-summary", Static).update(f"[b]{escape(title)}[/b]\nLoading…")
        table = self.query_one(FitTable)
        table.add_column("When (UTC)", key="when", width=16)
        table.add_column("By", key="by", width=10)
        table.add_column("Field", key="field", width=10)
        table.add_column("From", key="from", width=16)
        table.add_column("To", key="to")
        table.fit()
        self.load()

    @work(thread=True, exclusive=True, group="changes")
    def load(self) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        workload = app.current
        store = app.wait_for_store()  # opened after the first screen
        if workload is None or store is None:
            return
        app.wait_for_writes()
        try:
            changes = store.answer_history(workload.name, self.question_id)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        self.post_message(self.Loaded(changes))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        workload = self.workload
        if workload is None:
            return
        q = workload.lens.question(self.question_id)
        title = f"{self.question_id} {q.title}" if q else self.question_id
        count = len(message.changes)
        summary = (
            f"{count} change{'' if count == 1 else 's'}, oldest first · enter opens the question"
            if count
            else "Never answered: no change is recorded."
        )
        self.query_one("#changes-summary", Static).update(f"[b]{escape(title)}[/b]\n{summary}")
        table = self.query_one(FitTable)
        table.clear()
        for c in message.changes:
            table.add_row(
                c.at.strftime("%Y-%m-%d %H:%M"),
                c.by or "-",
                FIELD_NAMES.get(c.field, c.field),
                change_value(workload.lens, c.field, c.old),
                change_value(workload.lens, c.field, c.new),
            )
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)
        table.focus()

    def action_open(self) -> None:
        workload = self.workload
        if workload is None:
            return
        # Opened from the question itself, this goes back to it rather than stack another one.
        self.mllens.open_question(self.question_id)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def action_back(self) -> None:
        self.dismiss()

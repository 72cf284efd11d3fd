"""The dialog that gives an improvement-plan item an owner and a due date."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from mllens_tui.app.screens.dialogs import DIALOG_CSS
from mllens_tui.assessment import Ownership
from mllens_tui.inputs import day_problem, name_problem


class OwnerDialog(ModalScreen[Ownership | None]):
    """Ask who owns a plan item and by when; both empty clears them. Enter saves, escape
    cancels; dismisses with the new ``Ownership`` or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="OwnerDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="owner.cancel")]

    def __init__(self, title: str, current: Ownership) -> None:
        super().__init__()
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Label("Owner")
            yield Input(value=self.current.owner, placeholder="a name", id="owner-name")
            yield Label("Due date")
            due = self.current.due.isoformat() if self.current.due else ""
            yield Input(value=due, placeholder="YYYY-MM-DD", id="owner-due")
            yield Label("", id="owner-error", classes="error")
            yield Label(
                "tab to move · enter to save · empty both to clear · escape to cancel",
                classes="hint",
            )

    @on(Input.Submitted)
    def save(self) -> None:
        owner = self.query_one("#owner-name", Input).value.strip()
        due = self.query_one("#owner-due", Input).value.strip()
        problem = name_problem(owner, "owner") if owner else None
        if problem is None and due and (problem := day_problem(due)) is not None:
            problem = f"Due date: {problem}"
        if problem is not None:
            self.query_one("#owner-error", Label).update(problem)
            return
        self.dismiss(Ownership(owner=owner, due=date.fromisoformat(due) if due else None))

    def action_cancel(self) -> None:
        self.dismiss(None)

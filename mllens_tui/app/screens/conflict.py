"""The choice a stale answer needs: someone else changed the question since it was shown.

Both answers are shown (theirs with who and when, and yours); nothing is overwritten until the
user picks: keep theirs, take mine (written against their revision), or edit (open the
question with theirs in place).
"""

from __future__ import annotations

from typing import Literal

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from mllens_tui.app.screens.dialogs import DIALOG_CSS
from mllens_tui.assessment import Answer
from mllens_tui.lens.model import Lens

Choice = Literal["theirs", "mine", "edit"]


def answer_text(lens: Lens, answer: Answer | None) -> str:
    """An answer in words, with its notes' first line: what the two sides compare."""
    if answer is None or answer.status == "unanswered":
        text = "Unanswered"
    elif answer.not_applicable:
        text = f"N/A ({answer.reason.label if answer.reason else 'no reason'})"
    elif answer.choices is not None:
        text = f"Choices: {', '.join(answer.choices) or '(none)'}"
    else:
        level = lens.level(answer.level) if answer.level is not None else None
        text = f"Level {answer.level}" + (f" {level.name}" if level else "")
    if answer is not None and answer.notes:
        first = answer.notes.splitlines()[0]
        text += f"\n  notes: {first[:60]}"
    return text


class ConflictDialog(ModalScreen[Choice]):
    """Theirs or mine: dismisses with "theirs", "mine" or "edit"; escape keeps theirs."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ConflictDialog")
        + """
    ConflictDialog > Vertical { width: 72; }
    ConflictDialog .side {
        height: auto; padding: 0 1; margin-bottom: 1; border-left: thick $primary;
    }
    ConflictDialog .theirs { border-left: thick $warning; }
    """
    )
    BINDINGS = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("m", "choose('mine')", "Take mine", id="conflict.mine"),
        Binding("e", "choose('edit')", "Edit", id="conflict.edit"),
        Binding("escape", "choose('theirs')", "Keep theirs", show=False),
    ]

    def __init__(
        self,
        lens: Lens,
        question_id: str,
        theirs: Answer | None,
        revision: int,
        mine: Answer,
    ) -> None:
        super().__init__()
        self.lens = lens
        self.question_id = question_id
        self.theirs = theirs
        self.revision = revision
        self.mine = mine

    def compose(self) -> ComposeResult:
        question = self.lens.question(self.question_id)
        title = question.title if question is not None else ""
        theirs = self.theirs
        who = theirs.answered_by if theirs is not None and theirs.answered_by else "someone"
        when = (
            f" at {theirs.answered_at:%H:%M:%S} UTC"
            if theirs is not None and theirs.answered_at is not None
            else ""
        )
        with Vertical():
            yield Label(f"{self.question_id} changed while you were answering", classes="title")
            yield Static(escape(title), classes="hint")
            yield Static(
                f"[b]Theirs[/b] ({escape(who)}{when}, revision {self.revision})\n"
                + escape(answer_text(self.lens, theirs)),
                classes="side theirs",
                id="conflict-theirs",
            )
            yield Static(
                "[b]Yours[/b] (not saved)\n" + escape(answer_text(self.lens, self.mine)),
                classes="side",
                id="conflict-mine",
            )
            yield Label("Nothing is overwritten until you choose.", classes="hint")
            with Horizontal():
                yield Button("Keep theirs (t)", id="theirs", variant="primary")
                yield Button("Take mine (m)", id="mine")
                yield Button("Edit (e)", id="edit")

    def on_mount(self) -> None:
        self.query_one("#theirs", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("theirs", "mine", "edit"):
            self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

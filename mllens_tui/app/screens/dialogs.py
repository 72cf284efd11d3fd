"""Small modal dialogs: each asks one thing and dismisses with the answer (or None)."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from mllens_tui.app.text import NA_REASON_KEYS
from mllens_tui.assessment import NAReason

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary 60%;
    background: $surface;
    padding: 1 2;
}}
{name} Label {{
    width: 100%;
}}
{name} .title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} .hint {{
    color: $text-muted;
    margin-top: 1;
}}
{name} .error {{
    color: $error;
}}
{name} Horizontal {{
    height: auto;
    align-horizontal: right;
    margin-top: 1;
}}
{name} Button {{
    margin-left: 1;
}}
"""


def keys_text(keys: list[str]) -> str:
    """ "d, 0-4" for the keys d 0 1 2 3 4: a run of digits as a range where the digits
    start, the rest listed."""
    digits = [k for k in keys if k.isdigit()]
    run = [f"{digits[0]}-{digits[-1]}"] if len(digits) > 2 else digits
    out: list[str] = []
    for key in keys:
        if not key.isdigit():
            out.append(key)
        elif key == digits[0]:
            out.extend(run)
    return ", ".join(out)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; enter accepts, escape cancels."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TextPrompt")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "",
        validate: object = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.check = validate

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label("", id="prompt-error", classes="error")
            yield Label(self.hint or "enter to accept · escape to cancel", classes="hint")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        if not self.is_current:
            return  # a second enter typed quickly (a browser sends keys unpaced) came too late
        text = event.value.strip()
        problem = self.check(text) if callable(self.check) else (None if text else "Required")
        if problem:
            self.query_one("#prompt-error", Label).update(str(problem))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes/no question; y or enter on Yes confirms, n or escape declines."""

    DEFAULT_CSS = DIALOG_CSS.format(name="Confirm")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="title")
            if self.detail:
                yield Label(self.detail)
            with Horizontal():
                yield Button("No (n)", id="no")
                yield Button(f"{self.yes} (y)", id="yes", variant="error")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class Choose(ModalScreen[str | None]):
    """Pick one of a few options by arrow keys and enter, or by the key shown before it.

    ``keys`` names the key of each option (by default 1, 2, 3...): a dialog about levels
    keys them by level, so 0-4 mean the same in the dialog as on the screen behind it.
    """

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="Choose")
        + """
Choose OptionList {
    height: auto;
    max-height: 12;
}
"""
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        *,
        current: str | None = None,
        hint: str = "",
        keys: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current
        self.keys = keys if keys is not None else [str(i + 1) for i in range(len(options))]
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield OptionList(
                *[
                    Option(f"{key:>2}  {label}", id=value)
                    for key, (value, label) in zip(self.keys, self.options, strict=False)
                ]
            )
            yield Label(
                self.hint
                or f"{keys_text(self.keys[: len(self.options)])} or enter to choose · "
                "escape to cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        ids = [value for value, _ in self.options]
        if self.current in ids:
            option_list.highlighted = ids.index(self.current)
        else:
            option_list.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character in self.keys[: len(self.options)]:
            event.stop()
            self.dismiss(self.options[self.keys.index(event.character)][0])

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotApplicable(ModalScreen[tuple[str, str] | None]):
    """Why a question does not apply: a reason by its letter key or enter; "Other" asks for
    a short explanation too, since the reason alone then says nothing. Dismisses with
    ``(reason, explanation)``; the explanation is empty for the named reasons. The keys are
    letters, never digits: where this opens, 0-4 are levels."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="NotApplicable")
        + """
NotApplicable OptionList {
    height: auto;
    max-height: 8;
}
NotApplicable Input, NotApplicable #na-error {
    display: none;
}
NotApplicable #na-error.shown {
    display: block;
}
NotApplicable.other Input {
    display: block;
}
"""
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self,
        title: str,
        reasons: list[tuple[str, str, str]],
        *,
        other: str,
        current: str | None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.reasons = reasons  # (value, key, label)
        self.other = other
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield OptionList(
                *[Option(f"{key:>2}  {label}", id=value) for value, key, label in self.reasons]
            )
            yield Input(placeholder="why it does not apply (required)", id="na-why")
            yield Label("", id="na-error", classes="error")
            yield Label(
                f"{keys_text([key for _, key, _ in self.reasons])} or enter to choose · "
                "escape to cancel",
                id="na-hint",
                classes="hint",
            )

    def on_mount(self) -> None:
        ids = [value for value, _, _ in self.reasons]
        option_list = self.query_one(OptionList)
        option_list.highlighted = ids.index(self.current) if self.current in ids else 0

    def on_key(self, event: events.Key) -> None:
        if self.has_class("other"):
            return
        for value, key, _ in self.reasons:
            if event.character == key:
                event.stop()
                self._pick(value)
                return

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._pick(event.option.id)

    def _pick(self, reason: str) -> None:
        if reason != self.other:
            self.dismiss((reason, ""))
            return
        self.add_class("other")
        self.query_one("#na-hint", Label).update("enter to save · escape to cancel")
        self.query_one("#na-why", Input).focus()

    @on(Input.Submitted, "#na-why")
    def explained(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            error = self.query_one("#na-error", Label)
            error.update("Say in a few words why it does not apply.")
            error.add_class("shown")
            return
        self.dismiss((self.other, text))

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_not_applicable(question_id: str, current: NAReason | None) -> NotApplicable:
    """The N/A dialog of a question, as every screen that answers one shows it: the reasons
    by their letter keys, "Other" asking why."""
    return NotApplicable(
        f"{question_id} does not apply because…",
        [(r.value, NA_REASON_KEYS[r], r.label) for r in NAReason],
        other=NAReason.OTHER.value,
        current=current.value if current else None,
    )


def na_notes(why: str, notes: str) -> str:
    """The notes after "Other" with its explanation: the explanation on top of ``notes``."""
    return f"N/A: {why}" + (f"\n{notes}" if notes else "")

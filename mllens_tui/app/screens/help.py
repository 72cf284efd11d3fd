"""Help (?): every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

KEY_NAMES = {
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "escape": "esc",
    "delete": "del",
    "enter": "enter",
}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key, key)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary 60%;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen .title {
        text-style: bold;
        padding: 0 1;
    }
    HelpScreen DataTable {
        height: auto;
        max-height: 18;
    }
    HelpScreen .hint {
        color: $text-muted;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        with Vertical():
            name = self.for_screen.title or type(self.for_screen).__name__.replace("Screen", "")
            yield Label(f"Keys on {name}", classes="title")
            yield DataTable(cursor_type="row", show_header=True, zebra_stripes=True)
            yield Label(
                "ctrl+p: command palette (export, import, milestone, theme) · esc closes",
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action")
        seen: set[str] = set()
        for key, active in self.for_screen.active_bindings.items():
            binding = active.binding
            if binding.action in ("app.command_palette",) or not binding.description:
                continue
            label = key_label(key)
            description = binding.tooltip or binding.description
            entry = f"{label}:{description}"
            if entry in seen or not active.enabled:
                continue
            seen.add(entry)
            table.add_row(label, description)
        table.add_row("ctrl+p", "Command palette")
        table.add_row("ctrl+q", "Quit from anywhere")
        table.focus()

    def action_close(self) -> None:
        self.dismiss()

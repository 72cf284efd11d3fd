"""Help (?): every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "escape": "esc",
    "delete": "del",
    "enter": "enter",
    "space": "space",
}
# Actions bound to a run of keys (0-4) read as one line in words.
RUN_WORDS = {"level": "Set the level"}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key, key)


def _keys_text(keys: list[str]) -> str:
    if len(keys) > 2 and all(k.isdigit() for k in keys):
        return f"{keys[0]}-{keys[-1]}"
    return " ".join(keys)


def help_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(section, keys, what they do) for every key that works on ``screen``: its own keys
    first, then the app's, each action once, in words. Textual's own keys of the focused
    widget (scrolling, copying, focus) are summed up in one line instead of listed."""
    own: list[tuple[str, list[str], str]] = []
    everywhere: list[tuple[str, list[str], str]] = []
    seen: dict[str, tuple[str, list[str], str]] = {}
    # The screen's keys in the order it declares them, even those the focused widget
    # shadows (enter on a table still opens, through the table); then the rest.
    candidates = [
        (key, binding, screen, screen.check_action(binding.action, ()) is not False)
        for key, bindings in screen._bindings.key_to_bindings.items()
        for binding in bindings
    ]
    candidates += [(key, a.binding, a.node, a.enabled) for key, a in screen.active_bindings.items()]
    for key, binding, node, enabled in candidates:
        if not enabled or not binding.description or binding.action == "quit":
            continue
        if binding.id is None:
            continue  # Textual's generic keys (scrolling, focus, copying): summed up below
        base = binding.action.split("(")[0]
        group = base if base in RUN_WORDS else binding.action
        if group in seen:
            if key_label(key) not in seen[group][1]:
                seen[group][1].append(key_label(key))
            continue
        words = RUN_WORDS.get(base) or binding.tooltip or binding.description
        entry = (group, [key_label(key)], words)
        seen[group] = entry
        shared = node is screen.app or binding.id.startswith("screen.")
        (everywhere if shared else own).append(entry)
    rows = [("This screen", _keys_text(keys), words) for _, keys, words in own]
    rows += [("Everywhere", _keys_text(keys), words) for _, keys, words in everywhere]
    rows.append(("Everywhere", "ctrl+p", "Command palette: export, import, milestone, theme"))
    rows.append(("Everywhere", "ctrl+q", "Quit from anywhere"))
    rows.append(("Everywhere", "↑ ↓ pgup pgdn", "Move in lists; tab moves between fields"))
    return rows


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
    HelpScreen DataTable {
        height: auto;
        max-height: 100%;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            name = self.for_screen.title or type(self.for_screen).__name__.replace("Screen", "")
            box.border_title = f"Keys on {name}"
            box.border_subtitle = "esc or ? closes"
            yield DataTable(cursor_type="row", show_header=True, zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "What it does")
        section = ""
        for where, keys, words in help_rows(self.for_screen):
            if where != section:
                section = where
                table.add_row(Text(where, style="bold"), "")
            table.add_row(keys, words)
        table.focus()

    def action_close(self) -> None:
        self.dismiss()

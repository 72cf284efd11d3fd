"""The choices of a choice-based question: `[x]`/`[ ]` in text, long titles wrapped.

Textual's ``SelectionList`` cuts long titles, marks a pick by colour alone and highlights no
row until the cursor moves, so the first space did nothing. This list always has a row
highlighted, and space (as enter or a click) posts ``OptionSelected`` for it: the screen
decides what a pick means (saving, "None of these").
"""

from __future__ import annotations

from collections.abc import Collection

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mllens_tui.lens.model import Choice

CHOSEN = "[x]"
UNCHOSEN = "[ ]"


def choice_prompt(choice: Choice, chosen: bool) -> Table:
    """One row: the mark, then the title wrapped under itself (not under the mark)."""
    row = Table.grid(padding=(0, 1), expand=True)
    row.add_column(width=len(CHOSEN), no_wrap=True)
    row.add_column(ratio=1)
    style = "bold" if chosen else ""
    row.add_row(Text(CHOSEN if chosen else UNCHOSEN, style=style), Text(choice.title, style=style))
    return row


class ChoiceList(OptionList):
    """The choices of one question; space, enter or a click picks the highlighted one."""

    BINDINGS = [Binding("space", "select", "Pick", id="choices.pick", show=False)]

    def set_choices(
        self, choices: Collection[Choice], chosen: Collection[str], *, keep_highlight: bool
    ) -> None:
        """Show ``choices`` with ``chosen`` marked; keep the highlighted row if asked and
        the choices are the same, else highlight the first."""
        same = keep_highlight and [o.id for o in self.options] == [c.id for c in choices]
        if same:
            # Only the marks change: the highlighted row and the scroll stay where they are.
            for index, choice in enumerate(choices):
                self.replace_option_prompt_at_index(
                    index, choice_prompt(choice, choice.id in chosen)
                )
            return
        self.set_options(Option(choice_prompt(c, c.id in chosen), id=c.id) for c in choices)
        if self.option_count:
            self.highlighted = 0

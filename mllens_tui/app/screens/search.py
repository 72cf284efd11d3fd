"""Search (/): find a question of the open workload by its id or by words in its title,
prompt or notes, and open it (enter) or its answer history (ctrl+r)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from mllens_tui.app.text import STATUS_SYMBOL
from mllens_tui.assessment import Answer
from mllens_tui.lens.model import Lens, Question

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp

LIMIT = 50  # the list shows this many; more words narrow it


def find_questions(lens: Lens, answers: Mapping[str, Answer], text: str) -> list[Question]:
    """The questions whose id, title, prompt or notes hold every word of ``text``: ids that
    start with the text first, then titles with the words as typed, then titles with every
    word, then the rest, each in lens order."""
    words = text.lower().split()
    if not words:
        return list(lens.questions)
    ranked: list[tuple[int, int, Question]] = []
    for index, q in enumerate(lens.questions):
        answer = answers.get(q.id)
        notes = answer.notes if answer else ""
        haystack = " ".join((q.id, q.title, q.prompt, notes)).lower()
        if not all(word in haystack for word in words):
            continue
        phrase = " ".join(words)
        if q.id.lower().startswith(phrase):
            rank = 0
        elif phrase in q.title.lower():
            rank = 1
        elif all(word in q.title.lower() for word in words):
            rank = 2
        else:
            rank = 3
        ranked.append((rank, index, q))
    return [q for _, _, q in sorted(ranked, key=lambda r: (r[0], r[1]))]


class SearchScreen(ModalScreen[None]):
    """Type to filter; up and down move through the results; enter opens the question."""

    DEFAULT_CSS = """
    SearchScreen {
        align: center top;
    }
    SearchScreen > Vertical {
        width: 100;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        margin-top: 1;
        border: thick $primary 60%;
        background: $surface;
        padding: 0 1;
    }
    SearchScreen OptionList {
        height: auto;
        max-height: 16;
    }
    SearchScreen .hint {
        width: 100%;
        color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="search.close"),
        Binding("down", "move(1)", "Next", id="search.down", show=False),
        Binding("up", "move(-1)", "Previous", id="search.up", show=False),
        Binding("enter", "open", "Open", id="search.open", show=False, priority=True),
        Binding(
            "ctrl+r",
            "history",
            "Answer history",
            id="search.history",
            show=False,
            priority=True,
            tooltip="Every change of the highlighted question's answer",
        ),
    ]

    @property
    def _app(self) -> MLLensApp:
        return cast("MLLensApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="a question id, or words of its title, prompt or notes")
            yield OptionList(id="search-results")
            yield Label("", id="search-count", classes="hint")
            yield Label(
                "enter opens · ctrl+r its answer history · ↑↓ move · esc closes", classes="hint"
            )

    def on_mount(self) -> None:
        self.fill("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def fill(self, text: str) -> None:
        workload = self._app.current
        results = self.query_one(OptionList)
        results.clear_options()
        if workload is None:
            return
        found = find_questions(workload.lens, workload.answers, text)
        for q in found[:LIMIT]:
            answer = workload.answers.get(q.id)
            status = answer.status if answer else "unanswered"
            results.add_option(
                Option(f"{STATUS_SYMBOL[status]} [b]{q.id}[/b]  {escape(q.title)}", id=q.id)
            )
        if found:
            results.highlighted = 0
        more = f", the first {LIMIT} shown" if len(found) > LIMIT else ""
        count = len(found)
        self.query_one("#search-count", Label).update(
            f"{count} question{'' if count == 1 else 's'}{more}"
            if count
            else "No question matches: try fewer words, or an id such as MLSEC-05."
        )

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted or 0
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def _chosen(self) -> str | None:
        results = self.query_one(OptionList)
        if results.highlighted is None or not results.option_count:
            return None
        return results.get_option_at_index(results.highlighted).id

    def action_open(self) -> None:
        qid = self._chosen()
        if qid is None:
            return
        from mllens_tui.app.screens.question import QuestionScreen

        workload = self._app.current
        if workload is None:
            return
        order = [q.id for q in workload.lens.questions]
        self.dismiss()
        self.app.push_screen(QuestionScreen(order, order.index(qid)))

    @on(OptionList.OptionSelected)
    def clicked(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_history(self) -> None:
        qid = self._chosen()
        if qid is None:
            return
        from mllens_tui.app.screens.changes import AnswerHistoryScreen

        self.dismiss()
        self.app.push_screen(AnswerHistoryScreen(qid))

    def action_close(self) -> None:
        self.dismiss()

"""Presentation mode, for a projector: one question at a time in large type, the five level
descriptions, and after reveal the ballots as a chart. No tables, no side panels.

The facilitator drives it with the keys of the question screen: 0-4 and n answer (during a
workshop: cast the facilitator's own ballot), ] and [ move; r reveals the ballots of the
question on screen and a records the agreed answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Digits, Header, Label, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.workshop_actions import agree_flow, reveal
from mllens_tui.assessment import Answer, NAReason
from mllens_tui.lens.model import Question

BAR = "█"


class PresentScreen(AppScreen):
    """One question of ``order`` at a time, starting at ``index``, in large type."""

    TITLE = "Presentation"
    DEFAULT_CSS = """
    PresentScreen #present { padding: 0 2; height: 1fr; }
    PresentScreen .present-head { color: $text-muted; height: 1; }
    PresentScreen .present-title { text-style: bold; height: auto; }
    PresentScreen #present-numbers { height: auto; margin-top: 1; }
    PresentScreen .number { width: 20; height: auto; }
    PresentScreen .number Label { color: $text-muted; width: 100%; }
    PresentScreen #present-chart { width: 1fr; height: auto; }
    PresentScreen #present-levels { height: 1fr; margin-top: 1; }
    PresentScreen .level { height: auto; }
    PresentScreen .level.chosen { text-style: bold; background: $boost; }
    """
    BINDINGS = [
        Binding("0", "level(0)", "0", show=False),
        Binding("1", "level(1)", "1", show=False),
        Binding("2", "level(2)", "2", show=False),
        Binding("3", "level(3)", "3", show=False),
        Binding("4", "level(4)", "4", show=False),
        Binding("n", "not_applicable", "N/A", id="present.na"),
        Binding("right_square_bracket,right", "step(1)", "Next", id="present.next"),
        Binding("left_square_bracket,left", "step(-1)", "Prev", id="present.prev"),
        Binding("r", "reveal", "Reveal", id="present.reveal"),
        Binding("a", "agree", "Agree", id="present.agree"),
        Binding("escape", "back", "Back", id="present.back"),
    ]

    def __init__(self, order: list[str], index: int = 0) -> None:
        super().__init__()
        self.order = order
        self.index = index

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="present"):
            yield Static(id="present-head", classes="present-head")
            yield Static(id="present-title", classes="present-title")
            with Horizontal(id="present-numbers"):
                with Vertical(classes="number"):
                    yield Label("Answer", id="present-level-label")
                    yield Digits("-", id="present-level")
                with Vertical(classes="number"):
                    yield Label("Ballots", id="present-spread-label")
                    yield Digits("", id="present-spread")
                yield Static(id="present-chart")
            yield VerticalScroll(id="present-levels")
        yield self.footer()

    def on_mount(self) -> None:
        self.show(self.index)

    def on_screen_resume(self) -> None:
        self.render_state()

    def store_changed(self) -> None:
        self.render_state()

    def answers_changed(self) -> None:
        self.render_state()

    @property
    def question(self) -> Question:
        workload = self.workload
        assert workload is not None
        question = workload.lens.question(self.order[self.index])
        assert question is not None
        return question

    def show(self, index: int) -> None:
        self.index = index % len(self.order)
        workload = self.workload
        if workload is None:
            return
        q = self.question
        levels = self.query_one("#present-levels", VerticalScroll)
        levels.remove_children()
        if q.kind == "level":
            levels.mount_all(
                Static(id=f"present-level-{lv.level}", classes="level")
                for lv in workload.lens.levels
            )
        else:
            levels.mount(Static(escape("\n".join(f"• {c.title}" for c in q.choices))))
        self.call_after_refresh(self.render_state)

    def render_state(self) -> None:
        workload = self.workload
        if workload is None or not self.is_mounted:
            return
        lens = workload.lens
        q = self.question
        pillar = lens.pillar(q.pillar)
        self.sub_title = workload.name
        self.query_one("#present-head", Static).update(
            f"{q.id} · {escape(pillar.name if pillar else q.pillar)} · "
            f"{self.index + 1} of {len(self.order)}"
        )
        self.query_one("#present-title", Static).update(escape(q.title))
        answer = workload.answers.get(q.id)
        label = self.query_one("#present-level-label", Label)
        if answer is not None and answer.not_applicable:
            self.query_one("#present-level", Digits).update("-")
            label.update("Answer: N/A")
        elif answer is not None and answer.level is not None:
            self.query_one("#present-level", Digits).update(str(answer.level))
            level = lens.level(answer.level)
            label.update(f"Answer: {level.name}" if level else "Answer")
        else:
            self.query_one("#present-level", Digits).update("-")
            label.update("Unanswered")
        self._render_ballots(q)
        chosen = answer.level if answer is not None and answer.status == "answered" else None
        for lv, text in zip(lens.levels, q.levels, strict=False):
            found = self.query(f"#present-level-{lv.level}")
            if not found:
                continue
            widget = found.first(Static)
            mark = "▶" if lv.level == chosen else " "
            widget.update(f"{mark} [b]{lv.level}  {escape(lv.name)}[/b]\n   {escape(text)}")
            widget.set_class(lv.level == chosen, "chosen")

    def _render_ballots(self, q: Question) -> None:
        workload = self.workload
        assert workload is not None
        record = workload.workshop
        state = record.questions.get(q.id) if record is not None else None
        digits = self.query_one("#present-spread", Digits)
        label = self.query_one("#present-spread-label", Label)
        chart = self.query_one("#present-chart", Static)
        if state is None:
            digits.update("")
            label.update("No ballots" if record is not None else "")
            chart.update("")
            return
        if not state.revealed or state.spread is None:
            digits.update(str(state.ballot_count))
            label.update("Ballots (hidden)")
            mine = next(
                (b for b in state.visible if b.participant == self.mllens.participant), None
            )
            chart.update(f"Your ballot: {mine.label}" if mine is not None else "")
            return
        spread = state.spread
        if spread.low is None or spread.high is None:
            digits.update("-")
        elif spread.low == spread.high:
            digits.update(str(spread.low))
        else:
            digits.update(f"{spread.low}-{spread.high}")
        median = f"median {spread.median:g}" if spread.median is not None else "all N/A"
        label.update(f"Spread · {median}" + (" · agreed" if state.agreed else ""))
        counts: dict[str, list[str]] = {}
        for ballot in state.visible:
            counts.setdefault(ballot.label, []).append(ballot.participant)
        rows = [str(lv.level) for lv in workload.lens.levels] + ["N/A"]
        width = max(1, max((len(v) for v in counts.values()), default=1))
        lines = []
        for row in rows:
            names = counts.get(row, [])
            if row == "N/A" and not names:
                continue
            bar = BAR * (2 * len(names)) + " " * (2 * (width - len(names)))
            lines.append(f"{row:>3} {bar} {len(names)}  {escape(', '.join(names))}")
        chart.update("\n".join(lines))

    # -- keys --------------------------------------------------------------------------------

    def _save(self, *, vote: bool = False, **changes: object) -> None:
        workload = self.workload
        if workload is None or workload.read_only:
            self.notify("This is a milestone: it is read-only.", severity="warning")
            return
        base = workload.answers.get(self.question.id) or Answer(self.question.id)
        answer = replace(
            base,
            answered_at=datetime.now(UTC).replace(microsecond=0),
            answered_by=self.mllens.participant,
            **changes,  # type: ignore[arg-type]
        )
        self.mllens.save_answer(answer, vote=vote)
        self.render_state()

    def action_level(self, level: int) -> None:
        workload = self.workload
        if workload is None or self.question.kind != "level" or workload.lens.level(level) is None:
            return
        self._save(level=level, not_applicable=False, reason=None, choices=None)

    def action_not_applicable(self) -> None:
        """The question screen's N/A dialog, with its keys; "Other" asks why, kept at the top
        of the notes as there."""
        from mllens_tui.app.screens.dialogs import ask_not_applicable, na_notes

        workload = self.workload
        if workload is None:
            return
        current = workload.answers.get(self.question.id)

        def chosen(result: tuple[str, str] | None) -> None:
            if not result:
                return
            reason, why = result
            changes: dict[str, object] = {}
            if why:  # in a workshop, the ballot's note alone
                old = current.notes if current and not workload.in_workshop else ""
                changes["notes"] = na_notes(why, old)
            self._save(
                not_applicable=True,
                reason=NAReason(reason),
                level=None,
                choices=None,
                vote=True,
                **changes,
            )

        reason = current.reason if current else None
        self.app.push_screen(ask_not_applicable(self.question.id, reason), chosen)

    def action_step(self, delta: int) -> None:
        self.show(self.index + delta)

    def action_reveal(self) -> None:
        workload = self.workload
        if workload is None or workload.workshop is None or not workload.workshop.is_open:
            self.notify("No workshop is running (start one from the workshop screen).")
            return
        reveal(self.mllens, [self.question.id])

    def action_agree(self) -> None:
        workload = self.workload
        if workload is None or workload.workshop is None or not workload.workshop.is_open:
            self.notify("No workshop is running (start one from the workshop screen).")
            return
        agree_flow(self.mllens, self.question.id)

    def action_back(self) -> None:
        self.dismiss()

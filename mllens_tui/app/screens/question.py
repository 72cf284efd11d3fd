"""One question at a time: read it, pick a level (0-4), choices, or N/A, add notes and evidence.

Every change is saved at once through the app's writer; there is no save key. Text being
typed is saved after a pause, and at once when the box loses focus or the screen is left or
closed. `u` undoes the changes made during this visit of the screen, newest first.

Choice questions (AWS custom lenses) list their choices with space to pick; "None of these"
is exclusive as in the CLI and on import (``exclusive_choices``), and the highlighted
choice's helpful resource and improvement plan are shown below the list.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from rich.console import Group
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import (
    Header,
    Input,
    Label,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.screens.dialogs import Choose, ask_not_applicable, na_notes
from mllens_tui.app.text import STATUS_SYMBOL, risk_label
from mllens_tui.app.widgets.choices import ChoiceList
from mllens_tui.assessment import Answer, Confidence, NAReason
from mllens_tui.lens.model import Choice, Question

NOTES_DELAY = 0.6  # seconds of quiet typing before notes are saved
EVIDENCE_PLACEHOLDER = "https://… or a path, a ticket, a dashboard"


class QuestionScreen(AppScreen):
    """Answer the questions of ``order``, starting at ``index``."""

    TITLE = "Question"

    BINDINGS = [
        Binding("0", "level(0)", "0", id="question.level0", show=False),
        Binding("1", "level(1)", "1", id="question.level1", show=False),
        Binding("2", "level(2)", "2", id="question.level2", show=False),
        Binding("3", "level(3)", "3", id="question.level3", show=False),
        Binding("4", "level(4)", "4", id="question.level4", show=False),
        Binding("n", "not_applicable", "N/A", id="question.na", tooltip="Mark N/A with a reason"),
        Binding("right_square_bracket", "step(1)", "Next", id="question.next"),
        Binding("left_square_bracket", "step(-1)", "Prev", id="question.prev"),
        Binding(
            "right_curly_bracket", "next_unanswered", "Unanswered", id="question.next_unanswered"
        ),
        Binding("e", "edit_notes", "Notes", id="question.notes"),
        Binding("v", "edit_evidence", "Evidence", id="question.evidence", show=False),
        Binding("t", "target", "Target", id="question.target", show=False),
        Binding("c", "confidence", "Confidence", id="question.confidence", show=False),
        Binding(
            "u",
            "undo",
            "Undo",
            id="question.undo",
            tooltip="Undo the last change made here",
            show=False,  # at 80 columns the footer has no room; help lists it, and the notice
        ),
        Binding("x", "clear", "Clear answer", id="question.clear", show=False),
        Binding("o", "open_link", "Open official page", id="question.link", show=False),
        Binding("H", "answer_history", "Answer history", id="question.history", show=False),
        Binding("escape", "back", "Back", id="question.back"),
    ]

    def __init__(self, order: list[str], index: int = 0) -> None:
        super().__init__()
        self.order = order
        self.index = index
        self._notes_timer: Timer | None = None
        self._loading = False
        # The last text seen in the boxes, for when the screen closes after its widgets.
        self._notes_draft: str | None = None
        self._evidence_draft: str | None = None
        # (question id, answer before the change) for every change made on this visit.
        self._undo: list[tuple[str, Answer | None]] = []
        self._boxes_filled = False  # the text boxes hold the current question's text
        # The revision, notes and evidence the boxes were filled from: typed text is written
        # over that revision only, so a note saved elsewhere meanwhile is never overwritten
        # without the conflict dialog.
        self._seen_revision = 0
        self._seen_notes = ""
        self._seen_evidence = ""
        # Put in the boxes after a conflict ("edit"): saved only once the user edits them.
        self._placed_notes: str | None = None
        self._placed_evidence: str | None = None

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="question-body"):
            yield Static(id="q-head", classes="q-head")
            yield Static(id="q-title", classes="q-title")
            yield Static(id="q-prompt", classes="q-prompt")
            yield Static(id="q-state", classes="q-state")
            yield OptionList(id="q-levels")
            yield ChoiceList(id="q-choices")
            yield Static(id="q-choice", classes="q-section")
            yield Static(id="q-next", classes="q-section")
            yield Static(id="q-why", classes="q-section")
            yield Static(id="q-criteria", classes="q-section")
            yield Label("Notes (e to edit, escape when done)", classes="q-label")
            yield TextArea(id="q-notes", soft_wrap=True, show_line_numbers=False)
            yield Label("Evidence: a link or where to find it (v)", classes="q-label")
            yield Input(id="q-evidence", placeholder=EVIDENCE_PLACEHOLDER)
            yield Static(id="q-link", classes="q-link")
        yield self.footer()

    def on_mount(self) -> None:
        self.show(self.index)

    def on_screen_resume(self) -> None:
        self.render_state()

    def on_screen_suspend(self) -> None:
        # A dialog, the help screen or another area is shown: what is typed is saved now.
        self.flush_edits()

    def on_unmount(self) -> None:
        # Popped, or the app is closing (ctrl+q, q, a signal): the typing pause is not waited.
        self.flush_edits()

    # -- what is shown -----------------------------------------------------------------------

    @property
    def question(self) -> Question:
        workload = self.workload
        assert workload is not None
        question = workload.lens.question(self.order[self.index])
        assert question is not None
        return question

    @property
    def answer(self) -> Answer | None:
        workload = self.workload
        return workload.answers.get(self.order[self.index]) if workload else None

    def show(self, index: int, *, save_typing: bool = True) -> None:
        """Show the question at ``index`` of the order (and save what is typed first)."""
        if save_typing:
            self.flush_notes()
            self._save_evidence()
        self._notes_draft = self._evidence_draft = None
        self._placed_notes = self._placed_evidence = None
        self.index = index % len(self.order)
        workload = self.workload
        if workload is None:
            return
        lens = workload.lens
        q = self.question
        pillar = lens.pillar(q.pillar)
        phase = lens.phase(q.phase) if q.phase else None
        where = " · ".join(x.name for x in (pillar, phase) if x is not None)
        ro = "  [read-only milestone]" if workload.read_only else ""
        self.sub_title = f"{workload.name}{ro}"
        head = f"[b]{escape(q.ids)}[/b] · {escape(where)}   ({self.index + 1} of {len(self.order)})"
        if q.scope == "organisation":
            head += (
                "\n[$text-muted]Scope: the organisation around this workload, not the workload "
                "alone[/]"
            )
        self.query_one("#q-head", Static).update(head)
        self.query_one("#q-title", Static).update(f"[b]{escape(q.title)}[/b]")
        prompt = self.query_one("#q-prompt", Static)
        prompt.update(escape(q.prompt))
        prompt.display = q.prompt != q.title  # imported AWS lenses ask their title
        self.query_one("#q-why", Static).update(
            f"[b]Why it matters[/b]\n{escape(q.why)}" if q.why else ""
        )
        self.query_one("#q-why", Static).display = bool(q.why)
        criteria = "\n".join(f" • {escape(c)}" for c in q.criteria)
        self.query_one("#q-criteria", Static).update(
            f"[b]What good looks like[/b]\n{criteria}" if criteria else ""
        )
        self.query_one("#q-criteria", Static).display = bool(criteria)
        link = self.query_one("#q-link", Static)
        link.update(f"Official page (o): {q.url}" if q.url else "")
        link.display = bool(q.url)
        levels = self.query_one("#q-levels", OptionList)
        choices = self.query_one("#q-choices", ChoiceList)
        levels.display = q.kind == "level"
        choices.display = q.kind == "choice"
        self.query_one("#q-choice", Static).display = q.kind == "choice"
        answer = self.answer
        self._loading = True
        try:
            notes = self.query_one("#q-notes", TextArea)
            notes.text = answer.notes if answer else ""
            notes.read_only = workload.read_only
            evidence = self.query_one("#q-evidence", Input)
            evidence.value = answer.evidence if answer else ""
            evidence.disabled = workload.read_only
        finally:
            self._loading = False
        self._boxes_filled = True
        self._mark_seen()
        if q.kind == "choice":
            # A new question: its first choice is highlighted, so the first space picks it.
            choices.set_choices(q.choices, _chosen(answer), keep_highlight=False)
        self.render_state()
        focus_target = levels if q.kind == "level" else choices
        # Focusing scrolls the list into view, past the question it answers: keep the top.
        focus_target.focus(scroll_visible=False)
        self.query_one("#question-body", VerticalScroll).scroll_home(animate=False)

    def answers_changed(self) -> None:
        if self._boxes_filled:  # else it has not shown its question yet, and will
            self.render_state()

    def store_changed(self) -> None:
        """Another process changed answers: show them, and refill the notes and evidence boxes
        unless they are being edited, so that leaving them saves nothing stale."""
        if not self._boxes_filled:
            return  # not shown yet: it shows the answer as it is then
        answer = self.answer
        typing = self._notes_timer is not None or isinstance(self.focused, TextArea | Input)
        if self._boxes_filled and not typing and not self._unsaved():
            self._loading = True
            try:
                notes = self.query_one("#q-notes", TextArea)
                if notes.text != (answer.notes if answer else ""):
                    notes.text = answer.notes if answer else ""
                evidence = self.query_one("#q-evidence", Input)
                if evidence.value != (answer.evidence if answer else ""):
                    evidence.value = answer.evidence if answer else ""
            finally:
                self._loading = False
            self._mark_seen()
        self.render_state()

    def _mark_seen(self) -> None:
        workload = self.workload
        if workload is None:
            return
        answer = self.answer
        self._seen_revision = workload.revisions.get(self.order[self.index], 0)
        self._seen_notes = answer.notes if answer else ""
        self._seen_evidence = answer.evidence if answer else ""

    def _unsaved(self) -> bool:
        """The boxes hold text other than what they were filled with (and not saved)."""
        try:
            notes = self.query_one("#q-notes", TextArea).text
            evidence = self.query_one("#q-evidence", Input).value.strip()
        except NoMatches:
            return False
        return (notes, evidence) != (self._seen_notes, self._seen_evidence)

    def _typed_over(self, field: str, seen: str) -> int:
        """The revision typed text is written over: the one its box was filled at; or the
        newer one the app knows, when what changed since left this field as it was shown."""
        workload = self.workload
        assert workload is not None
        known = workload.revisions.get(self.order[self.index], 0)
        current = getattr(self.answer, field) if self.answer is not None else ""
        return known if current == seen else self._seen_revision

    def typed(self, question_id: str) -> dict[str, str]:
        """The notes and evidence typed here for ``question_id`` and not saved yet."""
        if not self._boxes_filled or self.order[self.index] != question_id:
            return {}
        answer = self.answer
        out = {}
        try:
            notes: str | None = self.query_one("#q-notes", TextArea).text
            evidence: str | None = self.query_one("#q-evidence", Input).value.strip()
        except NoMatches:
            notes, evidence = self._notes_draft, self._evidence_draft
        if notes is not None and notes != (answer.notes if answer else ""):
            out["notes"] = notes
        if evidence is not None and evidence != (answer.evidence if answer else ""):
            out["evidence"] = evidence
        return out

    def resolved(self, question_id: str, keep: dict[str, str]) -> None:
        """The conflict on ``question_id`` is settled: show the answer as it is now, with
        ``keep`` (the user's text, to edit over theirs) in the boxes, unsaved."""
        if not self._boxes_filled or self.order[self.index] != question_id:
            return  # another question, or a screen just opened that fills itself
        self.show(self.index, save_typing=False)
        if not keep:
            return
        self._loading = True
        try:
            if "notes" in keep:
                self._placed_notes = keep["notes"]
                self.query_one("#q-notes", TextArea).text = keep["notes"]
            if "evidence" in keep:
                self._placed_evidence = keep["evidence"]
                self.query_one("#q-evidence", Input).value = keep["evidence"]
        finally:
            self._loading = False
        # Focus stays where the screen put it: a focus change here could race the one the
        # screen makes as the dialog closes, and a blur saves.
        self.notify(
            "Theirs is saved; your text is in the box, not saved. Edit it (e, v) to put it "
            "over theirs; leave it untouched to keep theirs.",
            title=f"Editing {question_id}",
            timeout=10,
        )

    def render_state(self) -> None:
        """Refresh everything that depends on the current answer."""
        workload = self.workload
        if workload is None:
            return
        q = self.question
        answer = self.answer
        scores = self.mllens.scores()
        qs = scores.questions.get(q.id) if scores else None
        lens = workload.lens
        status = answer.status if answer else "unanswered"
        parts = [f"{STATUS_SYMBOL[status]} "]
        if status == "not_applicable" and answer is not None:
            reason = answer.reason.label if answer.reason else "no reason"
            parts.append(f"[b]N/A[/b] ({reason})")
        elif status == "answered" and answer is not None and answer.level is not None:
            level = lens.level(answer.level)
            parts.append(f"[b]Level {answer.level} {level.name if level else ''}[/b]")
        elif status == "answered" and answer is not None:
            parts.append(f"[b]{len(answer.choices or ())} of {len(q.choices)} chosen[/b]")
        else:
            hint = "0-4 sets the level, n marks N/A" if q.kind == "level" else "space picks"
            parts.append(f"[b]Unanswered[/b] [dim]({hint})[/dim]")
        if qs is not None and q.kind == "level":
            source = "" if answer and answer.target is not None else " (default)"
            parts.append(f" · target {qs.target}{source}")
        if qs is not None:
            parts.append(f" · risk {risk_label(qs.risk)}")
        if answer and answer.confidence:
            parts.append(f" · {answer.confidence.value}")
        if answer and answer.answered_by:
            when = answer.answered_at.strftime("%Y-%m-%d") if answer.answered_at else ""
            parts.append(f" · {escape(answer.answered_by)} {when}")
        parts.append(self._workshop_line())
        self.query_one("#q-state", Static).update("".join(parts))
        self.query_one("#q-state", Static).set_class(
            qs is not None and qs.risk == "HIGH", "risk-high"
        )
        if q.kind == "level":
            self._render_levels(q, answer, qs.target if qs else None)
        else:
            chosen = _chosen(answer)
            choices = self.query_one("#q-choices", ChoiceList)
            choices.set_choices(q.choices, chosen, keep_highlight=True)
            self._render_choice(q, chosen)
        step = q.guidance_from(answer.level if answer and answer.level is not None else None)
        next_step = self.query_one("#q-next", Static)
        at_top = answer is not None and answer.level == lens.max_level
        if step and not at_top and status != "not_applicable":
            next_step.update(f"[b]Next step[/b]\n{escape(step)}")
            next_step.display = True
        else:
            next_step.display = False

    def _workshop_line(self) -> str:
        """While a workshop runs: this participant's own ballot, or the revealed spread."""
        workload = self.workload
        if workload is None or not workload.in_workshop or workload.workshop is None:
            return ""
        state = workload.workshop.questions.get(self.question.id)
        me = self.mllens.participant
        mine = next((b for b in state.visible if b.participant == me), None) if state else None
        if state is not None and state.revealed and state.spread is not None:
            said = ", ".join(f"{escape(b.participant)} {b.label}" for b in state.visible)
            return f"\n[b]Workshop[/b]: revealed, {state.spread.text}: {said}"
        if mine is not None:
            return f"\n[b]Workshop[/b]: your ballot {mine.label} (hidden until revealed)"
        return f"\n[b]Workshop[/b]: 0-4 or n casts {escape(me)}'s own ballot"

    def _render_levels(self, q: Question, answer: Answer | None, target: int | None) -> None:
        workload = self.workload
        assert workload is not None
        levels = self.query_one("#q-levels", OptionList)
        highlighted = levels.highlighted
        chosen = answer.level if answer and answer.status == "answered" else None
        options = []
        for level, text in zip(workload.lens.levels, q.levels, strict=True):
            mark = "●" if level.level == chosen else " "
            aim = "◎" if level.level == target else " "
            label = f"{mark}{aim}[b]{level.level} {escape(level.name)}[/b]  {escape(text)}"
            shows = q.evidence_for(level.level)
            prompt: str | Group = label
            if shows:
                # Indented as a block, so that its wrapped lines stay under the level's text.
                # Italic, not dim: dim turns grey, unreadable on the cursor row in 16 colours.
                evidence_line = Text(f"Evidence: {shows}", style="italic")
                prompt = Group(Text.from_markup(label), Padding(evidence_line, (0, 0, 0, 4)))
            options.append(Option(prompt, id=str(level.level)))
        # The evidence box asks for what shows the chosen level.
        evidence = self.query_one("#q-evidence", Input)
        wanted = q.evidence_for(chosen)
        evidence.placeholder = f"Level {chosen}: {wanted}" if wanted else EVIDENCE_PLACEHOLDER
        evidence.tooltip = wanted or None
        levels.clear_options()
        levels.add_options(options)
        if highlighted is None:
            highlighted = chosen if chosen is not None else 0
        levels.highlighted = min(highlighted, len(options) - 1)

    # -- answering ---------------------------------------------------------------------------

    def _save(
        self,
        *,
        render: bool = True,
        expected: int | None = None,
        vote: bool = False,
        **changes: object,
    ) -> None:
        workload = self.workload
        if workload is None:
            return
        if workload.read_only:
            self.notify("This is a milestone: it is read-only.", severity="warning")
            return
        question_id = self.order[self.index]
        previous = self.answer
        answer = replace(
            previous or Answer(question_id),
            answered_at=datetime.now(UTC).replace(microsecond=0),
            answered_by=self.mllens.participant,
            **changes,  # type: ignore[arg-type]
        )
        if not self.mllens.save_answer(answer, expected=expected, vote=vote):
            if render:  # a ballot (or nothing): the workload's answer stays, nor is undone
                self.render_state()
            return
        self._undo.append((question_id, previous))
        if (
            previous is not None
            and previous.status == "not_applicable"
            and answer.status != "not_applicable"
        ):
            # One key drops an N/A and its reason: say so, and how to get it back.
            self.notify(
                f"{_describe(previous)} replaced by {_describe(answer)} — press u to undo",
                title=question_id,
            )
        if render:
            self.render_state()

    def action_undo(self) -> None:
        """Put back the answer as it was before the last change made on this visit."""
        workload = self.workload
        if workload is None or workload.read_only:
            return
        self.flush_edits()
        if not self._undo:
            self.notify("Nothing to undo: no change was made since this screen opened.")
            return
        question_id, previous = self._undo.pop()
        self.mllens.save_answer(previous or Answer(question_id))
        # Show the question whose answer came back, with its notes and evidence as they were.
        self.show(self.order.index(question_id), save_typing=False)
        self.notify(
            f"{question_id} is back to {_describe(previous)}"
            + (f" — {len(self._undo)} more to undo" if self._undo else ""),
            title="Undone",
        )

    def action_level(self, level: int) -> None:
        if self.question.kind != "level":
            self.notify("This question is answered by choosing options.", severity="warning")
            return
        if self.workload is not None and self.workload.lens.level(level) is None:
            return
        self._save(level=level, not_applicable=False, reason=None, choices=None)

    @on(OptionList.OptionSelected, "#q-levels")
    def level_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.action_level(int(event.option.id))

    @on(OptionList.OptionSelected, "#q-choices")
    def choice_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.toggle_choice(event.option.id)

    def toggle_choice(self, choice_id: str) -> None:
        """Choose ``choice_id``, or unchoose it if chosen; "None of these" stays exclusive."""
        q = self.question
        before = _chosen(self.answer)
        if choice_id in before:
            chosen = tuple(c for c in before if c != choice_id)
        else:
            from mllens_tui.aws_review import exclusive_choices

            chosen, _ = exclusive_choices(q, [*before, choice_id])
        if self.workload is not None and not self.workload.read_only:
            cleared = [c.title for c in q.choices if c.id in before and c.id not in chosen]
            if choice_id in chosen and cleared:
                picked = next(c.title for c in q.choices if c.id == choice_id)
                self.notify(
                    f"{picked!r} cleared {', '.join(repr(t) for t in cleared)} — press u to undo",
                    title='"None of these" is exclusive',
                )
        self._save(choices=chosen, level=None, not_applicable=False, reason=None)

    @on(OptionList.OptionHighlighted, "#q-choices")
    def choice_highlighted(self) -> None:
        if self.workload is not None and self.question.kind == "choice":
            self._render_choice(self.question, _chosen(self.answer))

    def _render_choice(self, q: Question, chosen: tuple[str, ...]) -> None:
        """The highlighted choice's helpful resource and improvement plan, below the list."""
        index = self.query_one("#q-choices", ChoiceList).highlighted
        detail = self.query_one("#q-choice", Static)
        if index is None or index >= len(q.choices):
            detail.update("")
            return
        detail.update(_choice_detail(q.choices[index], q.choices[index].id in chosen))

    def action_not_applicable(self) -> None:
        def chosen(result: tuple[str, str] | None) -> None:
            if not result:
                return
            reason, why = result
            changes: dict[str, object] = {}
            voting = self.workload is not None and self.workload.in_workshop
            if why and voting:  # the ballot's own note, not the workload's notes
                changes["notes"] = na_notes(why, "")
            elif why:  # "Other" comes with its explanation: kept at the top of the notes
                changes["notes"] = na_notes(why, self.answer.notes if self.answer else "")
                self.query_one("#q-notes", TextArea).text = str(changes["notes"])
            self._save(
                not_applicable=True,
                reason=NAReason(reason),
                level=None,
                choices=None,
                vote=True,
                **changes,
            )

        current = self.answer.reason if self.answer else None
        self.app.push_screen(ask_not_applicable(self.question.id, current), chosen)

    def action_clear(self) -> None:
        self._save(level=None, choices=None, not_applicable=False, reason=None)

    def action_target(self) -> None:
        workload = self.workload
        if workload is None or self.question.kind != "level":
            return
        default = workload.record.default_target
        default_level = workload.lens.level(default)
        options = [
            (
                "default",
                f"Workload default ({default} {default_level.name if default_level else ''})",
            )
        ]
        options += [(str(lv.level), lv.name) for lv in workload.lens.levels]
        answer = self.answer
        current = str(answer.target) if answer and answer.target is not None else "default"

        def chosen(value: str | None) -> None:
            if value is not None:
                self._save(target=None if value == "default" else int(value))

        self.app.push_screen(
            Choose(
                "Target level for this question",
                options,
                current=current,
                keys=["d", *(str(lv.level) for lv in workload.lens.levels)],
            ),
            chosen,
        )

    def action_confidence(self) -> None:
        options = [("none", "Not stated")] + [(c.value, c.value.capitalize()) for c in Confidence]
        answer = self.answer
        current = answer.confidence.value if answer and answer.confidence else "none"

        def chosen(value: str | None) -> None:
            if value is not None:
                self._save(confidence=None if value == "none" else Confidence(value))

        self.app.push_screen(
            Choose(
                "How well is this answer backed?",
                options,
                current=current,
                hint="asserted: said · evidenced: shown · verified: checked by someone else",
                keys=["n", "a", "e", "v"],  # not digits: on this screen those are levels
            ),
            chosen,
        )

    def action_edit_notes(self) -> None:
        self.query_one("#q-notes", TextArea).focus()

    def action_edit_evidence(self) -> None:
        self.query_one("#q-evidence", Input).focus()

    def action_answer_history(self) -> None:
        self.mllens.open_answer_history(self.question.id)

    def action_open_link(self) -> None:
        if self.question.url:
            self.app.open_url(self.question.url)
            self.notify(self.question.url, title="Opening")

    # -- notes and evidence: saved while typing, and when leaving ----------------------------

    @on(TextArea.Changed, "#q-notes")
    def notes_changed(self, event: TextArea.Changed) -> None:
        # The message comes after the text was set: placed text is not typing yet.
        if self._loading or event.text_area.text == self._placed_notes:
            return
        self._placed_notes = None
        self._notes_draft = event.text_area.text
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_DELAY, self.flush_notes)

    @on(events.DescendantBlur, "#q-notes")
    def notes_blurred(self) -> None:
        self.flush_notes()

    def flush_notes(self, *, render: bool = True) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        if not self._can_type():
            return
        try:
            text = self.query_one("#q-notes", TextArea).text
        except NoMatches:
            text = self._notes_draft
        answer = self.answer
        if text == self._placed_notes:
            return  # not edited since the conflict put it there
        if text is not None and text != (answer.notes if answer else ""):
            expected = self._typed_over("notes", self._seen_notes)
            self._save(notes=text, render=render, expected=expected)
            self._seen_notes = text

    def _can_type(self) -> bool:
        """Typed text may be saved now: not on a milestone, and not while the conflict
        dialog holds it (it is the "yours" there)."""
        workload = self.workload
        if not self._boxes_filled or workload is None or workload.read_only:
            return False
        return (workload.name, self.order[self.index]) not in self.mllens.conflicts

    def flush_edits(self) -> None:
        """Save the notes and evidence being typed now, without waiting for a pause in typing
        (the app calls it before it ends)."""
        self.flush_notes(render=False)
        self._save_evidence(render=False)

    @on(Input.Changed, "#q-evidence")
    def evidence_changed(self, event: Input.Changed) -> None:
        if not self._loading and event.value.strip() != self._placed_evidence:
            self._placed_evidence = None
            self._evidence_draft = event.value

    @on(Input.Submitted, "#q-evidence")
    def evidence_submitted(self) -> None:
        self._save_evidence()
        self.query_one("#q-levels" if self.question.kind == "level" else "#q-choices").focus()

    @on(Input.Blurred, "#q-evidence")
    def evidence_blurred(self) -> None:
        self._save_evidence()

    def _save_evidence(self, *, render: bool = True) -> None:
        if not self._can_type():
            return
        try:
            value: str | None = self.query_one("#q-evidence", Input).value
        except NoMatches:
            value = self._evidence_draft
        answer = self.answer
        if value is not None and value.strip() == self._placed_evidence:
            return  # not edited since the conflict put it there
        if value is not None and value.strip() != (answer.evidence if answer else ""):
            expected = self._typed_over("evidence", self._seen_evidence)
            self._save(evidence=value.strip(), render=render, expected=expected)
            self._seen_evidence = value.strip()

    # -- moving ------------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        self._save_evidence()
        self.show(self.index + delta)

    def action_next_unanswered(self) -> None:
        workload = self.workload
        if workload is None:
            return
        self._save_evidence()
        count = len(self.order)
        for offset in range(1, count + 1):
            index = (self.index + offset) % count
            answer = workload.answers.get(self.order[index])
            if answer is None or answer.status == "unanswered":
                self.show(index)
                return
        self.notify("Every question is answered or marked N/A.")

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, TextArea | Input):
            self.flush_notes()
            self._save_evidence()
            widget = "#q-levels" if self.question.kind == "level" else "#q-choices"
            self.query_one(widget).focus()
            return
        self.flush_notes()
        self._save_evidence()
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Digits and letters belong to the text boxes while one has focus.
        return not (isinstance(self.focused, TextArea | Input) and action != "back")


def _chosen(answer: Answer | None) -> tuple[str, ...]:
    """The choices an answer has chosen; none when it is unanswered or N/A."""
    if answer is None or answer.not_applicable:
        return ()
    return tuple(answer.choices or ())


def _choice_detail(choice: Choice, chosen: bool) -> Text:
    """Whether it is chosen, its title, helpful resource and improvement plan."""
    detail = Text()
    detail.append(f"{'Chosen' if chosen else 'Not chosen'}: ", style="bold")
    detail.append(choice.title)
    if choice.description or choice.helpful_url:
        detail.append("\nHelpful resource: ", style="bold")
        detail.append(" ".join(x for x in (choice.description, choice.helpful_url) if x))
    if choice.improvement_plan or choice.improvement_url:
        detail.append("\nImprovement plan: ", style="bold")
        detail.append(" ".join(x for x in (choice.improvement_plan, choice.improvement_url) if x))
    return detail


def _describe(answer: Answer | None) -> str:
    """An answer in a few words, for notifications."""
    if answer is None or answer.status == "unanswered":
        return "unanswered"
    if answer.status == "not_applicable":
        return f"N/A ({answer.reason.label if answer.reason else 'no reason'})"
    if answer.level is not None:
        return f"level {answer.level}"
    return f"{len(answer.choices or ())} chosen"

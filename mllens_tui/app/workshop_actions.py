"""What the workshop screen and presentation mode both do: the discussion order of the
running workshop, and the facilitator's actions (reveal, agree), run on the store in a worker.

After an action the app looks for changes at once, so the new state comes back through the
same ``StoreChanged`` message as other people's changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from mllens_tui.app.text import NA_REASON_KEYS
from mllens_tui.assessment import Answer, NAReason
from mllens_tui.workshop import discussion_order

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp
    from mllens_tui.store.records import WorkshopQuestion
    from mllens_tui.store.service import Store


def workshop_order(app: MLLensApp) -> list[str]:
    """The questions of the running workshop in discussion order: revealed ones by spread,
    widest first, then the hidden ones with ballots, in lens order."""
    workload = app.current
    if workload is None or workload.workshop is None:
        return []
    lens = workload.lens
    questions = workload.workshop.questions
    revealed = {qid: list(q.visible) for qid, q in questions.items() if q.revealed}
    hidden = [q.id for q in lens.questions if q.id in questions and q.id not in revealed]
    return [*discussion_order(lens, revealed), *hidden]


def run_store_action(
    app: MLLensApp, action: Callable[[Store], str | None], *, failed: str = "Workshop"
) -> None:
    """Run ``action`` on the store in a thread; notify its message, then look for changes at
    once instead of at the next poll."""

    def work() -> None:
        from mllens_tui.store.errors import StoreError

        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        try:
            message = action(store)
        except StoreError as exc:
            app.call_from_thread(app.notify, exc.message, title=failed, severity="error")
            return
        if message:
            app.call_from_thread(app.notify, message)
        app.call_from_thread(app.refresh_from_store)

    app.run_worker(work, thread=True, group="workshop-action")


def agree_flow(app: MLLensApp, question_id: str) -> None:
    """Ask the facilitator for the agreed answer (a level or N/A with its reason), then a
    note recording the discussion, and store it as the workload's answer."""
    from mllens_tui.app.screens.dialogs import Choose, TextPrompt, keys_text

    workload = app.current
    if workload is None:
        return
    lens = workload.lens
    question = lens.question(question_id)
    if question is None or question.kind != "level":
        app.notify("Workshops agree on levels; answer choice questions on their screen.")
        return
    state = workload.workshop.questions.get(question_id) if workload.workshop else None
    hint = f"ballots: {state.spread.text}" if state and state.spread else "ballots not revealed"
    # Keyed as on the question screen: a level by its digit, N/A reasons by letters.
    options = [(str(lv.level), lv.name) for lv in lens.levels]
    options += [(f"na:{r.value}", f"N/A: {r.label}") for r in NAReason]
    keys = [str(lv.level) for lv in lens.levels] + [NA_REASON_KEYS[r] for r in NAReason]
    current = workload.answers.get(question_id)
    name = workload.name
    expected = workload.revisions.get(question_id, 0)

    def chosen(value: str | None) -> None:
        if value is None:
            return

        def noted(note: str | None) -> None:
            if note is None:
                return
            na = value.startswith("na:")
            # Target, evidence and confidence stay as they were; the level and note are new.
            answer = replace(
                current or Answer(question_id),
                level=None if na else int(value),
                not_applicable=na,
                reason=NAReason(value.removeprefix("na:")) if na else None,
                choices=None,
                notes=note,
                answered_at=None,
                answered_by=app.participant,  # the facilitator agrees it, whoever answered
            )
            by = app.participant
            run_store_action(
                app,
                lambda store: _agree(store, name, answer, by, expected),
                failed="Not agreed",
            )

        app.push_screen(
            TextPrompt(
                f"{question_id}: what did the group conclude?",
                value=current.notes if current else "",
                hint="a note recording the discussion (may be empty); enter to agree",
                validate=lambda _text: None,
            ),
            noted,
        )

    median = state.spread.median if state and state.spread else None
    start = str(round(median)) if median is not None else None
    app.push_screen(
        Choose(
            f"Agreed answer for {question_id}",
            options,
            current=start,
            hint=f"{hint} · {keys_text(keys)} or arrows and enter (the median is "
            "highlighted) · escape cancels",
            keys=keys,
        ),
        chosen,
    )


def _agree(store: Store, name: str, answer: Answer, by: str, expected: int) -> str:
    from mllens_tui.store.answers import describe_answer

    saved = store.agree(name, answer, by=by, expect_revision=expected)
    return f"{answer.question_id} agreed at {describe_answer(saved.answer)}"


def reveal(app: MLLensApp, question_ids: list[str] | None) -> None:
    """Reveal these questions' ballots (None: every question with hidden ballots)."""
    workload = app.current
    if workload is None:
        return
    name, by = workload.name, app.participant

    def action(store: Store) -> str:
        shown = store.reveal(name, question_ids, by=by)
        return f"Revealed {', '.join(shown)}" if shown else "Nothing left to reveal"

    run_store_action(app, action)


def ballots_text(state: WorkshopQuestion) -> str:
    return ", ".join(f"{b.participant} {b.label}" for b in state.visible)

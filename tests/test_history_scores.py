"""Milestone scores kept with the milestone (schema 5): the history read from them equals the
replay of the milestone's answers, for any answers, profile and lens; scores missing, kept
under another lens or unreadable are replayed and written back; db copy keeps them."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mllens_tui.assessment import Answer, Confidence, NAReason, Profile
from mllens_tui.lens.aws_json import load_aws_lens
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import score
from mllens_tui.snapshot import MilestoneInfo, Snapshot
from mllens_tui.store import Store
from mllens_tui.store.copy import copy_database
from mllens_tui.store.rows import MILESTONE

FIXTURE_LENSES = Path(__file__).parent / "fixtures" / "lenses"


def choice_lens() -> Lens:
    return load_aws_lens(FIXTURE_LENSES / "feature-store-lens.json")


@st.composite
def answer_sets(draw: st.DrawFn, lens: Lens) -> dict[str, Answer]:
    """Any answers a user can give to some of the lens's questions."""
    answers: dict[str, Answer] = {}
    for question in draw(st.lists(st.sampled_from(lens.questions), unique=True)):
        kind = draw(st.sampled_from(["value", "na", "notes"]))
        common = {
            "notes": draw(st.sampled_from(["", "why"])),
            "confidence": draw(st.sampled_from([None, *Confidence])),
        }
        if kind == "na":
            answer = Answer(
                question.id, not_applicable=True, reason=draw(st.sampled_from(NAReason)), **common
            )
        elif kind == "notes":
            answer = Answer(question.id, **common)
        elif lens.is_choice_based:
            ids = [c.id for c in question.choices]
            picked = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
            answer = Answer(question.id, choices=tuple(picked), **common)
        else:
            levels = [level.level for level in lens.levels]
            answer = Answer(
                question.id,
                level=draw(st.sampled_from(levels)),
                target=draw(st.sampled_from([None, *levels])),
                **common,
            )
        answers[question.id] = answer
    return answers


@st.composite
def profiles(draw: st.DrawFn, lens: Lens) -> Profile:
    pillars = draw(st.lists(st.sampled_from([p.id for p in lens.pillars]), unique=True))
    weights = {p: draw(st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.0])) for p in pillars}
    levels = [level.level for level in lens.levels] or [3]
    return Profile(draw(st.sampled_from(levels)), weights)


def forget_scores(store: Store, lens_hash: str | None = None, scores: str | None = None) -> None:
    with store._session(write=True) as session:
        session.execute(MILESTONE.update().values(scores=scores, scores_lens_hash=lens_hash))


def kept(store: Store) -> list[tuple[str, str | None]]:
    with store._session(write=False) as session:
        return [
            (r.name, r.scores_lens_hash)
            for r in session.execute(
                MILESTONE.select().order_by(MILESTONE.c.created_at, MILESTONE.c.id)
            )
        ]


def as_seen(points: list) -> list[tuple[object, ...]]:  # type: ignore[type-arg]
    return [(p.label, p.kind, p.at, p.overall, dict(p.pillars), p.answered) for p in points]


@pytest.mark.parametrize("which", ["ml", "choices"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_kept_scores_equal_the_replay(which: str, ml_lens: Lens, data: st.DataObject) -> None:
    lens = ml_lens if which == "ml" else choice_lens()
    with Store.open("sqlite://") as store:
        profile = data.draw(profiles(lens))
        store.create_workload(
            "w", lens, default_target=profile.default_target, pillar_weights=profile.pillar_weights
        )
        expected = []
        for index in range(data.draw(st.integers(1, 3))):
            answers = data.draw(answer_sets(lens))
            imported = Snapshot(
                lens.id,
                lens.version,
                lens.content_hash,
                "w",
                profile=data.draw(profiles(lens)),
                answers=answers,
                milestone=MilestoneInfo(f"m{index}", _at(index)),
            )
            store.import_snapshot(imported, lens, as_milestone=True)
            scores = score(lens, answers, imported.profile)
            expected.append((scores.overall.score, {k: g.score for k, g in scores.pillars.items()}))
        for answer in data.draw(answer_sets(lens)).values():
            store.set_answer("w", answer)
        store.create_milestone("w", "now", lens)
        scores = score(lens, store.answers("w"), profile)
        expected.append((scores.overall.score, {k: g.score for k, g in scores.pillars.items()}))

        from_kept = store.history_series("w", lens)
        assert [name for name, lens_hash in kept(store) if lens_hash != lens.content_hash] == []
        assert [(p.overall, dict(p.pillars)) for p in from_kept if p.kind == "milestone"] == (
            expected
        )
        forget_scores(store)
        assert as_seen(store.history_series("w", lens)) == as_seen(from_kept)
        # Replayed once, then kept: the next read uses the scores written back.
        assert {h for _, h in kept(store)} == {lens.content_hash}
        assert as_seen(store.history_series("w", lens)) == as_seen(from_kept)


def _at(index: int):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 11, 1 + index, 9, 0, tzinfo=UTC)


def test_scores_under_another_lens_or_unreadable_are_replayed(
    backend_url: str, ml_lens: Lens
) -> None:
    with Store.open(backend_url) as store:
        store.create_workload("w", ml_lens, pillar_weights={"security": 2.0})
        store.set_answer("w", Answer("MLOE-01", level=3))
        store.create_milestone("w", "first", ml_lens)
        store.set_answer("w", Answer("MLSEC-01", level=1))
        store.create_milestone("w", "second", ml_lens)
        expected = as_seen(store.history_series("w", ml_lens))
        assert [p.overall for p in store.history_series("w", ml_lens, include_changes=False)] == [
            m.overall_score for m in store.list_milestones("w")
        ]

        # Kept for another version of the lens: this one's scores replace them.
        forget_scores(store, lens_hash="another lens", scores='{"overall": 0.0}')
        assert as_seen(store.history_series("w", ml_lens)) == expected
        assert kept(store) == [("first", ml_lens.content_hash), ("second", ml_lens.content_hash)]

        # Damaged under this lens's hash: never shown, replayed.
        for damaged in ("{", '{"overall": 1, "pillars": {}, "answered": 0}', "[]"):
            forget_scores(store, lens_hash=ml_lens.content_hash, scores=damaged)
            assert as_seen(store.history_series("w", ml_lens)) == expected

        # A lens whose content differs scores the milestones itself and keeps that.
        other = replace(ml_lens, content_hash="edited")
        assert as_seen(store.history_series("w", other)) == expected
        assert kept(store) == [("first", "edited"), ("second", "edited")]


def test_exported_renamed_and_imported_milestones_keep_their_points(
    backend_url: str, ml_lens: Lens
) -> None:
    with Store.open(backend_url) as store:
        store.create_workload("w", ml_lens)
        for level, name in ((1, "a"), (2, "b"), (4, "c")):
            store.set_answer("w", Answer("MLOE-01", level=level))
            store.create_milestone("w", name, ml_lens)
        records, points = store.history("w", ml_lens, include_changes=False)
        assert [r.name for r in records] == [p.label for p in points] == ["a", "b", "c"]
        assert [r.overall_score for r in records] == [p.overall for p in points]
        store.rename_workload("w", "renamed")
        assert as_seen(store.history_series("renamed", ml_lens, include_changes=False)) == (
            as_seen(points)
        )
        store.create_workload("copy", ml_lens)
        exported = store.milestone_snapshot("renamed", "b")
        store.import_snapshot(exported, ml_lens, workload="copy", as_milestone=True)
        (copied,) = store.history_series("copy", ml_lens, include_changes=False)
        assert as_seen([copied]) == as_seen(points[1:2])


def test_an_older_database_gets_its_milestone_scores_on_first_read(
    tmp_path: Path, ml_lens: Lens
) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        store.create_workload("w", ml_lens)
        store.set_answer("w", Answer("MLOE-01", level=2))
        store.create_milestone("w", "m", ml_lens)
        expected = as_seen(store.history_series("w", ml_lens))
    # As schema 4 left it: no kept scores.
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE milestone SET scores = NULL, scores_lens_hash = NULL")
    with Store.open(url) as store:
        assert as_seen(store.history_series("w", ml_lens)) == expected
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT scores_lens_hash FROM milestone").fetchall() == [
            (ml_lens.content_hash,)
        ]


def test_db_copy_keeps_the_milestone_scores(tmp_path: Path, ml_lens: Lens) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    with Store.open(source) as store:
        store.create_workload("w", ml_lens)
        store.set_answer("w", Answer("MLOE-01", level=3))
        store.create_milestone("w", "m", ml_lens)
    copy_database(source, target)
    columns = "name, scores, scores_lens_hash"
    with sqlite3.connect(tmp_path / "a.db") as a, sqlite3.connect(tmp_path / "b.db") as b:
        rows = a.execute(f"SELECT {columns} FROM milestone").fetchall()
        assert rows == b.execute(f"SELECT {columns} FROM milestone").fetchall()
        assert rows[0][1] and rows[0][2] == ml_lens.content_hash

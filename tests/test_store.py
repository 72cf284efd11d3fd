"""The store's service: workloads, answers with history, snapshots, milestones, the series."""

from __future__ import annotations

import random
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership, Profile
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import score
from mllens_tui.snapshot import dumps
from mllens_tui.store import Store, migrations
from mllens_tui.store.errors import AlreadyExists, InvalidInput, NotFound


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as opened:
        yield opened


def at(second: int) -> datetime:
    return datetime(2026, 11, 28, 10, 0, second, tzinfo=UTC)


def test_open_creates_private_directory_and_file(isolated_data: Path, db_url: str) -> None:
    assert not isolated_data.exists()
    with Store.open(db_url) as store:
        store.create_workload("w", _lens())
        assert stat.S_IMODE(isolated_data.stat().st_mode) == 0o700
        for name in ("mllens.db", "mllens.db-wal", "mllens.db-shm"):
            assert stat.S_IMODE((isolated_data / name).stat().st_mode) == 0o600, name
    assert store.schema_version == migrations.latest_version()


def test_open_uses_the_default_url_from_the_environment(isolated_data: Path) -> None:
    with Store.open() as store:
        assert store.path == isolated_data / "mllens.db"
        store.create_workload("w", _lens())
    with Store.open() as store:
        assert [w.name for w in store.list_workloads()] == ["w"]


def test_in_memory_database(ml_lens: Lens) -> None:
    with Store.open("sqlite://") as store:
        store.create_workload("w", ml_lens)
        store.set_answer("w", Answer("MLOE-01", level=2))
        assert store.answers("w")["MLOE-01"].level == 2


def _lens() -> Lens:
    from mllens_tui.lens.registry import builtin_lens

    return builtin_lens()


# -- workloads -----------------------------------------------------------------------------------


def test_workload_lifecycle(store: Store, ml_lens: Lens) -> None:
    created = store.create_workload(
        "fraud",
        ml_lens,
        description="Card fraud scoring",
        environment="production",
        default_target=4,
        pillar_weights={"security": 2},
    )
    assert created.lens_id == "aws-ml-lens" and created.lens_hash == ml_lens.content_hash
    assert created.pillar_weights == {"security": 2.0} and created.default_target == 4
    assert created.answered_count == 0 and created.created_at.tzinfo is UTC
    with pytest.raises(AlreadyExists) as info:
        store.create_workload("fraud", ml_lens)
    assert info.value.exit_code == 1
    store.create_workload("churn", ml_lens)
    assert [w.name for w in store.list_workloads()] == ["churn", "fraud"]

    updated = store.update_workload("fraud", environment="staging", pillar_weights={})
    assert updated.environment == "staging" and updated.pillar_weights == {}
    assert updated.description == "Card fraud scoring" and updated.default_target == 4

    with pytest.raises(AlreadyExists):
        store.rename_workload("fraud", "churn")
    renamed = store.rename_workload("fraud", "card-fraud")
    assert renamed.id == created.id
    with pytest.raises(NotFound) as missing:
        store.get_workload("fraud")
    assert "no workload named 'fraud'" in missing.value.message

    store.delete_workload("card-fraud")
    assert [w.name for w in store.list_workloads()] == ["churn"]
    with pytest.raises(NotFound):
        store.delete_workload("card-fraud")


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("", {}, "cannot be empty"),
        (" padded", {}, "leading or trailing spaces"),
        ("w", {"default_target": 9}, "target 9 is not a level"),
        ("w", {"pillar_weights": {"nope": 1.0}}, "unknown pillar 'nope'"),
        ("w", {"pillar_weights": {"security": 0}}, "greater than 0"),
    ],
)
def test_create_workload_refuses_bad_values(
    store: Store, ml_lens: Lens, name: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        store.create_workload(name, ml_lens, **kwargs)  # type: ignore[arg-type]
    assert message in info.value.message
    assert store.list_workloads() == []


def test_emptying_the_trash_removes_answers_history_milestones_and_owners(
    store: Store, ml_lens: Lens, db_url: str
) -> None:
    import sqlite3

    store.create_workload("w", ml_lens)
    store.set_answer("w", Answer("MLOE-01", level=2))
    store.set_ownership("w", "MLOE-01", Ownership("Ana"))
    store.create_milestone("w", "m", ml_lens)
    store.delete_workload("w")
    assert store.list_workloads() == []
    assert store.empty_trash() == 1
    assert store.trash() == []
    path = db_url.removeprefix("sqlite:///")
    tables = ("answer", "answer_change", "milestone", "milestone_answer", "workload", "plan_item")
    with sqlite3.connect(path) as conn:
        for table in tables:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


# -- answers and history -------------------------------------------------------------------------


def test_set_answer_stores_it_with_time_and_history(store: Store, ml_lens: Lens) -> None:
    store.create_workload("w", ml_lens)
    before = datetime.now(UTC).replace(microsecond=0)
    stored = store.set_answer(
        "w", Answer("MLOE-01", level=2, notes="runbook", answered_by="ann", target=4)
    )
    assert stored.answered_at is not None and stored.answered_at >= before
    assert stored.answered_at.microsecond == 0
    assert store.answers("w") == {"MLOE-01": stored}

    given = at(5)
    changed = store.set_answer(
        "w",
        replace(
            stored, level=3, confidence=Confidence.EVIDENCED, answered_by="bo", answered_at=given
        ),
    )
    assert changed.answered_at == given
    history = store.answer_history("w", "MLOE-01")
    assert [(c.field, c.old, c.new, c.by) for c in history] == [
        ("level", None, 2, "ann"),
        ("target", None, 4, "ann"),
        ("notes", "", "runbook", "ann"),
        ("level", 2, 3, "bo"),
        ("confidence", None, "evidenced", "bo"),
    ]
    assert [c.revision for c in history] == [1, 1, 1, 2, 2]
    record = store.get_workload("w")
    assert record.answered_count == 1


def test_na_choices_and_clear(store: Store, ml_lens: Lens) -> None:
    store.create_workload("w", ml_lens)
    store.set_answer("w", Answer("MLOE-01", level=1))
    na = store.set_answer(
        "w", Answer("MLOE-01", not_applicable=True, reason=NAReason.BUSINESS_PRIORITIES)
    )
    assert na.status == "not_applicable"
    record = store.get_workload("w")
    assert (record.answered_count, record.not_applicable_count) == (0, 1)
    with pytest.raises(InvalidInput):
        store.set_answer("w", Answer("MLOE-02", level=1, not_applicable=True))
    # a level answer keeps no N/A reason
    assert store.set_answer("w", Answer("MLOE-02", level=1, reason=NAReason.OTHER)).reason is None

    store.clear_answer("w", "MLOE-01", by="ann")
    assert "MLOE-01" not in store.answers("w")
    last = [c for c in store.answer_history("w", "MLOE-01") if c.revision == 4]
    assert {(c.field, c.old, c.new, c.by) for c in last} == {
        ("not_applicable", True, False, "ann"),
        ("reason", "business_priorities", None, "ann"),
    }
    store.clear_answer("w", "MLOE-01")  # already clear: nothing happens
    assert len(store.answer_history("w")) == 7
    with pytest.raises(NotFound):
        store.set_answer("nope", Answer("MLOE-01", level=1))


def test_unchanged_answer_adds_no_history(store: Store, ml_lens: Lens) -> None:
    store.create_workload("w", ml_lens)
    store.set_answer("w", Answer("MLOE-01", level=2))
    store.set_answer("w", Answer("MLOE-01", level=2, answered_by="again"))
    assert len(store.answer_history("w")) == 1


def test_store_is_safe_to_share_between_threads(store: Store, ml_lens: Lens) -> None:
    store.create_workload("w", ml_lens)
    questions = [q.id for q in ml_lens.questions[:40]]
    errors: list[BaseException] = []

    def answer(ids: list[str]) -> None:
        try:
            for qid in ids:
                store.set_answer("w", Answer(qid, level=3))
                store.answers("w")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(questions[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(store.answers("w")) == set(questions)
    assert sorted({c.revision for c in store.answer_history("w")}) == list(range(1, 41))


# -- snapshots and milestones --------------------------------------------------------------------


def rich_answers(lens: Lens) -> list[Answer]:
    return [
        Answer(
            "MLOE-01",
            level=3,
            target=4,
            notes='Runbook "v2"\nline two',
            answered_by="ann",
            confidence=Confidence.VERIFIED,
            evidence="https://wiki/x",
            answered_at=at(1),
        ),
        Answer("MLOE-02", not_applicable=True, reason=NAReason.OUT_OF_SCOPE, answered_at=at(2)),
        Answer("MLSEC-01", level=0, answered_at=at(3)),
        Answer("MLSUS-16", notes="not yet answered, but noted", answered_at=at(4)),
    ]


def test_snapshot_round_trip_through_a_fresh_database(
    store: Store, ml_lens: Lens, tmp_path: Path
) -> None:
    store.create_workload(
        "w", ml_lens, description="d", environment="prod", pillar_weights={"security": 1.5}
    )
    for answer in rich_answers(ml_lens):
        store.set_answer("w", answer)
    snapshot = store.snapshot("w")
    text = dumps(snapshot, ml_lens)
    assert "exported_at = 2026-11-28 10:00:04" in text
    with Store.open(f"sqlite:///{tmp_path / 'other.db'}") as other:
        other.import_snapshot(snapshot, ml_lens)
        again = other.snapshot("w")
    assert dumps(again, ml_lens) == text
    assert again.answers == snapshot.answers


def test_import_updates_answers_to_exactly_the_snapshot(store: Store, ml_lens: Lens) -> None:
    store.create_workload("w", ml_lens)
    store.set_answer("w", Answer("MLREL-01", level=4))
    for answer in rich_answers(ml_lens):
        store.set_answer("w", answer)
    snapshot = store.snapshot("w")
    store.set_answer("w", Answer("MLOE-01", level=0))
    store.set_answer("w", Answer("MLCOST-01", level=2))
    store.clear_answer("w", "MLREL-01")
    revisions = {c.revision for c in store.answer_history("w")}

    store.import_snapshot(snapshot, ml_lens)
    assert store.answers("w") == snapshot.answers
    # the whole import is one revision in the history
    assert len({c.revision for c in store.answer_history("w")} - revisions) == 1


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        # our own lens, and a real one where ../shared/lenses/ is beside the checkout (CI)
        pytest.param("fixture_lenses", "experiment-tracking-lens.json", id="fixture"),
        pytest.param("shared_lenses", "Passport-Custom-Lens.json", id="shared"),
    ],
)
def test_import_refuses_a_workload_of_another_lens(
    store: Store, ml_lens: Lens, request: pytest.FixtureRequest, folder: str, name: str
) -> None:
    from mllens_tui.lens.aws_json import load_aws_lens
    from mllens_tui.snapshot import Snapshot

    other = load_aws_lens(request.getfixturevalue(folder) / name)
    store.create_workload("w", ml_lens)
    snap = Snapshot(other.id, other.version, other.content_hash, "w")
    with pytest.raises(InvalidInput) as info:
        store.import_snapshot(snap, other)
    assert "assessed against lens 'aws-ml-lens'" in info.value.message


def test_milestone_never_changes_after_later_answers(store: Store, ml_lens: Lens) -> None:
    store.create_workload("w", ml_lens, description="before")
    for answer in rich_answers(ml_lens):
        store.set_answer("w", answer)
    created = store.create_milestone("w", "Q4 review", ml_lens)
    expected = score(ml_lens, store.answers("w"), Profile()).overall.score
    assert created.overall_score == pytest.approx(expected)
    assert created.answered_count == 2
    frozen = dumps(store.milestone_snapshot("w", "Q4 review"), ml_lens)
    assert "[milestone]" in frozen and 'name = "Q4 review"' in frozen

    store.set_answer("w", Answer("MLOE-01", level=0, notes="changed"))
    store.clear_answer("w", "MLSEC-01")
    store.set_answer("w", Answer("MLREL-02", level=4))
    store.update_workload("w", description="after", pillar_weights={"security": 3.0})
    store.rename_workload("w", "renamed")

    assert dumps(store.milestone_snapshot("renamed", "Q4 review"), ml_lens) == frozen
    [listed] = store.list_milestones("renamed")
    assert listed == replace(created, workload="renamed")
    with pytest.raises(AlreadyExists):
        store.create_milestone("renamed", "Q4 review", ml_lens)
    with pytest.raises(NotFound):
        store.milestone_snapshot("renamed", "nope")


def test_milestone_import_round_trip(store: Store, ml_lens: Lens, tmp_path: Path) -> None:
    store.create_workload("w", ml_lens)
    for answer in rich_answers(ml_lens):
        store.set_answer("w", answer)
    store.create_milestone("w", "m1", ml_lens)
    snapshot = store.milestone_snapshot("w", "m1")
    with Store.open(f"sqlite:///{tmp_path / 'other.db'}") as other:
        record = other.import_snapshot(snapshot, ml_lens, as_milestone=True)
        assert record.answered_count == 0  # the workload's own answers are untouched
        again = other.milestone_snapshot("w", "m1")
        assert dumps(again, ml_lens) == dumps(snapshot, ml_lens)
        [listed] = other.list_milestones("w")
        assert listed.created_at == snapshot.milestone.created_at  # type: ignore[union-attr]
        with pytest.raises(AlreadyExists):
            other.import_snapshot(snapshot, ml_lens, as_milestone=True)


def test_milestones_are_listed_oldest_first(store: Store, ml_lens: Lens) -> None:
    from mllens_tui.snapshot import MilestoneInfo, Snapshot

    store.create_workload("w", ml_lens)
    store.create_milestone("w", "now", ml_lens)
    old = Snapshot(
        ml_lens.id,
        ml_lens.version,
        ml_lens.content_hash,
        "w",
        milestone=MilestoneInfo("old", at(0)),
    )
    store.import_snapshot(old, ml_lens, as_milestone=True)
    plain = Snapshot(
        ml_lens.id,
        ml_lens.version,
        ml_lens.content_hash,
        "w",
        answers={"MLOE-01": Answer("MLOE-01", level=1, answered_at=at(9))},
    )
    store.import_snapshot(plain, ml_lens, as_milestone=True)
    assert [m.name for m in store.list_milestones("w")] == [
        "old",
        "imported 2026-11-28 10:00:09",
        "now",
    ]


# -- the score over time -------------------------------------------------------------------------


def random_answer(rng: random.Random, lens: Lens) -> Answer:
    question = rng.choice(lens.questions)
    roll = rng.random()
    if roll < 0.15:
        return Answer(question.id, not_applicable=True, reason=NAReason.OTHER)
    if roll < 0.25:
        return Answer(question.id, notes="only notes")
    return Answer(question.id, level=rng.randint(0, 4), target=rng.choice([None, 2, 4]))


def test_history_series_matches_scoring_at_every_point(store: Store, ml_lens: Lens) -> None:
    rng = random.Random(7)
    profile = Profile(default_target=3, pillar_weights={"security": 2.0, "reliability": 0.5})
    store.create_workload("w", ml_lens, pillar_weights=profile.pillar_weights)
    expected: list[tuple[str, float | None, dict[str, float | None]]] = []

    def record(kind: str, answers: dict[str, Answer], prof: Profile) -> None:
        scores = score(ml_lens, answers, prof)
        pillars = {k: g.score for k, g in scores.pillars.items()}
        expected.append((kind, scores.overall.score, pillars))

    for step in range(60):
        if step % 15 == 14:
            store.create_milestone("w", f"m{step}", ml_lens)
            record("milestone", store.answers("w"), profile)
        elif step % 11 == 10:
            store.clear_answer("w", rng.choice(list(store.answers("w"))))
            record("change", store.answers("w"), profile)
        else:
            before = store.answer_history("w")
            store.set_answer("w", random_answer(rng, ml_lens))
            if len(store.answer_history("w")) > len(before):
                record("change", store.answers("w"), profile)

    points = store.history_series("w", ml_lens)
    assert [(p.kind, p.overall, dict(p.pillars)) for p in points] == expected
    assert all(p.at.tzinfo is UTC for p in points)
    only_milestones = store.history_series("w", ml_lens, include_changes=False)
    assert [p.label for p in only_milestones] == ["m14", "m29", "m44", "m59"]


def test_series_labels(store: Store, ml_lens: Lens) -> None:
    from mllens_tui.snapshot import Snapshot

    store.create_workload("w", ml_lens)
    store.set_answer("w", Answer("MLOE-01", level=2, answered_by="ann"))
    store.set_answer("w", Answer("MLOE-01", not_applicable=True, reason=NAReason.OTHER))
    store.create_milestone("w", "first", ml_lens)
    answers = {q.id: Answer(q.id, level=1) for q in ml_lens.questions[:12]}
    store.import_snapshot(
        Snapshot(ml_lens.id, ml_lens.version, ml_lens.content_hash, "w", answers=answers), ml_lens
    )
    points = store.history_series("w", ml_lens)
    assert [(p.kind, p.label) for p in points] == [
        ("change", "MLOE-01 level - -> 2"),
        ("change", "MLOE-01 level 2 -> -, N/A"),
        ("milestone", "first"),
        ("change", "12 answers changed"),
    ]
    assert points[0].by == "ann" and points[0].answered == 1 and points[1].answered == 0

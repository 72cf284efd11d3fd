"""TOML snapshots: byte-identical round trips, and every bad input reported with its key path."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership, Profile
from mllens_tui.files import write_atomic
from mllens_tui.inputs import name_problem
from mllens_tui.lens.model import Lens
from mllens_tui.lens.registry import builtin_lens, find_lens
from mllens_tui.problems import InputError
from mllens_tui.snapshot import (
    MilestoneInfo,
    Snapshot,
    compare,
    dumps,
    parse_snapshot,
    read_snapshot_file,
)

LENS = builtin_lens()
QIDS = [q.id for q in LENS.questions]
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"), max_size=40)
# Names as the store takes them: no control characters, no surrounding spaces.
NAMES = TEXT.filter(lambda name: name_problem(name, "workload") is None)
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def answers(draw: st.DrawFn, qid: str) -> Answer:
    kind = draw(st.sampled_from(["level", "na", "notes_only"]))
    common = dict(
        target=draw(st.one_of(st.none(), st.integers(0, 4))),
        notes=draw(TEXT),
        evidence=draw(TEXT),
        confidence=draw(st.one_of(st.none(), st.sampled_from(list(Confidence)))),
        answered_by=draw(TEXT),
        answered_at=draw(st.one_of(st.none(), MOMENTS)),
    )
    if kind == "level":
        return Answer(qid, level=draw(st.integers(0, 4)), **common)  # type: ignore[arg-type]
    if kind == "na":
        return Answer(
            qid, not_applicable=True, reason=draw(st.sampled_from(list(NAReason))), **common
        )  # type: ignore[arg-type]
    return Answer(qid, **common)  # type: ignore[arg-type]


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    qids = draw(st.lists(st.sampled_from(QIDS), unique=True, max_size=30))
    milestone = draw(st.one_of(st.none(), st.builds(MilestoneInfo, NAMES, MOMENTS)))
    return Snapshot(
        lens_id=LENS.id,
        lens_version=LENS.version,
        content_hash=LENS.content_hash,
        workload_name=draw(NAMES),
        description=draw(TEXT),
        profile=Profile(
            default_target=draw(st.integers(0, 4)),
            pillar_weights=draw(
                st.dictionaries(st.sampled_from([p.id for p in LENS.pillars]), st.floats(0.1, 10))
            ),
        ),
        answers={q: draw(answers(q)) for q in qids},
        milestone=milestone,
        plan=draw(
            st.dictionaries(
                st.sampled_from(QIDS),
                st.builds(
                    Ownership,
                    st.one_of(st.just(""), NAMES),
                    st.one_of(st.none(), st.dates()),
                ).filter(lambda o: not o.empty),
                max_size=5,
            )
        ),
        tags=draw(
            st.one_of(st.none(), st.lists(NAMES, unique_by=str.casefold, max_size=4).map(tuple))
        ),
    )


def reparse(text: str) -> tuple[Snapshot, Lens]:
    return parse_snapshot(tomllib.loads(text), "mem.toml", find_lens)


@settings(max_examples=60, deadline=None)
@given(snapshots())
def test_export_import_export_is_byte_identical(snapshot: Snapshot) -> None:
    first = dumps(snapshot, LENS)
    again, lens = reparse(first)
    assert dumps(again, lens) == first


def test_keys_are_written_in_lens_order() -> None:
    snap = Snapshot(
        LENS.id,
        LENS.version,
        LENS.content_hash,
        "W",
        answers={q: Answer(q, level=1) for q in ("MLSUS-01", "MLOE-02", "MLSEC-01")},
    )
    text = dumps(snap, LENS)
    positions = [text.index(f"[answers.{q}]") for q in ("MLOE-02", "MLSEC-01", "MLSUS-01")]
    assert positions == sorted(positions)
    assert text.startswith('format = "mllens.snapshot"\nformat_version = 1\n')


def test_notes_without_level_is_unanswered_and_kept() -> None:
    snap, _ = reparse(
        'format = "mllens.snapshot"\nformat_version = 1\n[lens]\nid = "aws-ml-lens"\n'
        '[workload]\nname = "W"\n[answers.MLOE-01]\nnotes = "still discussing"\n'
    )
    assert snap.answers["MLOE-01"].status == "unanswered"
    assert snap.answers["MLOE-01"].notes == "still discussing"


def test_scores_table_is_ignored_on_import() -> None:
    snap = Snapshot(
        LENS.id,
        LENS.version,
        LENS.content_hash,
        "W",
        answers={"MLOE-01": Answer("MLOE-01", level=4)},
    )
    text = dumps(snap, LENS).replace("overall = 1.0", "overall = 0.1")
    assert "overall = 0.1" in text
    again, lens = reparse(text)
    assert "overall = 1.0" in dumps(again, lens)


GOOD = """\
format = "mllens.snapshot"
format_version = 1

[lens]
id = "aws-ml-lens"

[workload]
name = "Fraud scoring"

[answers.MLOE-01]
level = 2
"""


def problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "snap.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        read_snapshot_file(path, find_lens)
    return [str(p) for p in info.value.problems]


def test_malformed_toml_gives_line_and_column(tmp_path: Path) -> None:
    [message] = problems(GOOD.replace("level = 2", "level = = 2"), tmp_path)
    assert "snap.toml" in message and "line 11" in message and "column" in message


def test_wrong_format(tmp_path: Path) -> None:
    [message] = problems(GOOD.replace("mllens.snapshot", "something.else"), tmp_path)
    assert "format: expected 'mllens.snapshot', got 'something.else'" in message


def test_newer_format_version(tmp_path: Path) -> None:
    [message] = problems(GOOD.replace("format_version = 1", "format_version = 7"), tmp_path)
    assert "7 was written by a newer mllens-tui" in message and "reads format_version 1" in message


def test_every_problem_in_one_report(tmp_path: Path) -> None:
    text = GOOD + (
        "\n[workload.pillar_weights]\nsecurity = 0\nnope = 1.0\n"
        "[answers.MLOE-99]\nlevel = 1\n"
        "[answers.MLOE-02]\nlevel = 7\n"
        "[answers.MLOE-03]\nnot_applicable = true\n"
        '[answers.MLOE-04]\nlevel = 1\nconfidence = "sure"\n'
        '[answers.MLOE-05]\nnot_applicable = true\nreason = "lazy"\n'
    )
    messages = problems(text, tmp_path)
    expected = [
        "workload.pillar_weights.security: expected a number greater than 0, got 0",
        "workload.pillar_weights.nope: unknown pillar",
        "answers.MLOE-99: unknown question id 'MLOE-99' in lens 'aws-ml-lens'",
        "answers.MLOE-02.level: expected a level from 0 to 4, got 7",
        "answers.MLOE-03.reason: an N/A answer needs a reason",
        "answers.MLOE-04.confidence: expected one of asserted | evidenced | verified",
        "answers.MLOE-05.reason: expected one of out_of_scope",
    ]
    for fragment in expected:
        assert any(fragment in m for m in messages), fragment
    assert len(messages) == len(expected)


def test_lens_not_installed(tmp_path: Path) -> None:
    [message] = problems(GOOD.replace('id = "aws-ml-lens"', 'id = "other-lens"'), tmp_path)
    assert "lens.id: lens 'other-lens' is not installed" in message


def test_atomic_write_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.toml"
    target.write_text("old")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.toml"]


def test_compare_lists_every_kind_of_change() -> None:
    def snap(answers: dict[str, Answer]) -> Snapshot:
        return Snapshot(LENS.id, LENS.version, LENS.content_hash, "W", answers=answers)

    a = snap(
        {
            "MLOE-01": Answer("MLOE-01", level=1),
            "MLOE-02": Answer("MLOE-02", level=3),
            "MLOE-03": Answer("MLOE-03", level=2),
            "MLOE-04": Answer("MLOE-04", level=2, target=3),
            "MLOE-06": Answer("MLOE-06", level=2),
        }
    )
    b = snap(
        {
            "MLOE-01": Answer("MLOE-01", level=3),
            "MLOE-02": Answer("MLOE-02", level=1),
            "MLOE-04": Answer("MLOE-04", level=2, target=4),
            "MLOE-05": Answer("MLOE-05", level=0),
            "MLOE-06": Answer("MLOE-06", not_applicable=True, reason=NAReason.OTHER),
        }
    )
    result = compare(a, LENS, b, LENS)
    assert [(c.question_id, c.change) for c in result.questions] == [
        ("MLOE-01", "improved"),
        ("MLOE-02", "regressed"),
        ("MLOE-03", "no_longer_answered"),
        ("MLOE-04", "target_changed"),
        ("MLOE-05", "newly_answered"),
        ("MLOE-06", "na_changed"),
    ]
    assert result.lens_changed is False and result.common_questions == 105
    assert result.pillars["operationalExcellence"].delta is not None


def test_atomic_write_keeps_a_files_permissions_and_gives_new_ones_the_umask(
    tmp_path: Path,
) -> None:
    import os
    import stat

    existing = tmp_path / "kept.toml"
    existing.write_text("old")
    existing.chmod(0o640)
    write_atomic(existing, "new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.toml"
    old = os.umask(0o022)
    try:
        write_atomic(fresh, "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644 and fresh.read_text() == "x"

"""The snapshot reader, exactly: each bad input gives the problem list a user reads (file, key
path, message), and each good one the snapshot it says, date-times normalised to UTC."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mllens_tui import __version__
from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership, Profile
from mllens_tui.lens.model import Choice, Lens, Pillar, Question
from mllens_tui.lens.registry import builtin_lens, find_lens
from mllens_tui.problems import InputError
from mllens_tui.snapshot import (
    Delta,
    MilestoneInfo,
    Snapshot,
    compare,
    dumps,
    last_change,
    read_snapshot_file,
    snapshot_to_dict,
    utc,
)

LENS = builtin_lens()
TOP = 'format = "mllens.snapshot"\nformat_version = 1\n'
HEAD = TOP + '[lens]\nid = "aws-ml-lens"\n[workload]\nname = "W"\n'
PILLARS = (
    "operationalExcellence, security, reliability, performance, costOptimization, sustainability"
)
ANSWER_KEYS = (
    "answered_at, answered_by, choices, confidence, evidence, level, not_applicable, notes, "
    "reason, target"
)
MOMENT = "expected a date-time such as 2026-11-28T10:00:00Z"

CHOICES = (Choice("a", "A"), Choice("b", "B"), Choice("c", "C"), Choice("q_no", "None"))
CHOICE_LENS = Lens(
    "choices",
    "Choices",
    "1",
    (Pillar("ops", "Operations"),),
    (),
    (),
    (
        Question("C1", "C1", "ops", None, 1.0, "?", choices=CHOICES),
        Question("C2", "C2", "ops", None, 1.0, "?", choices=CHOICES),
    ),
    "sha256:choices",
)


# Choices whose order in the question is not their alphabetical order.
BACKWARDS = replace(
    CHOICE_LENS,
    id="backwards",
    questions=(
        Question(
            "B1", "B1", "ops", None, 1.0, "?", choices=(Choice("zeta", "Z"), Choice("alpha", "A"))
        ),
    ),
)


def lens_for(lens_id: str) -> Lens | None:
    return {"choices": CHOICE_LENS, "backwards": BACKWARDS}.get(lens_id) or find_lens(lens_id)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "snap.toml"
    path.write_text(text)
    return path


def refused(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    """The (key path, message) of every problem, after checking each names the file."""
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_snapshot_file(path, lens_for)
    assert info.value.what == "snapshot"
    assert {p.source for p in info.value.problems} == {str(path)}
    return [(p.where, p.message) for p in info.value.problems]


def read(tmp_path: Path, text: str) -> Snapshot:
    snapshot, _ = read_snapshot_file(write(tmp_path, text), lens_for)
    return snapshot


# -- refused -----------------------------------------------------------------------------------


def test_not_a_snapshot_stops_at_the_format(tmp_path: Path) -> None:
    assert refused(tmp_path, 'format = "other"\n[lens]\nid = 3\n') == [
        ("format", "expected 'mllens.snapshot', got 'other': this is not an mllens snapshot")
    ]
    assert refused(tmp_path, "[lens]\n") == [
        ("format", "expected 'mllens.snapshot', got None: this is not an mllens snapshot")
    ]


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ('"1"', "expected an integer, got '1'"),
        ("true", "expected an integer, got True"),
        ("1.0", "expected an integer, got 1.0"),
        (
            "2",
            f"2 was written by a newer mllens-tui; this version ({__version__}) reads "
            "format_version 1",
        ),
    ],
)
def test_a_format_version_it_cannot_read_stops_there(
    tmp_path: Path, version: str, problem: str
) -> None:
    text = f'format = "mllens.snapshot"\nformat_version = {version}\ncolour = 1\n'
    assert refused(tmp_path, text) == [("format_version", problem)]


def test_format_version_below_one_is_reported_with_the_rest(tmp_path: Path) -> None:
    text = 'format = "mllens.snapshot"\nformat_version = 0\ncolour = 1\n'
    assert refused(tmp_path, text + HEAD.removeprefix(TOP)) == [
        ("format_version", "expected 1, got 0"),
        (
            "colour",
            "unknown key (expected one of: answers, exported_at, format, format_version, "
            "generator, lens, milestone, plan, scores, workload)",
        ),
    ]


def test_missing_tables(tmp_path: Path) -> None:
    assert refused(tmp_path, TOP) == [
        ("lens", "missing table [lens]"),
        ("lens.id", "missing (expected a string)"),
        ("workload", "missing table [workload]"),
        ("workload.name", "missing (expected a string)"),
    ]


def test_tables_of_the_wrong_type(tmp_path: Path) -> None:
    text = TOP + 'lens = "x"\nworkload = 3\nmilestone = 4\nanswers = [1]\n'
    assert refused(tmp_path, text) == [
        ("lens", "expected a table [lens], got str"),
        ("lens.id", "missing (expected a string)"),
        ("workload", "expected a table [workload], got int"),
        ("workload.name", "missing (expected a string)"),
        ("milestone", "expected a table [milestone], got int"),
        ("milestone.name", "missing (expected a string)"),
        ("milestone.created_at", f"missing ({MOMENT})"),
        ("answers", "expected tables [answers.<question id>]"),
    ]


def test_the_lens_table(tmp_path: Path) -> None:
    text = TOP + '[lens]\nid = "aws-ml-lens"\nversion = 2\ncontent_hash = []\nextra = 1\n'
    assert refused(tmp_path, text + '[workload]\nname = "W"\n') == [
        ("lens.extra", "unknown key (expected one of: content_hash, id, version)"),
        ("lens.version", "expected a string, got 2"),
        ("lens.content_hash", "expected a string, got []"),
    ]
    assert refused(tmp_path, TOP + '[lens]\nid = "  "\n[workload]\nname = "W"\n') == [
        ("lens.id", "expected a non-empty string, got '  '")
    ]
    assert refused(tmp_path, TOP + '[lens]\nid = "nope"\n[workload]\nname = "W"\n') == [
        ("lens.id", "lens 'nope' is not installed (see: mllens lens list)")
    ]


def test_the_workload_table(tmp_path: Path) -> None:
    text = TOP + '[lens]\nid = "aws-ml-lens"\n[workload]\nname = " W"\ndescription = 3\n'
    text += 'environment = "prod\\u0007"\ndefault_target = 9\npillar_weights = 2\ncolour = "red"\n'
    assert refused(tmp_path, text) == [
        (
            "workload.colour",
            "unknown key (expected one of: default_target, description, environment, name, "
            "pillar_weights, tags)",
        ),
        ("workload.name", "workload name ' W' has leading or trailing spaces"),
        ("workload.description", "expected a string, got 3"),
        (
            "workload.environment",
            "environment name 'prod\\x07' has a control character (U+0007) at character 5",
        ),
        ("workload.default_target", "expected a level from 0 to 4, got 9"),
        ("workload.pillar_weights", "expected a table of pillar id = weight"),
    ]


def test_pillar_weights(tmp_path: Path) -> None:
    text = HEAD + (
        "pillar_weights = {security = 0, nope = 1, reliability = '2', performance = 1001, "
        "costOptimization = 2}\n"
    )
    assert refused(tmp_path, text) == [
        ("workload.pillar_weights.security", "expected a number greater than 0, got 0"),
        ("workload.pillar_weights.nope", f"unknown pillar (expected one of: {PILLARS})"),
        (
            "workload.pillar_weights.reliability",
            "expected a number greater than 0 and at most 1000, got '2'",
        ),
        ("workload.pillar_weights.performance", "expected a number at most 1000, got 1001"),
    ]


def test_the_milestone_table(tmp_path: Path) -> None:
    assert refused(tmp_path, HEAD + "[milestone]\ncolour = 1\n") == [
        ("milestone.colour", "unknown key (expected one of: created_at, name)"),
        ("milestone.name", "missing (expected a string)"),
        ("milestone.created_at", f"missing ({MOMENT})"),
    ]
    text = HEAD + '[milestone]\nname = ""\ncreated_at = "today"\n'
    assert refused(tmp_path, text) == [
        ("milestone.name", "expected a non-empty string, got ''"),
        ("milestone.created_at", f"{MOMENT}, got 'today'"),
    ]
    text = HEAD + '[milestone]\nname = "Q1\\t"\ncreated_at = 2026-01-01T00:00:00Z\n'
    assert refused(tmp_path, text) == [
        ("milestone.name", "milestone name 'Q1\\t' has leading or trailing spaces")
    ]


def test_top_level_moment_and_generator(tmp_path: Path) -> None:
    text = TOP + "exported_at = 1969-12-31T23:59:59Z\ngenerator = 5\n" + HEAD.removeprefix(TOP)
    assert refused(tmp_path, text) == [
        (
            "exported_at",
            "1969-12-31T23:59:59+00:00 is out of range "
            "(expected from 1970-01-01T00:00:00Z to 9998-12-31T23:59:59Z)",
        ),
        ("generator", "expected a string, got 5"),
    ]


def test_every_problem_of_level_answers(tmp_path: Path) -> None:
    text = HEAD + (
        "[answers]\nMLOE-01 = 3\n"
        '[answers.MLOE-02]\nlevel = 1\nchoices = ["a"]\ncolour = 1\n'
        '[answers.MLOE-03]\nnot_applicable = "yes"\nreason = 7\n'
        '[answers.MLOE-04]\nnot_applicable = true\nlevel = 2\nreason = "other"\ntarget = -1\n'
        'confidence = "very"\nnotes = 1\nevidence = 2\nanswered_by = 3\nanswered_at = "now"\n'
        "[answers.MLOE-05]\nnot_applicable = true\n"
        "[answers.NOPE-1]\nlevel = 1\n"
    )
    assert refused(tmp_path, text) == [
        ("answers.MLOE-01", "expected a table"),
        ("answers.MLOE-02.colour", f"unknown key (expected one of: {ANSWER_KEYS})"),
        ("answers.MLOE-02.choices", "this question takes a level, not choices"),
        ("answers.MLOE-03.not_applicable", "expected true or false, got 'yes'"),
        (
            "answers.MLOE-03.reason",
            "expected one of out_of_scope | business_priorities | architecture_constraints | "
            "other, got 7",
        ),
        ("answers.MLOE-04", "an answer is either N/A or has a level or choices, not both"),
        ("answers.MLOE-04.target", "expected a level from 0 to 4, got -1"),
        (
            "answers.MLOE-04.confidence",
            "expected one of asserted | evidenced | verified, got 'very'",
        ),
        ("answers.MLOE-04.notes", "expected a string, got 1"),
        ("answers.MLOE-04.evidence", "expected a string, got 2"),
        ("answers.MLOE-04.answered_by", "expected a string, got 3"),
        ("answers.MLOE-04.answered_at", f"{MOMENT}, got 'now'"),
        ("answers.MLOE-05.reason", "an N/A answer needs a reason"),
        ("answers.NOPE-1", "unknown question id 'NOPE-1' in lens 'aws-ml-lens'"),
    ]


def test_na_with_choices_is_refused_too(tmp_path: Path) -> None:
    text = TOP + '[lens]\nid = "choices"\n[workload]\nname = "W"\n'
    text += '[answers.C1]\nnot_applicable = true\nreason = "other"\nchoices = ["a"]\n'
    assert refused(tmp_path, text) == [
        ("answers.C1", "an answer is either N/A or has a level or choices, not both")
    ]


def test_every_problem_of_choice_answers(tmp_path: Path) -> None:
    text = TOP + '[lens]\nid = "choices"\n[workload]\nname = "W"\ndefault_target = -1\n'
    text += '[answers.C1]\nlevel = 2\nchoices = ["a", 3]\ntarget = "x"\n'
    text += '[answers.C2]\nchoices = ["z", "a", "y"]\n'
    assert refused(tmp_path, text) == [
        ("workload.default_target", "expected a whole number from 0, got -1"),
        ("answers.C1.level", "this question takes choices, not a level"),
        ("answers.C1.choices", "expected an array of choice ids, got ['a', 3]"),
        ("answers.C1.target", "expected a whole number from 0, got 'x'"),
        ("answers.C2.choices", "unknown choice 'z' (expected any of: a, b, c, q_no)"),
        ("answers.C2.choices", "unknown choice 'y' (expected any of: a, b, c, q_no)"),
    ]
    text = TOP + '[lens]\nid = "choices"\n[workload]\nname = "W"\ndefault_target = true\n'
    assert refused(tmp_path, text + '[answers.C1]\nchoices = "a"\n') == [
        ("workload.default_target", "expected a whole number from 0, got True"),
        ("answers.C1.choices", "expected an array of choice ids, got 'a'"),
    ]


@pytest.mark.parametrize("value", ["true", '"2"', "2.0", "5", "-1"])
def test_levels_and_targets_are_whole_lens_levels(tmp_path: Path, value: str) -> None:
    text = HEAD + f"default_target = {value}\n[answers.MLOE-01]\nlevel = {value}\n"
    text += f"target = {value}\n"
    shown = {"true": "True", '"2"': "'2'"}.get(value, value)
    message = f"expected a level from 0 to 4, got {shown}"
    assert refused(tmp_path, text) == [
        ("workload.default_target", message),
        ("answers.MLOE-01.level", message),
        ("answers.MLOE-01.target", message),
    ]


# -- read ----------------------------------------------------------------------------------------


def test_a_full_snapshot_reads_as_written(tmp_path: Path) -> None:
    text = TOP + (
        "exported_at = 2026-11-28T10:00:00Z\n"
        'generator = "mllens-tui 0.0.1"\n'
        "scores = {overall = 0.1}\n"
        '[lens]\nid = "aws-ml-lens"\nversion = "2023"\ncontent_hash = "sha256:abc"\n'
        '[workload]\nname = "Fraud scoring"\ndescription = "Card fraud"\n'
        'environment = "prod"\ndefault_target = 2\n'
        "pillar_weights = {security = 2, reliability = 0.5}\n"
        '[milestone]\nname = "Q4 review"\ncreated_at = 2026-11-01T09:00:00Z\n'
        "[answers.MLSEC-01]\nlevel = 1\ntarget = 4\n"
        '[answers.MLOE-02]\nnot_applicable = true\nreason = "business_priorities"\n'
        '[answers.MLOE-01]\nlevel = 0\nnotes = "n"\nevidence = "e"\nconfidence = "verified"\n'
        'answered_by = "ana"\nanswered_at = 2026-10-01T08:30:00Z\n'
        '[answers.MLOE-03]\nreason = "other"\nnotes = "undecided"\n'
    )
    snap = read(tmp_path, text)
    assert snap == Snapshot(
        lens_id="aws-ml-lens",
        lens_version="2023",
        content_hash="sha256:abc",
        workload_name="Fraud scoring",
        description="Card fraud",
        environment="prod",
        profile=Profile(default_target=2, pillar_weights={"security": 2.0, "reliability": 0.5}),
        answers={
            "MLOE-01": Answer(
                "MLOE-01",
                level=0,
                notes="n",
                evidence="e",
                confidence=Confidence.VERIFIED,
                answered_by="ana",
                answered_at=datetime(2026, 10, 1, 8, 30, tzinfo=UTC),
            ),
            "MLOE-02": Answer("MLOE-02", not_applicable=True, reason=NAReason.BUSINESS_PRIORITIES),
            # A reason without N/A is checked but not kept: the answer is not N/A.
            "MLOE-03": Answer("MLOE-03", notes="undecided"),
            "MLSEC-01": Answer("MLSEC-01", level=1, target=4),
        },
        milestone=MilestoneInfo("Q4 review", datetime(2026, 11, 1, 9, tzinfo=UTC)),
        exported_at=datetime(2026, 11, 28, 10, tzinfo=UTC),
        generator="mllens-tui 0.0.1",
    )
    # In lens order, whatever the order of the file.
    assert list(snap.answers) == ["MLOE-01", "MLOE-02", "MLOE-03", "MLSEC-01"]
    assert type(snap.profile.pillar_weights["security"]) is float


def test_defaults_of_a_minimal_snapshot(tmp_path: Path) -> None:
    snap = read(tmp_path, HEAD)
    assert snap == Snapshot("aws-ml-lens", "", "", "W")
    assert snap.profile == Profile(default_target=3, pillar_weights={})


def test_choices_are_kept_once_each_in_question_order(tmp_path: Path) -> None:
    text = TOP + '[lens]\nid = "choices"\n[workload]\nname = "W"\ndefault_target = 7\n'
    text += '[answers.C2]\nchoices = ["c", "a", "c"]\ntarget = 9\n[answers.C1]\nchoices = []\n'
    snap = read(tmp_path, text)
    assert snap.answers == {
        "C1": Answer("C1", choices=()),
        "C2": Answer("C2", choices=("a", "c"), target=3),
    }
    assert snap.answers["C1"].status == "answered"
    # Choice lenses have no levels: a target is checked but scoring never uses it.
    assert snap.profile.default_target == 3


# -- date-times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "moment"),
    [
        ("2026-11-28T12:30:00+02:00", datetime(2026, 11, 28, 10, 30, tzinfo=UTC)),
        ("2026-11-28T05:30:00-05:00", datetime(2026, 11, 28, 10, 30, tzinfo=UTC)),
        ("2026-11-28T10:30:00", datetime(2026, 11, 28, 10, 30, tzinfo=UTC)),  # no offset: UTC
        ("2026-11-28T10:30:00.987654Z", datetime(2026, 11, 28, 10, 30, tzinfo=UTC)),
        ("2026-01-01T01:00:00+05:30", datetime(2025, 12, 31, 19, 30, tzinfo=UTC)),
    ],
)
def test_moments_from_any_time_zone_read_as_utc_seconds(
    tmp_path: Path, written: str, moment: datetime
) -> None:
    text = TOP + f"exported_at = {written}\n" + HEAD.removeprefix(TOP)
    text += f'[milestone]\nname = "M"\ncreated_at = {written}\n'
    text += f"[answers.MLOE-01]\nlevel = 1\nanswered_at = {written}\n"
    snap = read(tmp_path, text)
    found = [snap.exported_at, snap.milestone.created_at, snap.answers["MLOE-01"].answered_at]  # type: ignore[union-attr]
    assert found == [moment, moment, moment]
    assert all(m is not None and m.tzinfo is UTC for m in found)
    stamp = moment.isoformat(sep=" ")  # what tomli_w writes: an offset of +00:00
    out = dumps(snap, LENS)
    assert f"exported_at = {stamp}\n" in out
    assert f"created_at = {stamp}\n" in out and f"answered_at = {stamp}\n" in out


def test_utc_normalises_naive_aware_and_fractional_moments() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert utc(datetime(2026, 1, 1, 9, 0, 0, 500000, tzinfo=tokyo)) == datetime(
        2026, 1, 1, 0, 0, tzinfo=UTC
    )
    assert utc(datetime(2026, 1, 1, 9)).tzinfo is UTC
    assert utc(datetime(2026, 1, 1, 9)) == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert utc(datetime(2026, 1, 1, 9, tzinfo=tokyo)).tzinfo is UTC


def test_export_writes_every_moment_in_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    snap = Snapshot(
        LENS.id,
        LENS.version,
        LENS.content_hash,
        "W",
        answers={
            "MLOE-01": Answer("MLOE-01", level=2, answered_at=datetime(2026, 3, 1, 9, tzinfo=tokyo))
        },
        milestone=MilestoneInfo("M", datetime(2026, 3, 2, 9, 15, 30, 999, tzinfo=tokyo)),
        exported_at=datetime(2026, 3, 3, 1, 2, 3, 456),
    )
    doc = snapshot_to_dict(snap, LENS, with_scores=False)
    assert doc["exported_at"] == datetime(2026, 3, 3, 1, 2, 3, tzinfo=UTC)
    assert doc["milestone"] == {
        "name": "M",
        "created_at": datetime(2026, 3, 2, 0, 15, 30, tzinfo=UTC),
    }
    assert doc["answers"]["MLOE-01"]["answered_at"] == datetime(2026, 3, 1, 0, tzinfo=UTC)


# -- writing -------------------------------------------------------------------------------------


def test_last_change_is_the_milestone_else_the_newest_answer() -> None:
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    answers = {
        "MLOE-01": Answer("MLOE-01", level=1, answered_at=late),
        "MLOE-02": Answer("MLOE-02", level=1, answered_at=early),
        "MLOE-03": Answer("MLOE-03", level=1),
    }
    plain = Snapshot(LENS.id, "", "", "W", answers=answers)
    assert last_change(plain) == late
    assert last_change(Snapshot(LENS.id, "", "", "W")) is None
    frozen = Snapshot(LENS.id, "", "", "W", answers=answers, milestone=MilestoneInfo("M", early))
    assert last_change(frozen) == early
    # With no exported_at of its own, a snapshot is stamped with its last change.
    assert snapshot_to_dict(plain, LENS, with_scores=False)["exported_at"] == late
    assert "exported_at" not in snapshot_to_dict(Snapshot(LENS.id, "", "", "W"), LENS)


def test_the_exported_document_by_hand() -> None:
    snap = Snapshot(
        "ignored",
        "ignored",
        "ignored",
        "Fraud scoring",
        description="Card fraud",
        environment="prod",
        profile=Profile(
            default_target=2, pillar_weights={"security": 2.0, "operationalExcellence": 0.5}
        ),
        answers={
            "MLSEC-01": Answer("MLSEC-01", level=1, target=4, confidence=Confidence.ASSERTED),
            "MLOE-01": Answer(
                "MLOE-01",
                level=3,
                notes="n",
                evidence="e",
                answered_by="ana",
                answered_at=datetime(2026, 10, 1, tzinfo=UTC),
            ),
            "MLOE-02": Answer("MLOE-02", not_applicable=True, reason=NAReason.OTHER, target=1),
            "MLOE-03": Answer("MLOE-03"),  # nothing to say: not written
            "MLOE-04": Answer("MLOE-04", not_applicable=True),
        },
    )
    doc = snapshot_to_dict(snap, LENS)
    assert doc == {
        "format": "mllens.snapshot",
        "format_version": 1,
        "exported_at": datetime(2026, 10, 1, tzinfo=UTC),
        "generator": f"mllens-tui {__version__}",
        "lens": {"id": LENS.id, "version": LENS.version, "content_hash": LENS.content_hash},
        "workload": {
            "name": "Fraud scoring",
            "description": "Card fraud",
            "environment": "prod",
            "default_target": 2,
            # Lens order, not the order of the profile.
            "pillar_weights": {"operationalExcellence": 0.5, "security": 2.0},
        },
        "scores": {
            "note": "Computed on export for readers; import ignores this table and recomputes.",
            # MLOE-01: 3 x 0.5 x 0.75; MLSEC-01: 3 x 2 x 0.25 -> 2.625 / 7.5
            "overall": 0.35,
            "overall_level": 1.4,
            "completeness": round(2 / 103, 4),
            "pillars": {"operationalExcellence": 0.75, "security": 0.25},
            "phases": {"business-goal": 0.35},
        },
        "answers": {
            "MLOE-01": {
                "level": 3,
                "notes": "n",
                "evidence": "e",
                "answered_by": "ana",
                "answered_at": datetime(2026, 10, 1, tzinfo=UTC),
            },
            "MLOE-02": {"not_applicable": True, "reason": "other", "target": 1},
            "MLOE-04": {"not_applicable": True},
            "MLSEC-01": {"level": 1, "target": 4, "confidence": "asserted"},
        },
    }
    assert list(doc) == [
        "format",
        "format_version",
        "exported_at",
        "generator",
        "lens",
        "workload",
        "scores",
        "answers",
    ]
    assert list(doc["answers"]) == ["MLOE-01", "MLOE-02", "MLOE-04", "MLSEC-01"]


def test_an_empty_workload_exports_the_least() -> None:
    doc = snapshot_to_dict(Snapshot(LENS.id, "", "", "W"), LENS)
    assert doc["workload"] == {"name": "W", "description": "", "default_target": 3}
    assert doc["scores"] == {
        "note": "Computed on export for readers; import ignores this table and recomputes.",
        "completeness": 0.0,
    }
    assert "answers" not in doc and "milestone" not in doc
    assert "scores" not in snapshot_to_dict(Snapshot(LENS.id, "", "", "W"), LENS, with_scores=False)


def test_choice_answers_export_their_choices() -> None:
    snap = Snapshot(
        "choices",
        "",
        "",
        "W",
        answers={"C1": Answer("C1", choices=("a", "b")), "C2": Answer("C2", choices=())},
    )
    doc = snapshot_to_dict(snap, CHOICE_LENS)
    assert doc["answers"] == {"C1": {"choices": ["a", "b"]}, "C2": {"choices": []}}
    # A choice lens has no level scale: no overall_level.
    assert doc["scores"] == {
        "note": "Computed on export for readers; import ignores this table and recomputes.",
        "overall": round(1 / 3, 4),
        "completeness": 1.0,
        "pillars": {"ops": round(1 / 3, 4)},
    }


# -- comparing -----------------------------------------------------------------------------------


def test_a_comparison_by_hand() -> None:
    a = Snapshot(
        LENS.id,
        "",
        "",
        "W",
        answers={
            "MLOE-01": Answer("MLOE-01", level=1, target=4),
            "MLOE-02": Answer("MLOE-02", not_applicable=True, reason=NAReason.OTHER),
            "MLOE-03": Answer("MLOE-03", level=2),
            "MLOE-04": Answer("MLOE-04", level=2),
        },
    )
    b = Snapshot(
        LENS.id,
        "",
        "",
        "W",
        answers={
            "MLOE-01": Answer("MLOE-01", level=3, target=4),
            "MLOE-02": Answer("MLOE-02", not_applicable=True),
            "MLOE-03": Answer("MLOE-03", level=2),
            "MLOE-04": Answer("MLOE-04", notes="unsure now"),
        },
    )
    result = compare(a, LENS, b, LENS).to_json()
    # a: MLOE-01 0.25, MLOE-03 0.5, MLOE-04 0.5 (weight 3 each) -> 1.25 / 3
    # b: MLOE-01 0.75, MLOE-03 0.5 -> 1.25 / 2
    assert result["overall"] == {
        "a": pytest.approx(1.25 / 3),
        "b": pytest.approx(0.625),
        "delta": pytest.approx(0.625 - 1.25 / 3),
    }
    assert result["pillars"]["security"] == {"a": None, "b": None, "delta": None}
    assert list(result["pillars"]) == [p.id for p in LENS.pillars]
    assert list(result["phases"]) == [p.id for p in LENS.phases]
    assert result["questions"] == [
        {
            "question": "MLOE-01",
            "change": "improved",
            "a": {"status": "answered", "level": 1, "target": 4},
            "b": {"status": "answered", "level": 3, "target": 4},
        },
        {
            "question": "MLOE-04",
            "change": "no_longer_answered",
            "a": {"status": "answered", "level": 2},
            "b": {"status": "unanswered"},
        },
    ]
    assert (result["lens_changed"], result["common_questions"]) == (False, 105)
    assert (result["only_in_a"], result["only_in_b"]) == ([], [])


def test_na_and_choice_states_in_a_comparison() -> None:
    a = Snapshot("choices", "", "", "W", answers={"C1": Answer("C1", choices=("a",))})
    b = Snapshot(
        "choices",
        "",
        "",
        "W",
        answers={
            "C1": Answer("C1", not_applicable=True, reason=NAReason.OUT_OF_SCOPE),
            "C2": Answer("C2", not_applicable=True),
        },
    )
    changes = compare(a, CHOICE_LENS, b, CHOICE_LENS).questions
    assert [(c.question_id, c.change, c.a, c.b) for c in changes] == [
        (
            "C1",
            "na_changed",
            {"status": "answered", "choices": ["a"]},
            {"status": "not_applicable", "reason": "out_of_scope"},
        ),
        (
            "C2",
            "na_changed",
            {"status": "unanswered"},
            {"status": "not_applicable", "reason": None},
        ),
    ]
    back = compare(b, CHOICE_LENS, a, CHOICE_LENS).questions
    assert [(c.question_id, c.change) for c in back] == [("C1", "na_changed"), ("C2", "na_changed")]


def test_lenses_with_different_content_are_compared_on_common_questions() -> None:
    newer = replace(
        LENS,
        questions=(
            *(q for q in LENS.questions if q.id != "MLOE-02"),
            Question("MLNEW-01", "New", "security", "monitoring", 3.0, "?"),
        ),
        content_hash="sha256:newer",
    )
    a = Snapshot(
        LENS.id,
        "",
        "",
        "W",
        answers={"MLOE-01": Answer("MLOE-01", level=4), "MLOE-02": Answer("MLOE-02", level=0)},
    )
    b = Snapshot(
        LENS.id,
        "",
        "",
        "W",
        answers={"MLOE-01": Answer("MLOE-01", level=4), "MLNEW-01": Answer("MLNEW-01", level=0)},
    )
    result = compare(a, LENS, b, newer)
    assert result.lens_changed is True
    assert result.common_questions == 104
    assert (result.only_in_a, result.only_in_b) == (("MLOE-02",), ("MLNEW-01",))
    # Only MLOE-01 is common and answered: both sides score 1.0, nothing changed.
    assert (result.overall.a, result.overall.b, result.overall.delta) == (1.0, 1.0, 0.0)
    assert result.questions == ()
    same = compare(a, LENS, a, LENS)
    assert same.lens_changed is False and same.overall.a == pytest.approx(0.5)


def test_a_score_on_one_side_only_has_no_delta() -> None:
    assert Delta(None, 0.5).to_json() == {"a": None, "b": 0.5, "delta": None}
    assert Delta(0.5, None).delta is None
    assert Delta(0.25, 1.0).delta == 0.75


# -- more of the reader ----------------------------------------------------------------------------


def test_a_file_that_cannot_be_read_is_a_snapshot_problem(tmp_path: Path) -> None:
    missing = tmp_path / "gone.toml"
    with pytest.raises(InputError) as info:
        read_snapshot_file(missing, lens_for)
    assert info.value.what == "snapshot"
    assert [(p.source, p.where, p.message) for p in info.value.problems] == [
        (str(missing), "", "no such file")
    ]


def test_without_its_lens_only_the_lens_is_reported(tmp_path: Path) -> None:
    # Levels, choices, targets and weights are checked against the lens: with the lens
    # unknown, the one problem a user can act on is the lens.
    text = TOP + '[lens]\nid = "nope"\n[workload]\nname = "W"\ndefault_target = 9\n'
    text += "pillar_weights = {anything = 2}\n"
    text += '[answers.X-1]\nlevel = 9\ntarget = 9\n[answers.X-2]\nchoices = ["z"]\n'
    text += '[plan.X-1]\nowner = "ana"\n'
    assert refused(tmp_path, text) == [
        ("lens.id", "lens 'nope' is not installed (see: mllens lens list)")
    ]


def test_empty_optional_strings_and_level_zero_are_read(tmp_path: Path) -> None:
    text = HEAD.replace('name = "W"', 'name = "W"\ndescription = ""\ndefault_target = 0')
    text += '[answers.MLOE-01]\nlevel = 0\ntarget = 0\nnotes = ""\n'
    snap = read(tmp_path, text)
    assert snap.description == "" and snap.profile.default_target == 0
    assert snap.answers["MLOE-01"] == Answer("MLOE-01", level=0, target=0)
    choices = TOP + '[lens]\nid = "choices"\n[workload]\nname = "W"\ndefault_target = 0\n'
    snap = read(tmp_path, choices + '[answers.C1]\nchoices = ["b"]\ntarget = 0\n')
    assert snap.answers["C1"] == Answer("C1", choices=("b",), target=3)


def test_a_naive_moment_is_utc_whatever_the_machines_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert utc(datetime(2026, 1, 1, 9)) == datetime(2026, 1, 1, 9, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_multi_line_notes_are_written_as_multi_line_strings() -> None:
    snap = Snapshot(
        LENS.id, "", "", "W", answers={"MLOE-01": Answer("MLOE-01", level=1, notes="one\ntwo")}
    )
    assert 'notes = """\none\ntwo"""\n' in dumps(snap, LENS)


def test_a_new_target_counts_only_for_an_answered_question() -> None:
    def snap(target: int) -> Snapshot:
        return Snapshot(
            LENS.id,
            "",
            "",
            "W",
            answers={
                "MLOE-01": Answer("MLOE-01", not_applicable=True, target=target),
                "MLOE-02": Answer("MLOE-02", level=2, target=target),
            },
        )

    changes = compare(snap(2), LENS, snap(4), LENS).questions
    assert [(c.question_id, c.change) for c in changes] == [("MLOE-02", "target_changed")]


def test_answers_keyed_by_the_2025_id_are_kept_under_the_2023_id(tmp_path: Path) -> None:
    text = HEAD + "[answers.MLOPS01-BP02]\nlevel = 3\n[answers.mlops01-bp01]\nlevel = 1\n"
    snap = read(tmp_path, text)
    assert snap.answers == {
        "MLOE-01": Answer("MLOE-01", level=1),
        "MLOE-02": Answer("MLOE-02", level=3),
    }
    both = HEAD + "[answers.MLOE-01]\nlevel = 2\n[answers.MLOPS01-BP01]\nlevel = 1\n"
    assert refused(tmp_path, both) == [
        (
            "answers.MLOPS01-BP01",
            "a second answer to MLOE-01 (an answer is keyed by one of its ids)",
        )
    ]


def test_each_side_is_scored_with_its_own_profile() -> None:
    answers = {"MLOE-01": Answer("MLOE-01", level=2), "MLSEC-01": Answer("MLSEC-01", level=4)}
    a = Snapshot(
        LENS.id,
        "",
        "",
        "W",
        answers=answers,
        profile=Profile(default_target=2, pillar_weights={"security": 0.5}),
    )
    b = Snapshot(
        LENS.id,
        "",
        "",
        "W",
        answers=answers,
        profile=Profile(default_target=4, pillar_weights={"security": 3.0}),
    )
    result = compare(a, LENS, b, LENS)
    # a: security weighs 3 x 0.5 -> (3 x 0.5 + 1.5 x 1.0) / 4.5; b: 3 x 3 -> (1.5 + 9) / 12
    assert result.overall.a == pytest.approx(2 / 3) and result.overall.b == 0.875
    assert result.phases["business-goal"].to_json() == {
        "a": pytest.approx(2 / 3),
        "b": 0.875,
        "delta": pytest.approx(0.875 - 2 / 3),
    }
    # MLOE-01 at 2: at a's target (2), below b's (4); MLSEC-01 at 4 meets both.
    assert [(c.question_id, c.change) for c in result.questions] == [
        ("MLOE-01", "target_changed"),
        ("MLSEC-01", "target_changed"),
    ]


# -- plan owners ---------------------------------------------------------------------------------


def test_every_problem_of_plan_items(tmp_path: Path) -> None:
    assert refused(tmp_path, TOP + "plan = 3\n" + HEAD.removeprefix(TOP)) == [
        ("plan", "expected tables [plan.<question id>] with owner and due")
    ]
    text = HEAD + (
        "[plan]\nMLOE-01 = 3\n"
        '[plan.NOPE-1]\nowner = "x"\n'
        '[plan.MLOE-02]\nowner = " ana"\ndue = 2027-03-31T10:00:00Z\ncolour = 1\n'
        "[plan.MLOE-03]\n"
        '[plan.MLOE-04]\nowner = 5\ndue = "2027-01-01"\n'
    )
    assert refused(tmp_path, text) == [
        ("plan.MLOE-01", "expected a table with owner and due"),
        ("plan.NOPE-1", "unknown question id 'NOPE-1' in lens 'aws-ml-lens'"),
        ("plan.MLOE-02.colour", "unknown key (expected one of: due, owner)"),
        ("plan.MLOE-02.owner", "owner name ' ana' has leading or trailing spaces"),
        (
            "plan.MLOE-02.due",
            "expected a date such as 2027-03-31, got "
            "datetime.datetime(2027, 3, 3...tzinfo=datetime.timezone.utc)",
        ),
        ("plan.MLOE-03", "expected owner, due or both"),
        ("plan.MLOE-04.owner", "expected a string, got 5"),
        ("plan.MLOE-04.due", "expected a date such as 2027-03-31, got '2027-01-01'"),
    ]


def test_plan_items_read_under_the_2023_id_in_lens_order_and_export_again(
    tmp_path: Path,
) -> None:
    text = HEAD + (
        '[plan.MLOPS01-BP02]\nowner = "ana"\n[plan.MLOE-01]\ndue = 2027-03-31\n'
        '[plan.MLSEC-01]\nowner = "bo"\ndue = 2027-01-15\n'
    )
    snap = read(tmp_path, text)
    assert snap.plan == {
        "MLOE-01": Ownership(due=date(2027, 3, 31)),
        "MLOE-02": Ownership(owner="ana"),
        "MLSEC-01": Ownership(owner="bo", due=date(2027, 1, 15)),
    }
    assert list(snap.plan) == ["MLOE-01", "MLOE-02", "MLSEC-01"]
    doc = snapshot_to_dict(snap, LENS, with_scores=False)
    assert doc["plan"] == {
        "MLOE-01": {"due": date(2027, 3, 31)},
        "MLOE-02": {"owner": "ana"},
        "MLSEC-01": {"owner": "bo", "due": date(2027, 1, 15)},
    }
    assert list(doc)[-1] == "plan"
    # An item with nothing to say is not written; a snapshot without owners has no [plan].
    empty = Snapshot(LENS.id, "", "", "W", plan={"MLOE-01": Ownership()})
    assert "plan" not in snapshot_to_dict(empty, LENS)
    assert "plan" not in snapshot_to_dict(Snapshot(LENS.id, "", "", "W"), LENS)


def test_choices_are_kept_in_the_questions_order_not_the_alphabets(tmp_path: Path) -> None:
    text = TOP + '[lens]\nid = "backwards"\n[workload]\nname = "W"\n'
    snap = read(tmp_path, text + '[answers.B1]\nchoices = ["alpha", "zeta"]\n')
    assert snap.answers["B1"].choices == ("zeta", "alpha")


def test_dumps_without_scores_writes_no_scores_table() -> None:
    snap = Snapshot(LENS.id, "", "", "W", answers={"MLOE-01": Answer("MLOE-01", level=1)})
    assert "[scores]" in dumps(snap, LENS)
    assert "[scores]" not in dumps(snap, LENS, with_scores=False)
    assert "scores" not in tomllib.loads(dumps(snap, LENS, with_scores=False))


def test_a_refused_not_applicable_counts_as_not_na(tmp_path: Path) -> None:
    text = HEAD + '[answers.MLOE-01]\nnot_applicable = "yes"\nlevel = 1\n'
    assert refused(tmp_path, text) == [
        ("answers.MLOE-01.not_applicable", "expected true or false, got 'yes'")
    ]


def test_a_moment_out_of_range_is_located_in_its_table(tmp_path: Path) -> None:
    text = HEAD + '[milestone]\nname = "M"\ncreated_at = 9999-12-31T23:59:59Z\n'
    assert refused(tmp_path, text) == [
        (
            "milestone.created_at",
            "9999-12-31T23:59:59+00:00 is out of range "
            "(expected from 1970-01-01T00:00:00Z to 9998-12-31T23:59:59Z)",
        )
    ]


# -- tags ----------------------------------------------------------------------------------------


def test_every_problem_of_tags(tmp_path: Path) -> None:
    assert refused(tmp_path, HEAD + 'tags = "x"\n') == [
        ("workload.tags", "expected an array of tags, got 'x'")
    ]
    assert refused(tmp_path, HEAD + 'tags = ["a", "A", 3, " b", ""]\n') == [
        ("workload.tags[1]", "tag 'A' is given twice (tags ignore case)"),
        ("workload.tags[2]", "a tag name is a string, got 3"),
        ("workload.tags[3]", "tag name ' b' has leading or trailing spaces"),
        ("workload.tags[4]", "a tag name cannot be empty"),
    ]


def test_tags_read_and_export_and_no_key_means_no_tags_given(tmp_path: Path) -> None:
    snap = read(tmp_path, HEAD + 'tags = ["team-a", "pii"]\n')
    assert snap.tags == ("team-a", "pii")
    assert snapshot_to_dict(snap, LENS)["workload"]["tags"] == ["team-a", "pii"]
    assert read(tmp_path, HEAD + "tags = []\n").tags == ()
    untagged = read(tmp_path, HEAD)
    assert untagged.tags is None
    assert "tags" not in snapshot_to_dict(untagged, LENS)["workload"]

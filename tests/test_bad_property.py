"""Generated snapshot documents, valid and broken, fed to ``snapshot validate`` and
``import``: the two always agree, neither raises past the CLI, and a refused import leaves
the database as it was."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from bad_inputs import digest, run
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mllens_tui.assessment import Confidence, NAReason
from mllens_tui.lens.registry import builtin_lens

LENS = builtin_lens()
QIDS = [q.id for q in LENS.questions]
PILLARS = [p.id for p in LENS.pillars]
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC, microsecond=0)
)
NAMES = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=20)
NAMES = NAMES.filter(lambda name: name == name.strip() and bool(name))


@st.composite
def answer(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    kind = draw(st.sampled_from(["level", "na", "none"]))
    if kind == "level":
        entry["level"] = draw(st.integers(0, LENS.max_level))
    elif kind == "na":
        entry["not_applicable"] = True
        entry["reason"] = draw(st.sampled_from([r.value for r in NAReason]))
    if draw(st.booleans()):
        entry["target"] = draw(st.integers(0, LENS.max_level))
    if draw(st.booleans()):
        entry["confidence"] = draw(st.sampled_from([c.value for c in Confidence]))
    if draw(st.booleans()):
        entry["notes"] = draw(st.text(max_size=30).filter(lambda t: "\r" not in t))
    if draw(st.booleans()):
        entry["answered_at"] = draw(MOMENTS)
    return entry


@st.composite
def valid_document(draw: st.DrawFn) -> dict[str, Any]:
    workload: dict[str, Any] = {"name": draw(NAMES), "description": draw(st.text(max_size=20))}
    if draw(st.booleans()):
        workload["environment"] = draw(NAMES)
    workload["default_target"] = draw(st.integers(0, LENS.max_level))
    weights = draw(st.dictionaries(st.sampled_from(PILLARS), st.floats(0.01, 1000)))
    if weights:
        workload["pillar_weights"] = weights
    doc: dict[str, Any] = {
        "format": "mllens.snapshot",
        "format_version": 1,
        "lens": {"id": LENS.id, "version": LENS.version, "content_hash": LENS.content_hash},
        "workload": workload,
    }
    if draw(st.booleans()):
        doc["milestone"] = {"name": draw(NAMES), "created_at": draw(MOMENTS)}
    qids = draw(st.lists(st.sampled_from(QIDS), unique=True, max_size=8))
    if qids:
        doc["answers"] = {q: draw(answer()) for q in qids}
    return doc


ODD_VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([2**64, -(2**70), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 0.0, -0.0, 1001.0, 5e-324]),
    st.booleans(),
    st.text(max_size=10).filter(lambda t: "\r" not in t),
    st.sampled_from(["", " ", "\x1b[2J", "a\x85b", "\x7f", "\u202e", "x" * 300]),
    st.just(date(2026, 1, 1)),
    st.just(time(10, 0)),
    st.sampled_from(
        [
            datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
            datetime(1, 1, 1),
            datetime(9999, 12, 31, 23, 59, 59),
            datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
        ]
    ),
    st.lists(st.integers(0, 5), max_size=3),
    st.just({"a": 1}),
    st.just([[[["deep"]]]]),
)
FIELDS = [
    ("format_version",),
    ("exported_at",),
    ("generator",),
    ("lens", "id"),
    ("lens", "version"),
    ("lens", "content_hash"),
    ("workload", "name"),
    ("workload", "description"),
    ("workload", "environment"),
    ("workload", "default_target"),
    ("workload", "pillar_weights"),
    ("milestone", "name"),
    ("milestone", "created_at"),
    ("colour",),
    ("workload", "colour"),
]
ANSWER_FIELDS = ["level", "choices", "not_applicable", "reason", "target", "notes", "evidence",
                 "confidence", "answered_by", "answered_at", "colour"]  # fmt: skip


def _into(table: dict[str, Any], key: str) -> dict[str, Any]:
    """The sub-table at ``key``, made a table again if an earlier mutation replaced it."""
    if not isinstance(table.get(key), dict):
        table[key] = {}
    inner: dict[str, Any] = table[key]
    return inner


EXTREME_MOMENTS = st.sampled_from(
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1, 1, 1),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
    ]
)
EXTREME_WEIGHTS = st.one_of(
    st.sampled_from([1e308, 10**400, 2**63, 1000, 1000.0001, 0, -1, 5e-324]),
    st.floats(allow_nan=True, allow_infinity=True),
)
CONTROLS = st.sampled_from(["\x00", "\t", "\n", "\x1b[31m", "\x7f", "\x85", "\x9b", "\u202e"])
NAME_FIELDS = [("workload", "name"), ("workload", "environment"), ("milestone", "name")]
TIME_FIELDS = [("exported_at",), ("milestone", "created_at")]
TABLES = ["lens", "workload", "milestone", "answers"]


def _set(doc: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    target = doc
    for key in path[:-1]:
        target = _into(target, key)
    target[path[-1]] = value


@st.composite
def mutated_document(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with one to three things broken (or, by chance, still valid)."""
    doc = draw(valid_document())
    qid = draw(st.sampled_from([*QIDS[:5], "NOPE-99"]))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["type", "answer", "control", "level", "unknown", "moment",
                                     "weight", "table"]))  # fmt: skip
        if kind == "type":
            _set(doc, draw(st.sampled_from(FIELDS)), draw(ODD_VALUES))
        elif kind == "answer":
            _set(doc, ("answers", qid, draw(st.sampled_from(ANSWER_FIELDS))), draw(ODD_VALUES))
        elif kind == "control":
            name = draw(NAMES)
            at = draw(st.integers(0, len(name)))
            _set(doc, draw(st.sampled_from(NAME_FIELDS)), name[:at] + draw(CONTROLS) + name[at:])
        elif kind == "level":
            field = draw(st.sampled_from(["level", "target"]))
            number = draw(st.sampled_from([-1, LENS.max_level + 1, 2**63 - 1, -(2**63)]))
            _set(doc, ("answers", qid, field), number)
        elif kind == "unknown":
            _set(doc, (*draw(st.sampled_from([(), *[(t,) for t in TABLES[:3]]])), "colour"), 1)
        elif kind == "moment":
            path = draw(st.sampled_from([*TIME_FIELDS, ("answers", qid, "answered_at")]))
            _set(doc, path, draw(EXTREME_MOMENTS))
        elif kind == "weight":
            pillar = draw(st.sampled_from([*PILLARS, "nowhere"]))
            _set(doc, ("workload", "pillar_weights", pillar), draw(EXTREME_WEIGHTS))
        else:
            doc[draw(st.sampled_from(TABLES))] = draw(ODD_VALUES)
    return doc


def as_bytes(doc: dict[str, Any]) -> bytes:
    return tomli_w.dumps(doc).encode("utf-8")


def example_each(contents: list[bytes]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        for content in contents:
            test = example(content=content)(test)
        return test

    return decorate


DOCUMENTS = st.one_of(
    valid_document().map(as_bytes),
    mutated_document().map(as_bytes),
    mutated_document().map(as_bytes),
    st.binary(max_size=200),
    # A valid document cut short or with one byte changed.
    st.tuples(valid_document().map(as_bytes), st.integers(0, 10_000), st.integers(0, 255)).map(
        lambda t: (
            t[0][: t[1] % (len(t[0]) + 1)] + bytes([t[2]]) + t[0][t[1] % (len(t[0]) + 1) + 1 :]
        )
    ),
)

_fresh = itertools.count()

BASE = {
    "format": "mllens.snapshot",
    "format_version": 1,
    "lens": {"id": LENS.id},
    "workload": {"name": "W"},
    "answers": {QIDS[0]: {"level": 1}},
}
# One of each class of crash found before, so that every run covers them.
KNOWN = [
    as_bytes({**BASE, "exported_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))}),
    as_bytes(
        {
            **BASE,
            "answers": {
                QIDS[0]: {
                    "answered_at": datetime(
                        9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))
                    )
                }
            },
        }
    ),
    as_bytes({**BASE, "workload": {"name": "W\x9b31m"}}),
    as_bytes({**BASE, "workload": {"name": "W", "environment": "\x1b[2J"}}),
    as_bytes(
        {**BASE, "milestone": {"name": "M\x7f", "created_at": datetime(2026, 1, 1, tzinfo=UTC)}}
    ),
    as_bytes({**BASE, "workload": {"name": "W", "pillar_weights": {PILLARS[0]: 1e308}}}),
    as_bytes({**BASE, "workload": {"name": "W", "pillar_weights": {PILLARS[0]: 10**400}}}),
    as_bytes({**BASE, "lens": {"id": LENS.id, "version": 5, "content_hash": []}}),
    as_bytes({**BASE, "answers": {QIDS[0]: {"level": 2**63 - 1}}}),
    b"\xef\xbb\xbf" + as_bytes(BASE),
    b"x = " + b"[" * 5000 + b"]" * 5000,
    b"x = " + b"9" * 5000,
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=DOCUMENTS)
@example_each(KNOWN)
def test_validate_and_import_always_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path, content: bytes
) -> None:
    db = isolated_data / "mllens.db"
    if not db.exists():
        assert run(capsys, "workload", "create", "existing")[0] == 0
    source = tmp_path / "generated.toml"
    source.write_bytes(content)
    validated, _, validate_err = run(capsys, "snapshot", "validate", str(source))
    before = digest(db)
    imported, _, import_err = run(
        capsys, "import", str(source), "--workload", f"fresh {next(_fresh)}"
    )
    assert validated in (0, 1)
    assert imported in (0, 1)
    assert "Traceback" not in validate_err + import_err
    assert (validated == 0) == (imported == 0), (validate_err, import_err)
    if imported:
        assert str(source) in import_err
        assert digest(db) == before

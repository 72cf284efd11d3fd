"""Date-times at the edges of what Python represents are refused with their key, never an
OverflowError; those in range import and export again unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import HEADER, VALID, assert_snapshot_refused, database, run, write

EDGES = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59",
    "1969-12-31T23:59:59Z",
]

PLACES = {
    "answered_at": ("answers.MLSEC-01.answered_at", "\n[answers.MLSEC-01]\nlevel = 1\n"
                    "answered_at = {moment}\n"),
    "milestone": ("milestone.created_at", '\n[milestone]\nname = "M1"\ncreated_at = {moment}\n'),
    "exported_at": ("exported_at", None),
}  # fmt: skip


def document(place: str, moment: str) -> str:
    _, extra = PLACES[place]
    if extra is None:
        return f"exported_at = {moment}\n" + VALID
    return VALID + extra.format(moment=moment)


@pytest.mark.parametrize("moment", EDGES)
@pytest.mark.parametrize("place", PLACES)
def test_edge_datetimes_are_refused_with_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    place: str,
    moment: str,
) -> None:
    db = database(capsys, isolated_data)
    source = write(tmp_path, document(place, moment))
    assert_snapshot_refused(capsys, db, source, PLACES[place][0])


@pytest.mark.parametrize(
    ("moment", "stored"),
    [
        ("1970-01-01T00:00:00Z", "1970-01-01 00:00:00+00:00"),
        ("1970-01-01T05:00:00+05:00", "1970-01-01 00:00:00+00:00"),
        ("9998-12-31T18:59:59-05:00", "9998-12-31 23:59:59+00:00"),
    ],
)
def test_moments_at_the_ends_of_the_range_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], moment: str, stored: str
) -> None:
    source = write(tmp_path, document("answered_at", moment))
    code, _, err = run(capsys, "import", source, "--workload", "edge")
    assert code == 0, err
    code, out, err = run(capsys, "export", "edge")
    assert code == 0, err
    assert f"answered_at = {stored}" in out


def test_a_date_without_time_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path
) -> None:
    db = database(capsys, isolated_data)
    text = HEADER + '[workload]\nname = "W"\n\n[milestone]\nname = "M"\ncreated_at = 2026-01-01\n'
    assert_snapshot_refused(capsys, db, write(tmp_path, text), "milestone.created_at")

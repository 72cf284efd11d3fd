"""The portfolio as the command line and the store give it: every workload at once, its
filters and formats, tags, comparing two workloads, and importing many snapshots."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.portfolio import Filter, build_portfolio, portfolio_row, sort_rows
from mllens_tui.snapshot import dumps, parse_snapshot
from mllens_tui.store.service import Store
from tests.estate import LONG_AGO, build_estate, estate_name

NOW = datetime.now(UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def estate_file(tmp_path_factory: pytest.TempPathFactory, ml_lens: Lens) -> Path:
    path = tmp_path_factory.mktemp("estate") / "estate.db"
    with Store.open(f"sqlite:///{path}") as store:
        build_estate(store, ml_lens, 30, recent=NOW - timedelta(days=3))
    return path


@pytest.fixture
def estate(db_url: str, estate_file: Path) -> Store:
    """The 30 workloads, in this test's own database (a copy, built once per module)."""
    target = Path(db_url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(estate_file, target)
    return Store.open(db_url)


# -- the store -----------------------------------------------------------------------------------


def _statements(store: Store) -> list[str]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(store._db.engine, "before_cursor_execute", count)
    store.portfolio()
    event.remove(store._db.engine, "before_cursor_execute", count)
    return seen


def test_the_portfolio_read_costs_the_same_queries_for_3_or_30_workloads(
    tmp_path: Path, ml_lens: Lens
) -> None:
    small = Store.open(f"sqlite:///{tmp_path / 'small.db'}")
    build_estate(small, ml_lens, 3, recent=NOW)
    large = Store.open(f"sqlite:///{tmp_path / 'large.db'}")
    build_estate(large, ml_lens, 30, recent=NOW)
    assert len(_statements(small)) == len(_statements(large)) <= 8
    assert any("FROM answer" in s for s in _statements(large))
    records = large.portfolio()
    assert len(records) == 30
    first = records[0]
    assert len(first.answers) == len(ml_lens.questions)
    assert first.workload.tags == ("team-a", "tier-1")
    assert first.milestone == "previous quarter" and first.milestone_overall is not None


def test_tags_are_unique_whatever_their_case_sorted_and_deleted_with_the_workload(
    db_url: str, ml_lens: Lens
) -> None:
    store = Store.open(db_url)
    store.create_workload("w", ml_lens)
    assert store.tag_workload("w", ["team-b", "Team-A", "TEAM-B"]).tags == ("Team-A", "team-b")
    assert store.untag_workload("w", ["team-a"]).tags == ("team-b",)
    assert store.list_workloads()[0].tags == ("team-b",)
    store.delete_workload("w")
    store.create_workload("w", ml_lens)
    assert store.get_workload("w").tags == ()


# -- mllens portfolio ----------------------------------------------------------------------------


def test_text_shows_every_workload_the_summary_and_the_shared_weakness(
    estate: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(capsys, "portfolio")
    assert out.startswith("30 workloads\n")
    for index in range(30):
        assert estate_name(index) in out
    summary = [line for line in out.splitlines() if line.startswith(("Mean", "Worst", "Spread"))]
    assert len(summary) == 3
    # Security is weak in 24 of 30 workloads: a platform problem, said in words.
    assert "⚠ Security is below 50% in 24 of 30 workloads" in out
    assert "Operational Excellence is below" not in out


def test_csv_has_one_row_per_workload_and_plain_numbers(
    estate: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(capsys, "portfolio", "--format", "csv"))))
    assert len(rows) == 30
    assert [r["workload"] for r in rows] == sorted(estate_name(i) for i in range(30))
    first = rows[0]
    assert first["tags"] == "team-a;tier-1" and first["environment"] == "production"
    assert 0 <= float(first["security"]) <= 1 and 0 <= float(first["overall"]) <= 1
    assert float(first["change"]) > 0 and first["milestone"] == "previous quarter"
    assert rows[1]["change"] == "" and rows[1]["milestone"] == ""


def test_json_for_dashboards_and_the_filters(
    estate: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(ok(capsys, "portfolio", "--format", "json"))
    assert data["total"] == 30 and len(data["workloads"]) == 30
    assert data["summary"]["security"]["shared_weakness"] is True
    assert data["summary"]["security"]["weak"] == 24
    worst = min(data["workloads"], key=lambda w: (w["pillars"]["security"], w["name"]))
    assert data["summary"]["security"]["worst"]["workload"] == worst["name"]

    team_b = json.loads(ok(capsys, "portfolio", "--tag", "TEAM-B", "--format", "json"))
    assert {w["name"] for w in team_b["workloads"]} == {estate_name(i) for i in range(1, 30, 3)}
    assert team_b["filter"]["tag"] == "TEAM-B" and team_b["total"] == 30

    stale = json.loads(ok(capsys, "portfolio", "--stale", "90", "--format", "json"))
    assert {w["name"] for w in stale["workloads"]} == {estate_name(i) for i in range(2, 30, 3)}
    assert all(w["last_assessed"] == LONG_AGO.isoformat() for w in stale["workloads"])

    staging = json.loads(
        ok(
            capsys,
            "portfolio",
            "--environment",
            "staging",
            "--lens",
            "aws-ml-lens",
            "--format",
            "json",
        )
    )
    assert len(staging["workloads"]) == 15
    none = json.loads(ok(capsys, "portfolio", "--lens", "other", "--format", "json"))
    assert none["workloads"] == []


def test_markdown_table_and_sorting(estate: Store, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, "portfolio", "--format", "markdown", "--sort", "security", "--descending")
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    assert lines[0].startswith("| Workload | Overall | Change | High | Floor | Ops | Security")
    data = json.loads(
        ok(capsys, "portfolio", "--format", "json", "--sort", "security", "--descending")
    )
    best = data["workloads"][0]["name"]
    assert lines[1].startswith(f"| {best} |")
    assert any(line.startswith("| **Mean** |") for line in lines)
    scores = [w["pillars"]["security"] for w in data["workloads"]]
    assert scores == sorted(scores, reverse=True)


def test_bad_portfolio_options_exit_2(estate: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "portfolio", "--sort", "colour")
    assert code == 2 and "--sort 'colour'" in err and "security" in err
    code, _, err = run(capsys, "portfolio", "--stale", "-1")
    assert code == 2 and "--stale -1" in err


def test_an_empty_database_prints_an_empty_portfolio(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "No workload matches." in ok(capsys, "portfolio")
    rows = list(csv.reader(io.StringIO(ok(capsys, "portfolio", "--format", "csv"))))
    assert len(rows) == 1 and rows[0][0] == "workload"


def test_rows_without_a_value_sort_last_in_either_direction() -> None:
    rows = [
        portfolio_row("b", "l", None),
        portfolio_row("a", "l", None, last_assessed=LONG_AGO),
        portfolio_row("c", "l", None, last_assessed=NOW),
    ]
    assert [r.name for r in sort_rows(rows, "last")] == ["a", "c", "b"]
    assert [r.name for r in sort_rows(rows, "last", descending=True)] == ["c", "a", "b"]
    stale = build_portfolio(rows, [], wanted=Filter(stale_days=90), now=NOW)
    assert [r.name for r in stale.rows] == ["a", "b"]  # never assessed counts as stale


# -- tags ----------------------------------------------------------------------------------------


def test_tag_and_untag_from_the_command_line(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "workload", "create", "w")
    assert ok(capsys, "workload", "tag", "w", "payments", "Tier-1").strip() == (
        "w: tags payments, Tier-1"
    )
    ok(capsys, "workload", "tag", "w", "TIER-1")
    listed = json.loads(ok(capsys, "workload", "list", "--json"))
    assert listed[0]["tags"] == ["payments", "Tier-1"]
    code, _, err = run(capsys, "workload", "tag", "w", "bad\x1btag")
    assert code == 1 and "tag name" in err and "control character" in err
    code, _, err = run(capsys, "workload", "untag", "w", "nope")
    assert code == 1 and "has no tag 'nope'" in err
    assert ok(capsys, "workload", "untag", "w", "tier-1").strip() == "w: tags payments"
    code, _, err = run(capsys, "workload", "tag", "missing", "x")
    assert code == 1 and "no workload named 'missing'" in err


def test_tags_travel_in_snapshots_and_round_trip_byte_identically(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], ml_lens: Lens
) -> None:
    ok(capsys, "workload", "create", "w")
    ok(capsys, "answer", "w", "MLOE-01", "2")
    plain = tmp_path / "plain.toml"
    ok(capsys, "export", "w", "-o", str(plain))
    assert "tags" not in plain.read_text()  # a workload without tags exports as before
    ok(capsys, "workload", "tag", "w", "team-b", "Team-A")
    tagged = tmp_path / "tagged.toml"
    ok(capsys, "export", "w", "-o", str(tagged))
    text = tagged.read_text()
    assert 'tags = [\n    "Team-A",\n    "team-b",\n]' in text

    import tomllib

    snapshot, lens = parse_snapshot(tomllib.loads(text), "tagged.toml", lambda _: ml_lens)
    assert snapshot.tags == ("Team-A", "team-b")
    assert dumps(snapshot, lens) == text

    ok(capsys, "import", str(tagged), "--workload", "copy")
    assert Store.open(db_url).get_workload("copy").tags == ("Team-A", "team-b")
    ok(capsys, "import", str(plain), "--workload", "copy")  # no tags key: tags stay
    assert Store.open(db_url).get_workload("copy").tags == ("Team-A", "team-b")
    emptied = tmp_path / "emptied.toml"
    emptied.write_text(
        plain.read_text().replace("default_target = 3", "default_target = 3\ntags = []")
    )
    ok(capsys, "import", str(emptied), "--workload", "copy")  # an empty array clears them
    assert Store.open(db_url).get_workload("copy").tags == ()


@pytest.mark.parametrize(
    ("tags", "fragment"),
    [
        ('"team-a"', "workload.tags: expected an array of tags"),
        ('["team-a", 3]', "workload.tags[1]: a tag name is a string"),
        ('["team-a", " x"]', "workload.tags[1]: tag name ' x' has leading or trailing spaces"),
        ('["team-a", "TEAM-A"]', "workload.tags[1]: tag 'TEAM-A' is given twice"),
    ],
)
def test_bad_tags_in_a_snapshot_are_refused_with_their_key(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], tags: str, fragment: str
) -> None:
    ok(capsys, "workload", "create", "w")
    path = tmp_path / "w.toml"
    ok(capsys, "export", "w", "-o", str(path))
    path.write_text(
        path.read_text().replace("default_target = 3", f"default_target = 3\ntags = {tags}")
    )
    code, _, err = run(capsys, "import", str(path), "--workload", "other")
    assert code == 1 and fragment in err
    assert [w.name for w in Store.open(db_url).list_workloads()] == ["w"]


# -- compare two workloads -----------------------------------------------------------------------


def test_compare_two_stored_workloads_and_their_milestones(
    estate: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = estate_name(0), estate_name(1)
    out = ok(capsys, "compare", "--workload", a, "--workload", b)
    assert f"A: {a} (current answers)" in out and f"B: {b} (current answers)" in out
    data = json.loads(ok(capsys, "compare", "--workload", a, "--workload", b, "--json"))
    assert data["lens_changed"] is False and data["questions"]
    at = json.loads(
        ok(
            capsys,
            "compare",
            "--workload",
            a,
            "--workload",
            b,
            "--milestone",
            "previous quarter",
            "--json",
        )
    )
    assert at["overall"]["a"] < data["overall"]["a"]  # A's earlier, lower milestone
    assert at["overall"]["b"] == data["overall"]["b"]
    code, _, err = run(
        capsys,
        "compare",
        "--workload",
        a,
        "--workload",
        b,
        "--milestone",
        "x",
        "--milestone",
        "previous quarter",
    )
    assert code == 1 and "has no milestone named 'x'" in err
    # Every older form still works.
    assert "A: " in ok(capsys, "compare", "--workload", a)
    code, _, err = run(capsys, "compare", "--workload", a, "--workload", b, "--workload", a)
    assert code == 2 and "exactly two --workload" in err


# -- import many ---------------------------------------------------------------------------------


def test_import_a_folder_of_snapshots_one_transaction_each(
    estate: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    names = [estate_name(i) for i in range(3)]
    for index, name in enumerate(names):
        ok(capsys, "export", name, "-o", str(folder / f"{index}.toml"))
    good = (folder / "0.toml").read_text()
    # Valid TOML with one bad answer at the end: nothing of it may be stored.
    (folder / "1.toml").write_text(
        (folder / "1.toml").read_text().replace("\nlevel = ", "\nlevel = 9 # ", 1)
    )
    (folder / "2.toml").write_text(good.replace(f'name = "{names[0]}"', 'name = "new one"'))

    other = f"sqlite:///{tmp_path / 'other.db'}"
    files = [str(folder / f"{i}.toml") for i in range(3)]
    code, out, err = run(capsys, "--db", other, "import", *files)
    assert code == 1
    assert f"imported {files[0]} into workload '{names[0]}'" in out
    assert f"imported {files[2]} into workload 'new one'" in out
    assert "2 imported, 1 refused of 3 files" in out
    assert f"refused {files[1]}" in err and "expected a level" in err
    stored = Store.open(other)
    assert sorted(w.name for w in stored.list_workloads()) == sorted([names[0], "new one"])
    assert stored.get_workload(names[0]).tags == ("team-a", "tier-1")

    code, out, _ = run(capsys, "--db", other, "import", files[0], files[2])
    assert code == 0 and "2 imported, 0 refused of 2 files" in out

    code, _, err = run(capsys, "--db", other, "import", *files, "--workload", "x")
    assert code == 2 and "--as-milestone" in err


def test_pillars_only_scores_give_the_same_overall_pillars_and_floor(estate: Store) -> None:
    from mllens_tui.assessment import Profile
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.scoring import score

    lens = builtin_lens()
    for record in estate.portfolio()[:6]:
        profile = Profile(record.workload.default_target, dict(record.workload.pillar_weights))
        full = score(lens, record.answers, profile)
        lean = score(lens, record.answers, profile, pillars_only=True)
        assert lean.overall == full.overall and lean.pillars == full.pillars
        assert lean.floor == full.floor and full.plan and not lean.plan


def test_a_workload_whose_lens_is_gone_is_listed_without_scores(
    estate: Store, tmp_path: Path, isolated_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mllens_tui.paths import builtin_lens_dir

    folder = tmp_path / "lens-v2"
    shutil.copytree(builtin_lens_dir(), folder)
    header = folder / "lens.toml"
    header.write_text(header.read_text().replace('id = "aws-ml-lens"', 'id = "ml-lens-v2"', 1))
    ok(capsys, "lens", "import", str(folder))
    ok(capsys, "--lens", "ml-lens-v2", "workload", "create", "[b]old name")
    ok(capsys, "answer", "[b]old name", "MLOE-01", "3")
    data = json.loads(ok(capsys, "portfolio", "--lens", "ml-lens-v2", "--format", "json"))
    assert [w["overall"] for w in data["workloads"]] == [0.75]
    (isolated_data / "lenses" / "ml-lens-v2.toml").unlink()
    data = json.loads(ok(capsys, "portfolio", "--format", "json"))
    gone = next(w for w in data["workloads"] if w["name"] == "[b]old name")
    assert gone["overall"] is None and set(gone["pillars"].values()) == {None}
    assert gone["lens"] == "ml-lens-v2" and len(data["workloads"]) == 31
    assert "[b]old name" in ok(capsys, "portfolio")

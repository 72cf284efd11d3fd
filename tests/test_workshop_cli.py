"""Workshops as a facilitator scripts them: start, private ballots, reveal in spread order,
agree, close, the summary, and merging snapshots answered offline, conflicts included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer, NAReason
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import Snapshot, dumps
from mllens_tui.store.service import Store
from mllens_tui.workshop import Ballot, discussion_order, spread


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


def test_spread_and_discussion_order(ml_lens: Lens) -> None:
    ballots = {
        "MLOE-01": [Ballot("MLOE-01", "a", level=2), Ballot("MLOE-01", "b", level=2)],
        "MLOE-02": [
            Ballot("MLOE-02", "a", level=0),
            Ballot("MLOE-02", "b", level=4),
            Ballot("MLOE-02", "c", level=1),
        ],
        "MLOE-03": [Ballot("MLOE-03", "a", level=3), Ballot("MLOE-03", "b", not_applicable=True)],
        "MLOE-04": [Ballot("MLOE-04", "a", level=1), Ballot("MLOE-04", "b", level=3)],
    }
    s = spread(ballots["MLOE-02"])
    assert (s.low, s.median, s.high) == (0, 1.0, 4)
    # N/A beside a level is the widest disagreement, then 0..4, then 1..3, then none.
    assert discussion_order(ml_lens, ballots) == ["MLOE-03", "MLOE-02", "MLOE-04", "MLOE-01"]


def test_ballots_are_hidden_until_revealed_then_agreed(db_url: str, ml_lens: Lens) -> None:
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
        store.start_workshop("w", by="fay")
        store.cast_ballot("w", Ballot("MLOE-01", "ann", level=1))
        store.cast_ballot("w", Ballot("MLOE-01", "bo", level=3, notes="we have runbooks"))
        ann = store.workshop("w", viewer="ann")
        assert ann is not None
        q = ann.questions["MLOE-01"]
        assert q.ballot_count == 2 and [b.participant for b in q.visible] == ["ann"]
        assert q.spread is None and not q.revealed
        # Voting is not answering: the workload has no answer yet.
        assert store.answers("w") == {}
        assert store.reveal("w", by="fay") == ["MLOE-01"]
        ann = store.workshop("w", viewer="ann")
        assert ann is not None
        q = ann.questions["MLOE-01"]
        assert [(b.participant, b.level) for b in q.visible] == [("ann", 1), ("bo", 3)]
        assert q.spread is not None and (q.spread.low, q.spread.high) == (1, 3)
        agreed = store.agree(
            "w", Answer("MLOE-01", level=2, notes="runbooks exist, untested"), by="fay"
        )
        assert agreed.revision == 1
        stored = store.answers("w")["MLOE-01"]
        assert (stored.level, stored.answered_by, stored.notes) == (
            2,
            "fay",
            "runbooks exist, untested",
        )
        assert [b.level for b in store.question_ballots("w", "MLOE-01")] == [1, 3]
        closed = store.close_workshop("w", by="fay")
        assert closed.state == "closed" and closed.questions["MLOE-01"].agreed
        with pytest.raises(Exception, match="no workshop is running"):
            store.cast_ballot("w", Ballot("MLOE-02", "ann", level=1))


def test_the_workshop_flow_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ok(capsys, "workload", "create", "w")
    assert "Workshop started" in ok(capsys, "workshop", "start", "w", "--by", "fay")
    code, _, err = run(capsys, "workshop", "start", "w")
    assert code == 1 and "already running" in err
    ok(capsys, "workshop", "vote", "w", "MLOE-01", "2", "--by", "ann")
    ok(capsys, "workshop", "vote", "w", "MLOE-01", "2", "--by", "bo")
    ok(capsys, "workshop", "vote", "w", "MLOE-02", "0", "--by", "ann")
    ok(capsys, "workshop", "vote", "w", "MLOE-02", "4", "--by", "bo")
    ok(capsys, "workshop", "vote", "w", "MLOE-03", "--na", "out_of_scope", "--by", "bo")
    hidden = ok(capsys, "workshop", "status", "w", "--by", "ann")
    assert "hidden: 3" in hidden and "0..4" not in hidden
    assert "ann                  2" in hidden and "bo                   3" in hidden
    revealed = ok(capsys, "workshop", "reveal", "w", "--by", "fay").splitlines()
    order = [line.split()[0] for line in revealed[1:]]
    assert order == ["MLOE-02", "MLOE-01", "MLOE-03"]
    assert "ann 0, bo 4" in revealed[1] and "0..4 (median 2)" in revealed[1]
    agreed = ok(capsys, "workshop", "agree", "w", "MLOE-02", "1", "--notes", "no retraining yet")
    assert "MLOE-02 agreed at level 1" in agreed
    status = json.loads(ok(capsys, "workshop", "status", "w", "--json"))
    assert status["without_consensus"] == ["MLOE-01", "MLOE-03"]
    assert status["widest"][0] == "MLOE-02"
    assert status["participation"] == {"ann": 2, "bo": 3}
    assert list(status["seconds_per_pillar"]) == ["operationalExcellence"]
    text = ok(capsys, "workshop", "status", "w")
    assert "Time per pillar" in text and "Where the group disagreed most" in text
    closed = ok(capsys, "workshop", "close", "w")
    assert "Without an agreed answer: MLOE-01, MLOE-03" in closed
    history = ok(capsys, "history", "w", "MLOE-02")
    assert "ann: 0" in history and "bo: 4" in history and "no retraining yet" in history
    code, _, err = run(capsys, "workshop", "reveal", "w")
    assert code == 1 and "no workshop is running" in err


def _snapshot(tmp_path: Path, lens: Lens, who: str, answers: dict[str, Answer]) -> str:
    snapshot = Snapshot(
        lens.id,
        lens.version,
        lens.content_hash,
        "w",
        answers={qid: Answer(qid, **_fields(a), answered_by=who) for qid, a in answers.items()},
    )
    path = tmp_path / f"{who}.toml"
    path.write_text(dumps(snapshot, lens))
    return str(path)


def _fields(answer: Answer) -> dict[str, object]:
    return {"level": answer.level, "not_applicable": answer.not_applicable, "reason": answer.reason}


def test_merge_reports_conflicts_and_never_averages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ml_lens: Lens, db_url: str
) -> None:
    ok(capsys, "workload", "create", "w")
    ok(capsys, "answer", "w", "MLOE-02", "3", "--by", "before")
    a = _snapshot(
        tmp_path,
        ml_lens,
        "ann",
        {"MLOE-01": Answer("MLOE-01", level=2), "MLOE-02": Answer("MLOE-02", level=0)},
    )
    b = _snapshot(
        tmp_path,
        ml_lens,
        "bo",
        {
            "MLOE-01": Answer("MLOE-01", level=2),
            "MLOE-02": Answer("MLOE-02", level=4),
            "MLOE-03": Answer("MLOE-03", not_applicable=True, reason=NAReason.OUT_OF_SCOPE),
        },
    )
    out = ok(capsys, "workshop", "merge", a, b, "--into", "w")
    assert "2 questions answered where they agree" in out
    assert "1 conflicts, left unchanged" in out and "MLOE-02    ann: level 0, bo: level 4" in out
    with Store.open(db_url) as store:
        answers = store.answers("w")
        assert answers["MLOE-01"].level == 2 and answers["MLOE-03"].not_applicable
        assert answers["MLOE-02"].level == 3  # the conflict left the stored answer alone
    out = ok(capsys, "workshop", "merge", a, b, "--into", "w", "--as-ballots")
    assert "as 5 ballots" in out and "conflicts, to discuss" in out
    revealed = ok(capsys, "workshop", "reveal", "w", "MLOE-02")
    assert "ann 0, bo 4" in revealed
    code, _, err = run(capsys, "workshop", "merge", str(tmp_path / "nope.toml"), "--into", "w")
    assert code == 1 and "nope.toml" in err


def test_present_refuses_an_unknown_workload_or_question(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "present", "nope")
    assert code == 1 and "no workload named 'nope'" in err
    ok(capsys, "workload", "create", "w")
    code, _, err = run(capsys, "present", "w", "--question", "NOPE-1")
    assert code == 1 and "unknown question id 'NOPE-1'" in err


def test_a_stale_answer_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "workload", "create", "w")
    assert "(revision 1)" in ok(capsys, "answer", "w", "MLOE-01", "2", "--by", "ann")
    code, _, err = run(capsys, "answer", "w", "MLOE-01", "4", "--expect-revision", "0")
    assert code == 1
    assert "changed since revision 0: it is now level 2 by ann" in err
    assert "--expect-revision 1" in err
    assert "now at revision 1" in ok(capsys, "history", "w", "MLOE-01")
    assert "(revision 2)" in ok(capsys, "answer", "w", "MLOE-01", "4", "--expect-revision", "1")

"""Reports carry the answers themselves (level or N/A with its reason, notes, evidence, who and
when) and the owner and due date of each plan item, in text, Markdown and JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.report import report_json, report_markdown, report_text
from mllens_tui.scoring import score
from mllens_tui.store import Store

AT = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)


@pytest.fixture
def answers() -> dict[str, Answer]:
    return {
        "MLOE-02": Answer(
            "MLOE-02",
            level=1,
            notes="Runbook *draft* | v2\n- owner: [ops](http://x)\n1. <b>later</b> & more",
            evidence="https://wiki/run_book",
            confidence=Confidence.EVIDENCED,
            answered_by="ann",
            answered_at=AT,
        ),
        "MLOE-01": Answer(
            "MLOE-01",
            not_applicable=True,
            reason=NAReason.BUSINESS_PRIORITIES,
            notes="Not this year",
            answered_by="bo",
            answered_at=AT,
        ),
        "MLOE-03": Answer("MLOE-03", notes="only discussed"),  # unanswered: not listed
    }


OWNERS = {"MLOE-02": Ownership("Ana Lima", date(2027, 3, 31))}


def test_markdown_lists_answers_in_question_order_escaped(
    ml_lens: Lens, answers: dict[str, Answer]
) -> None:
    scores = score(ml_lens, answers)
    md = report_markdown(ml_lens, "w", scores, answers=answers, owners=OWNERS)
    section = md.split("\n## Answers\n", 1)[1]
    assert section.index("**MLOE-01 ") < section.index("**MLOE-02 ")
    assert "MLOE-03" not in section
    assert ": N/A (Business priorities)" in section
    assert "  - Notes: Not this year" in section
    assert (
        "  - Notes: Runbook \\*draft\\* \\| v2\\\n"
        "    \\- owner: \\[ops\\](http://x)\\\n"
        "    1\\. \\<b\\>later\\</b\\> \\& more"
    ) in section
    assert "  - Evidence: https://wiki/run\\_book" in section
    assert "  - Answered by ann · 2026-11-28 10:30 UTC" in section
    gaps = md.split("## Top 10 gaps", 1)[1].split("## Answers")[0]
    assert "**MLOE-02 " in gaps and "   Owner Ana Lima, due 2027-03-31  " in gaps


def test_text_report_has_answers_and_owners(ml_lens: Lens, answers: dict[str, Answer]) -> None:
    scores = score(ml_lens, answers)
    text = report_text(ml_lens, "w", scores, answers=answers, owners=OWNERS, width=60)
    plan = text.split("Improvement plan", 1)[1]
    assert "MLOE-02" in plan and "Ana Lima, due 2027-03-31" in plan
    section = text.split("\nAnswers\n", 1)[1]
    assert "  N/A (Business priorities)" in section
    assert "  Notes: Runbook *draft* | v2\n         - owner: [ops](http://x)" in section
    assert "  Evidence: https://wiki/run_book" in section
    assert all(len(line) <= 60 for line in section.splitlines())


def test_json_report_has_answers_and_owners(ml_lens: Lens, answers: dict[str, Answer]) -> None:
    scores = score(ml_lens, answers)
    doc = json.loads(json.dumps(report_json(ml_lens, "w", scores, answers=answers, owners=OWNERS)))
    assert [a["question"] for a in doc["answers"]] == ["MLOE-01", "MLOE-02"]
    na, levelled = doc["answers"]
    assert na["status"] == "not_applicable" and na["na_reason"] == "business_priorities"
    assert na["notes"] == "Not this year" and na["evidence"] == ""
    assert levelled["notes"] == answers["MLOE-02"].notes
    assert levelled["evidence"] == "https://wiki/run_book" and levelled["na_reason"] is None
    assert levelled["answered_by"] == "ann"
    assert levelled["answered_at"] == "2026-11-28T10:30:00+00:00"
    [item] = doc["plan"]
    assert (item["question"], item["owner"], item["due"]) == ("MLOE-02", "Ana Lima", "2027-03-31")


def test_mllens_report_shows_stored_notes_and_owners(
    capsys: pytest.CaptureFixture[str], db_url: str, ml_lens: Lens, answers: dict[str, Answer]
) -> None:
    with Store.open(db_url) as store:
        store.create_workload("w", ml_lens)
        for answer in answers.values():
            store.set_answer("w", answer)
        store.set_ownership("w", "MLOE-02", OWNERS["MLOE-02"])
    assert main(["report", "w", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["plan"][0]["owner"] == "Ana Lima"
    assert doc["answers"][0]["na_reason"] == "business_priorities"
    assert main(["report", "w", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "Owner Ana Lima, due 2027-03-31" in md and "- Evidence: https://wiki/run\\_book" in md
    assert main(["report", "w", "--width", "70"]) == 0
    text = capsys.readouterr().out
    assert "  Notes: Not this year" in text

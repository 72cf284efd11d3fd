"""Reports: the Markdown a stakeholder reads, the terminal text and the JSON with history."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer
from mllens_tui.history import HistoryPoint
from mllens_tui.lens.model import Lens
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.report import report_json, report_markdown, report_text
from mllens_tui.scoring import Scores, score


@pytest.fixture(scope="module")
def lens() -> Lens:
    return builtin_lens()


def answers(lens: Lens, levels: dict[str, int]) -> dict[str, Answer]:
    return {
        q.id: Answer(q.id, level=levels[q.pillar]) for q in lens.questions if q.pillar in levels
    }


NOW_LEVELS = {"operationalExcellence": 2, "security": 3, "reliability": 1, "performance": 4}
BEFORE_LEVELS = {"operationalExcellence": 1, "security": 3, "reliability": 2}


@pytest.fixture(scope="module")
def now(lens: Lens) -> Scores:
    return score(lens, answers(lens, NOW_LEVELS))


@pytest.fixture(scope="module")
def before(lens: Lens) -> Scores:
    return score(lens, answers(lens, BEFORE_LEVELS))


@pytest.fixture(scope="module")
def history(before: Scores, now: Scores) -> list[HistoryPoint]:
    start = datetime(2026, 2, 1, 10, tzinfo=UTC)
    return [
        HistoryPoint.from_scores(start + timedelta(days=60), "Q2", now),
        HistoryPoint.from_scores(start, "Q1", before),
    ]


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    assert match, heading
    return match.group(1)


def test_markdown_headline(lens: Lens, now: Scores) -> None:
    md = report_markdown(lens, "fraud-detector", now, [], milestone="Q2")
    assert md.startswith(f"# fraud-detector: {lens.name}\n")
    assert "milestone **Q2**" in md
    o = now.overall
    assert f"- **Overall:** {o.score * 100:.1f}%, level {o.level:.1f} of 4" in md
    assert "- **Floor pillar:** Reliability (25.0%)" in md
    assert (
        f"- **Completeness:** {o.completeness * 100:.0f}% ({o.answered} of {o.applicable} "
        "applicable questions answered)" in md
    )
    assert "since" not in md, "no trend without a previous milestone"


def test_markdown_pillar_and_phase_tables(lens: Lens, now: Scores) -> None:
    md = report_markdown(lens, "fraud-detector", now, [])
    pillars = section(md, "Pillars")
    rows = [line for line in pillars.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0].startswith("| Pillar | Score | Level | Answered |")
    assert [row.split(" | ")[0].lstrip("| ") for row in rows[1:]] == [p.name for p in lens.pillars]
    assert "| Security | 75.0% | 3.0 |" in pillars
    assert "| Sustainability | - | - | 0/16 |" in pillars
    phases = section(md, "Phases")
    for phase in lens.phases:
        assert f"| {phase.name} |" in phases


def test_markdown_trend_arrows_since_previous_milestone(
    lens: Lens, now: Scores, before: Scores, history: list[HistoryPoint]
) -> None:
    md = report_markdown(lens, "fraud-detector", now, history, before, previous_label="Q1")
    delta = (now.overall.score - before.overall.score) * 100  # type: ignore[operator]
    assert f"(↑ +{delta:.1f} pts since Q1)" in md
    pillars = section(md, "Pillars")
    assert pillars.splitlines()[1].endswith("| Trend |")
    assert re.search(r"^\| Operational Excellence \|.*\| ↑ \+25\.0 pts \|$", pillars, re.M)
    assert re.search(r"^\| Reliability \|.*\| ↓ -25\.0 pts \|$", pillars, re.M)
    assert re.search(r"^\| Security \|.*\| = \+0\.0 pts \|$", pillars, re.M)
    assert re.search(r"^\| Performance Efficiency \|.*\| - \|$", pillars, re.M)
    over_time = section(md, "Over time")
    q1, q2 = over_time.index("| 2026-02-01 | Q1 |"), over_time.index("| 2026-04-02 | Q2 |")
    assert q1 < q2, "history in time order"


def test_markdown_top_ten_gaps_with_guidance_and_links(lens: Lens, now: Scores) -> None:
    md = report_markdown(lens, "fraud-detector", now, [])
    gaps = section(md, "Top 10 gaps")
    items = re.findall(r"^(\d+)\. \*\*(\S+) (.+?)\*\*", gaps, re.M)
    assert [int(n) for n, _, _ in items] == list(range(1, 11))
    assert [qid for _, qid, _ in items] == [item.question_id for item in now.plan[:10]]
    for item in now.plan[:10]:
        question = lens.question(item.question_id)
        assert question is not None
        assert f"**{question.ids} {question.title}**" in gaps
        assert f"Next step: {question.guidance_from(item.level)}" in gaps
        assert f"<{question.url}>" in gaps
    first = now.plan[0]
    level_name = lens.level(first.level).name  # type: ignore[arg-type, union-attr]
    assert f"level {first.level} ({level_name}) -> 3 (Defined)" in gaps
    assert "applicable questions are not answered yet" in md


def test_markdown_with_nothing_below_target(lens: Lens) -> None:
    perfect = score(lens, {q.id: Answer(q.id, level=4) for q in lens.questions})
    md = report_markdown(lens, "fraud-detector", perfect, [])
    assert "No answered question is below its target." in md


def test_json_is_the_scoring_json_plus_history(
    lens: Lens, now: Scores, before: Scores, history: list[HistoryPoint]
) -> None:
    doc = report_json(lens, "fraud-detector", now, history, before, "Q2", previous_label="Q1")
    assert json.loads(json.dumps(doc)) == doc
    for key, value in now.to_json().items():
        assert doc[key] == value
    assert doc["workload"] == "fraud-detector" and doc["milestone"] == "Q2"
    assert [p["label"] for p in doc["history"]] == ["Q1", "Q2"]
    assert doc["history"][0] == {
        "at": "2026-02-01T10:00:00Z",
        "label": "Q1",
        "kind": "milestone",
        "answered": before.overall.answered,
        "overall": before.overall.score,
        "pillars": {k: g.score for k, g in before.pillars.items()},
    }
    assert doc["trend"]["since"] == "Q1"
    assert doc["trend"]["overall"]["delta"] == pytest.approx(
        now.overall.score - before.overall.score  # type: ignore[operator]
    )
    assert doc["trend"]["pillars"]["performance"]["delta"] is None


def test_json_without_history_has_an_empty_series(lens: Lens, now: Scores) -> None:
    doc = report_json(lens, "fraud-detector", now)
    assert doc["history"] == [] and "trend" not in doc


def test_text_report_has_summary_charts_and_history(
    lens: Lens, now: Scores, before: Scores, history: list[HistoryPoint]
) -> None:
    text = report_text(lens, "fraud-detector", now, history, before, previous_label="Q1", width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "fraud-detector - AWS Well-Architected Machine Learning Lens" in text
    assert "Since Q1" in text
    assert re.search(r"Reliability\s+25%┤", text), "pillar bars with values"
    assert "Pillar x phase" in text and "·" in text
    assert "Score over time" in text and "2026-02-01" in text and "2026-04-02" in text
    assert "\x1b[" not in text, "plain text unless colour is asked for"


def test_text_report_of_an_empty_assessment_says_no_data_yet(lens: Lens) -> None:
    text = report_text(lens, "fresh", score(lens, {}), [], width=80)
    assert "Pillar scores: no data yet" in text
    assert "Pillar x phase: no data yet" in text
    assert "┤" not in text


def test_markdown_lists_each_answer_with_both_ids_its_evidence_and_notes(lens: Lens) -> None:
    from mllens_tui.assessment import NAReason

    given = {
        "MLOE-01": Answer(
            "MLOE-01",
            level=2,
            evidence="https://wiki/skills-matrix",
            notes="Matrix kept by Ana.\nNext refresh in June.",
        ),
        "MLOE-02": Answer("MLOE-02", not_applicable=True, reason=NAReason("out_of_scope")),
        "MLSEC-01": Answer("MLSEC-01", level=0),
    }
    md = report_markdown(lens, "fraud-detector", score(lens, given), [], answers=given)
    answered = section(md, "Answers")
    assert (
        "- **MLOE-01 · MLOPS01-BP01 Develop the right skills with accountability and "
        "empowerment**: level 2 (Repeatable)\n"
        "  - Evidence: https://wiki/skills-matrix\n"
        "  - Notes: Matrix kept by Ana.\\\n"
        "    Next refresh in June.\n"
    ) in answered
    assert "**MLOE-02 · MLOPS01-BP02 " in answered and ": N/A (" in answered
    assert "**MLSEC-01 · MLSEC01-BP01 " in answered and "Evidence: none given" in answered
    assert answered.count("\n- **") + answered.startswith("- **") == 3  # unanswered: left out
    gaps = section(md, "Top 10 gaps")
    assert "**MLSEC-01 · MLSEC01-BP01 " in gaps
    # Without answers (the JSON and text reports' callers), no such section.
    assert "## Answers" not in report_markdown(lens, "f", score(lens, given), [])


def test_markdown_gaps_of_a_choice_question_list_the_plans_that_lower_its_risk() -> None:
    from mllens_tui.lens.aws_json import load_aws_lens

    lens = load_aws_lens(Path(__file__).parent / "fixtures/lenses/batch-inference-lens.json")
    given = {"OPS_1": Answer("OPS_1", choices=("OPS_1_1",))}
    ops = lens.question("OPS_1")
    assert ops is not None
    _, two, three, _ = ops.choices
    md = report_markdown(lens, "nightly", score(lens, given), [], answers=given)
    gaps = section(md, "Top 10 gaps")
    assert (
        "   To lower the risk:  \n"
        f"   - {two.title}: {two.improvement_plan} <{two.improvement_url}>  \n"
        f"   - {three.title}: {three.improvement_plan} <{three.improvement_url}>\n"
    ) in gaps
    assert ops.choices[0].improvement_plan not in gaps  # chosen already

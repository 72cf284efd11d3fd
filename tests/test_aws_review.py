"""Reviews from and to the AWS Well-Architected Tool, as a user runs them: import the AWS
CLI's list-answers / get-answer output, export update-answer inputs and a shell script.

The fixtures below are written in the shapes of the AWS Well-Architected Tool API reference
(ListAnswers, GetAnswer), which the AWS CLI prints unchanged."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_fixtures import fixture_lens, write_json

from mllens_tui.cli import main
from mllens_tui.store.service import Store

WORKLOAD_ID = "0123456789abcdef0123456789abcdef"
LENS_ARN = "arn:aws:wellarchitected:us-east-1:123456789012:lens/0123456789abcdef"
LENS_ID = "model-ops-review"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


@pytest.fixture
def installed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """The fixture custom lens, installed as a user would."""
    ok(capsys, "lens", "import", str(write_json(tmp_path / "ops.json", fixture_lens())))
    return LENS_ID


def summary(question: str, pillar: str, **fields: Any) -> dict[str, Any]:
    """One AnswerSummary as list-answers prints it."""
    return {
        "QuestionId": question,
        "PillarId": pillar,
        "QuestionTitle": f"Title of {question}",
        "Choices": [],
        "SelectedChoices": [],
        "ChoiceAnswerSummaries": [],
        "IsApplicable": True,
        "Risk": "UNANSWERED",
        "QuestionType": "PRIORITIZED",
        **fields,
    }


def list_answers(*answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "WorkloadId": WORKLOAD_ID,
        "LensAlias": LENS_ARN,
        "LensArn": LENS_ARN,
        "AnswerSummaries": list(answers),
    }


def review_file(tmp_path: Path) -> Path:
    return write_json(
        tmp_path / "answers.json",
        list_answers(
            summary(
                "mo_deploy",
                "modelOps",
                SelectedChoices=["mo_deploy_ci", "mo_deploy_rollback"],
                ChoiceAnswerSummaries=[
                    {"ChoiceId": "mo_deploy_ci", "Status": "SELECTED"},
                    {"ChoiceId": "mo_deploy_rollback", "Status": "SELECTED"},
                    {"ChoiceId": "mo_deploy_canary", "Status": "UNSELECTED"},
                ],
                Risk="MEDIUM",
            ),
            summary(
                "sec_access",
                "security",
                IsApplicable=False,
                Reason="BUSINESS_PRIORITIES",
                Risk="NOT_APPLICABLE",
            ),
            summary("sec_data", "security"),
        ),
    )


def get_answer() -> dict[str, Any]:
    return {
        "WorkloadId": WORKLOAD_ID,
        "LensAlias": LENS_ARN,
        "LensArn": LENS_ARN,
        "Answer": {
            "QuestionId": "sec_data",
            "PillarId": "security",
            "QuestionTitle": "Is training data encrypted?",
            "QuestionDescription": "",
            "Choices": [],
            "SelectedChoices": ["sec_data_enc"],
            "ChoiceAnswers": [
                {"ChoiceId": "sec_data_enc", "Status": "SELECTED", "Reason": "NONE", "Notes": ""},
                {"ChoiceId": "sec_data_transit", "Status": "NOT_APPLICABLE", "Reason": "OTHER"},
            ],
            "IsApplicable": True,
            "Risk": "NONE",
            "Notes": "KMS keys per dataset",
            "Reason": "NONE",
        },
    }


def stored(db_url: str, workload: str) -> dict[str, Any]:
    with Store.open(db_url) as store:
        return {
            "lens": store.get_workload(workload).lens_id,
            "answers": store.answers(workload),
            "milestones": [m.name for m in store.list_milestones(workload)],
        }


# -- import -------------------------------------------------------------------------------------


def test_list_answers_creates_a_workload_with_a_milestone_and_reports_risks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    path = review_file(tmp_path)
    out = ok(capsys, "import-aws-review", str(path), "--workload", "fraud")
    state = stored(db_url, "fraud")
    assert state["lens"] == LENS_ID
    answers = state["answers"]
    assert answers["mo_deploy"].choices == ("mo_deploy_ci", "mo_deploy_rollback")
    assert answers["sec_access"].not_applicable
    assert answers["sec_access"].reason.value == "business_priorities"
    assert "sec_data" not in answers
    assert len(state["milestones"]) == 1
    assert state["milestones"][0].startswith("AWS review ")
    assert f"milestone {state['milestones'][0]!r}" in out
    assert "(created; 1 answered, 1 N/A)" in out
    # AWS said MEDIUM; this lens's rules give NONE for CI + rollback.
    assert "Risk differs from this tool's rules on 1 question:\n" in out
    assert "  mo_deploy: AWS MEDIUM, here NONE\n" in out


def test_get_answer_updates_the_workload_and_keeps_the_other_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    ok(capsys, "import-aws-review", str(review_file(tmp_path)), "--workload", "fraud")
    path = write_json(tmp_path / "one.json", get_answer())
    out = ok(capsys, "import-aws-review", str(path), "--workload", "fraud")
    assert "(updated; 2 answered, 1 N/A)" in out
    assert "Every risk AWS reports matches this tool's rules." in out
    state = stored(db_url, "fraud")
    data = state["answers"]["sec_data"]
    assert data.choices == ("sec_data_enc",)
    assert data.notes == "KMS keys per dataset"
    assert data.answered_by == "AWS Well-Architected Tool"
    assert state["answers"]["mo_deploy"].choices == ("mo_deploy_ci", "mo_deploy_rollback")
    assert len(state["milestones"]) == 2


def test_list_answers_keeps_notes_recorded_here(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    # list-answers carries no notes: the notes written here stay.
    ok(capsys, "import-aws-review", str(review_file(tmp_path)), "--workload", "fraud")
    ok(capsys, "answer", "fraud", "mo_deploy", "--choices", "mo_deploy_ci", "--notes", "Ask Ann")
    ok(capsys, "import-aws-review", str(review_file(tmp_path)), "--workload", "fraud")
    answer = stored(db_url, "fraud")["answers"]["mo_deploy"]
    assert answer.notes == "Ask Ann"
    assert answer.choices == ("mo_deploy_ci", "mo_deploy_rollback")


def test_the_workload_name_defaults_to_the_aws_workload_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    ok(capsys, "import-aws-review", str(review_file(tmp_path)))
    assert stored(db_url, f"AWS workload {WORKLOAD_ID}")["lens"] == LENS_ID


def test_pages_of_list_answers_in_one_array_are_read_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    pages = [
        {
            **list_answers(summary("mo_deploy", "modelOps", SelectedChoices=["mo_deploy_no"])),
            "NextToken": "page2",
        },
        list_answers(summary("sec_data", "security", SelectedChoices=["sec_data_enc"])),
    ]
    ok(capsys, "import-aws-review", str(write_json(tmp_path / "p.json", pages)), "--workload", "w")
    answers = stored(db_url, "w")["answers"]
    assert answers["mo_deploy"].choices == ("mo_deploy_no",)
    assert answers["sec_data"].choices == ("sec_data_enc",)


def test_a_file_combining_none_of_these_with_other_choices_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    path = write_json(
        tmp_path / "mixed.json",
        list_answers(
            summary(
                "mo_deploy",
                "modelOps",
                SelectedChoices=["mo_deploy_ci", "mo_deploy_no"],
                Risk="HIGH",
            )
        ),
    )
    out = ok(capsys, "import-aws-review", str(path), "--workload", "w")
    assert (
        "note: AnswerSummaries[0]: mo_deploy combines 'None of these' with other choices; "
        "kept mo_deploy_no (the last chosen)\n"
    ) in out
    assert stored(db_url, "w")["answers"]["mo_deploy"].choices == ("mo_deploy_no",)


def _bad(tmp_path: Path, document: object) -> Path:
    return write_json(tmp_path / "bad.json", document)


BAD_INPUTS = [
    (
        {"Workloads": []},
        "bad.json: expected the output of 'aws wellarchitected list-answers' (AnswerSummaries) "
        "or 'get-answer' (Answer)",
    ),
    (
        list_answers(summary("mo_deploy", "modelOps"), summary("mo_ship", "modelOps")),
        "bad.json: AnswerSummaries[1].QuestionId: unknown question id 'mo_ship' in lens "
        "'model-ops-review'",
    ),
    (
        list_answers(
            summary("mo_deploy", "modelOps", SelectedChoices=["mo_deploy_ci", "mo_deploy_fast"])
        ),
        "bad.json: AnswerSummaries[0].SelectedChoices[1]: unknown choice 'mo_deploy_fast' for "
        "question 'mo_deploy' (its choices: mo_deploy_ci, mo_deploy_canary, mo_deploy_rollback, "
        "mo_deploy_no)",
    ),
    (
        list_answers(summary("mo_deploy", "modelOps", Risk="LOW")),
        "bad.json: AnswerSummaries[0].Risk: expected one of: UNANSWERED | HIGH | MEDIUM | NONE "
        "| NOT_APPLICABLE",
    ),
    (
        list_answers(summary("mo_deploy", "modelOps", IsApplicable="no")),
        "bad.json: AnswerSummaries[0].IsApplicable: expected true or false",
    ),
    (
        {"Answer": {**get_answer()["Answer"], "ChoiceAnswers": [{"ChoiceId": "sec_data_enc"}]}},
        "bad.json: Answer.ChoiceAnswers[0].Status: expected one of: SELECTED | NOT_APPLICABLE "
        "| UNSELECTED",
    ),
    (
        list_answers(summary("mo_deploy", "security")),
        "bad.json: AnswerSummaries[0].PillarId: question 'mo_deploy' is in pillar 'modelOps', "
        "not 'security'",
    ),
]


@pytest.mark.parametrize(("document", "message"), BAD_INPUTS)
def test_bad_input_is_refused_naming_file_and_key_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    db_url: str,
    installed: str,
    document: object,
    message: str,
) -> None:
    path = _bad(tmp_path, document)
    code, _, err = run(capsys, "import-aws-review", str(path), "--workload", "w")
    assert code == 1
    assert f"  - {tmp_path}/{message}\n" in err
    assert "Traceback" not in err
    with Store.open(db_url) as store:
        assert store.list_workloads() == []


def test_not_json_is_refused_with_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, installed: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"AnswerSummaries": [\n  {"QuestionId": }\n]}', encoding="utf-8")
    code, _, err = run(capsys, "import-aws-review", str(path), "--workload", "w")
    assert code == 1
    assert f"{path}: line 2, column 18: not valid JSON: Expecting value" in err


def test_a_review_for_a_lens_not_installed_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    code, _, err = run(capsys, "import-aws-review", str(review_file(tmp_path)), "--workload", "w")
    assert code == 1
    assert "no installed lens has the questions of this review" in err
    with Store.open(db_url) as store:
        assert store.list_workloads() == []


def test_a_built_in_lens_workload_cannot_take_an_aws_review(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    ok(capsys, "workload", "create", "ml")
    code, _, err = run(capsys, "import-aws-review", str(review_file(tmp_path)), "--workload", "ml")
    assert code == 1
    assert "is scored by maturity levels" in err
    assert stored(db_url, "ml")["milestones"] == []


# -- export ---------------------------------------------------------------------------------------


@pytest.fixture
def answered(capsys: pytest.CaptureFixture[str], installed: str) -> str:
    ok(capsys, "--lens", LENS_ID, "workload", "create", "fraud")
    ok(capsys, "answer", "fraud", "mo_deploy", "--choices", "mo_deploy_rollback,mo_deploy_ci")
    notes = 'Owner: Bo\'s team; see "runbook"\nsecond line $HOME `x`'
    ok(capsys, "answer", "fraud", "sec_access", "--na", "business_priorities", "--notes", notes)
    return "fraud"


def test_export_writes_one_update_answer_input_per_answered_question(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, answered: str
) -> None:
    target = tmp_path / "answers.json"
    out = ok(
        capsys,
        "export-aws-review",
        answered,
        "-o",
        str(target),
        "--workload-id",
        WORKLOAD_ID,
        "--lens-alias",
        LENS_ARN,
    )
    assert "Wrote 2 update-answer inputs" in out
    assert "(1 question without answers left out); nothing was sent to AWS" in out
    assert json.loads(target.read_text(encoding="utf-8")) == [
        {
            "WorkloadId": WORKLOAD_ID,
            "LensAlias": LENS_ARN,
            "QuestionId": "mo_deploy",
            "SelectedChoices": ["mo_deploy_ci", "mo_deploy_rollback"],
            "IsApplicable": True,
        },
        {
            "WorkloadId": WORKLOAD_ID,
            "LensAlias": LENS_ARN,
            "QuestionId": "sec_access",
            "SelectedChoices": [],
            "IsApplicable": False,
            "Reason": "BUSINESS_PRIORITIES",
            "Notes": 'Owner: Bo\'s team; see "runbook"\nsecond line $HOME `x`',
        },
    ]


def test_export_cuts_notes_at_the_aws_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, answered: str
) -> None:
    ok(capsys, "answer", answered, "mo_deploy", "--choices", "mo_deploy_ci", "--notes", "n" * 3000)
    target = tmp_path / "answers.json"
    ok(capsys, "export-aws-review", answered, "-o", str(target))
    notes = json.loads(target.read_text(encoding="utf-8"))[0]["Notes"]
    assert len(notes) == 2084
    assert notes == "n" * 2083 + "…"


def test_the_shell_script_runs_update_answer_with_every_input_quoted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, answered: str
) -> None:
    script = tmp_path / "push.sh"
    odd_id = "wl-'1' $(x)"
    ok(capsys, "export-aws-review", answered, "-o", str(script), "--workload-id", odd_id)
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert f"WORKLOAD_ID={shlex.quote(odd_id)}\n" in text
    assert script.stat().st_mode & stat.S_IXUSR
    # Run it against a stand-in 'aws' that records its arguments, one JSON array per call.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    fake = bin_dir / "aws"
    fake.write_text(
        "#!/usr/bin/env python3\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "LENS_ALIAS": LENS_ARN,
    }
    subprocess.run(["sh", str(script)], check=True, env=env)
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [call[:6] for call in calls] == [
        ["wellarchitected", "update-answer", "--workload-id", odd_id, "--lens-alias", LENS_ARN]
    ] * 2
    assert [call[6] for call in calls] == ["--cli-input-json"] * 2
    assert [json.loads(call[7]) for call in calls] == [
        {
            "QuestionId": "mo_deploy",
            "SelectedChoices": ["mo_deploy_ci", "mo_deploy_rollback"],
            "IsApplicable": True,
        },
        {
            "QuestionId": "sec_access",
            "SelectedChoices": [],
            "IsApplicable": False,
            "Reason": "BUSINESS_PRIORITIES",
            "Notes": 'Owner: Bo\'s team; see "runbook"\nsecond line $HOME `x`',
        },
    ]


def test_the_script_without_lens_alias_stops_before_any_call(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, answered: str
) -> None:
    script = tmp_path / "push.sh"
    ok(capsys, "export-aws-review", answered, "-o", str(script), "--workload-id", "w1")
    env = {k: v for k, v in os.environ.items() if k != "LENS_ALIAS"}
    env["PATH"] = f"{tmp_path}{os.pathsep}{env['PATH']}"
    done = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "set LENS_ALIAS to the ARN of the custom lens" in done.stderr


def test_a_script_needs_the_aws_workload_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, answered: str
) -> None:
    code, _, err = run(capsys, "export-aws-review", answered, "-o", str(tmp_path / "push.sh"))
    assert code == 2
    assert "--workload-id ID" in err
    assert not (tmp_path / "push.sh").exists()


def test_an_ml_lens_workload_exports_practices_at_level_3_as_selected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ok(capsys, "workload", "create", "ml")
    # Operational excellence x business goal: MLOE-01, MLOE-02, MLOE-03.
    ok(capsys, "answer", "ml", "MLOE-01", "3", "--notes", "skills matrix")
    ok(capsys, "answer", "ml", "MLOE-02", "2")
    ok(capsys, "answer", "ml", "MLOE-03", "4")
    # Security x business goal has one practice, below level 3: "None of these".
    ok(capsys, "answer", "ml", "MLSEC-01", "1")
    # Reliability x problem framing: every practice N/A.
    ok(capsys, "answer", "ml", "MLREL-01", "--na", "out_of_scope")
    ok(capsys, "answer", "ml", "MLREL-02", "--na", "out_of_scope")
    target = tmp_path / "ml.json"
    ok(capsys, "export-aws-review", "ml", "-o", str(target))
    inputs = {i["QuestionId"]: i for i in json.loads(target.read_text(encoding="utf-8"))}
    assert inputs == {
        "operationalExcellence_business_goal": {
            "QuestionId": "operationalExcellence_business_goal",
            "SelectedChoices": ["MLOE_01", "MLOE_03"],
            "IsApplicable": True,
            "Notes": "MLOE-01: skills matrix",
        },
        "security_business_goal": {
            "QuestionId": "security_business_goal",
            "SelectedChoices": ["none_no"],
            "IsApplicable": True,
        },
        "reliability_problem_framing": {
            "QuestionId": "reliability_problem_framing",
            "SelectedChoices": [],
            "IsApplicable": False,
            "Reason": "OUT_OF_SCOPE",
        },
    }


def test_export_aws_review_help_says_how_levels_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export-aws-review", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "a practice at level 3 (Defined) or above counts as its choice selected" in help_text


# -- "None of these" on the command line ----------------------------------------------------------


def test_answer_none_of_these_clears_the_choices_before_it(
    capsys: pytest.CaptureFixture[str], db_url: str, answered: str
) -> None:
    code, out, err = run(
        capsys, "answer", answered, "mo_deploy", "--choices", "mo_deploy_ci,mo_deploy_no"
    )
    assert code == 0
    assert "mo_deploy = choices mo_deploy_no;" in out
    assert "note: 'None of these' excludes the other choices of 'mo_deploy'" in err
    assert stored(db_url, answered)["answers"]["mo_deploy"].choices == ("mo_deploy_no",)


def test_answer_another_choice_clears_none_of_these(
    capsys: pytest.CaptureFixture[str], db_url: str, answered: str
) -> None:
    code, _, _ = run(
        capsys,
        "answer",
        answered,
        "mo_deploy",
        "--choices",
        "mo_deploy_no,mo_deploy_canary,mo_deploy_ci",
    )
    assert code == 0
    assert stored(db_url, answered)["answers"]["mo_deploy"].choices == (
        "mo_deploy_ci",
        "mo_deploy_canary",
    )


# -- start-up cost -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "import mllens_tui.aws_review",
        "import mllens_tui.lens.aws_export",
        "from mllens_tui.cli import build_parser\nbuild_parser()",
    ],
)
def test_the_aws_core_and_parsers_load_no_database_or_ui_code(code: str) -> None:
    import sys

    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert not loaded & {"textual", "sqlmodel", "sqlalchemy", "plotext"}

"""The TOML lens loader: every class of error is located by file and key path, all at once."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from mllens_tui.lens.loader import load_lens
from mllens_tui.paths import builtin_lens_dir
from mllens_tui.problems import InputError

HEADER = """\
id = "tiny"
name = "Tiny lens"
version = "1"

[[pillars]]
id = "ops"
name = "Operations"

[[pillars]]
id = "sec"
name = "Security"

[[phases]]
id = "build"
name = "Build"

[[levels]]
level = 0
name = "No"
value = 0.0
risk = "HIGH"

[[levels]]
level = 1
name = "Yes"
value = 1.0
risk = "NONE"
"""

QUESTION = """\
[[questions]]
id = "{id}"
title = "A practice"
pillar = "{pillar}"
phase = "build"
weight = {weight}
url = "{url}"
prompt = "Do you do it?"
levels = ["We do not.", "We do."]
guidance = ["Start doing it."]
"""


def question(
    id: str = "Q-1", pillar: str = "ops", weight: str = "2", url: str = "https://example.com/q"
) -> str:
    return QUESTION.format(id=id, pillar=pillar, weight=weight, url=url)


def write_lens(tmp_path: Path, *questions: str, header: str = HEADER) -> Path:
    folder = tmp_path / "lens"
    folder.mkdir(parents=True)
    (folder / "lens.toml").write_text(header)
    (folder / "questions.toml").write_text("\n".join(questions))
    return folder


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_lens(path)
    return [str(p) for p in info.value.problems]


def test_a_valid_small_lens_loads(tmp_path: Path) -> None:
    lens = load_lens(write_lens(tmp_path, question(), question("Q-2", "sec")))
    assert [q.id for q in lens.questions] == ["Q-1", "Q-2"]
    assert lens.max_level == 1
    assert lens.questions_in(pillar="sec")[0].id == "Q-2"


def test_single_file_lens(tmp_path: Path) -> None:
    file = tmp_path / "one.toml"
    file.write_text(HEADER + "\n" + question())
    assert load_lens(file).id == "tiny"


def test_toml_syntax_error_gives_file_line_and_column(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, question())
    (folder / "questions.toml").write_text('[[questions]]\nid = "Q-1\n')
    [message] = problems_of(folder)
    assert "questions.toml" in message
    assert "line 2" in message and "column" in message


def test_folder_without_header(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, question())
    (folder / "lens.toml").unlink()
    [message] = problems_of(folder)
    assert "lens.toml" in message


def test_missing_path() -> None:
    [message] = problems_of(Path("/nonexistent/lens"))
    assert "no such file or folder" in message


def test_duplicate_question_ids(tmp_path: Path) -> None:
    [message] = problems_of(write_lens(tmp_path, question(), question()))
    assert "questions.Q-1.id" in message and "duplicate question id 'Q-1'" in message


def test_duplicate_pillar_ids(tmp_path: Path) -> None:
    header = HEADER.replace('id = "sec"', 'id = "ops"')
    messages = problems_of(write_lens(tmp_path, question(), header=header))
    assert any("pillars[1].id: duplicate id 'ops'" in m for m in messages)


def test_unknown_pillar_and_phase(tmp_path: Path) -> None:
    broken = question(pillar="ops").replace('phase = "build"', 'phase = "ship"')
    messages = problems_of(write_lens(tmp_path, question("Q-2", "nope"), broken))
    assert any("questions.Q-2.pillar: unknown pillar 'nope'" in m for m in messages)
    assert any("questions.Q-1.phase: unknown phase 'ship'" in m for m in messages)


def test_missing_and_miscounted_level_descriptions(tmp_path: Path) -> None:
    missing = question("Q-1").replace('levels = ["We do not.", "We do."]\n', "")
    short = question("Q-2").replace('["We do not.", "We do."]', '["Only one."]')
    messages = problems_of(write_lens(tmp_path, missing, short))
    assert any("questions.Q-1.levels: missing" in m for m in messages)
    assert any("questions.Q-2.levels: expected 2 level descriptions" in m for m in messages)


@pytest.mark.parametrize("weight", ["0", "-1", '"3"', "true", "nan", "inf"])
def test_bad_weight(tmp_path: Path, weight: str) -> None:
    [message] = problems_of(write_lens(tmp_path, question(weight=weight)))
    assert "questions.Q-1.weight" in message


@pytest.mark.parametrize("url", ["ftp://example.com/x", "not a url", "https://"])
def test_bad_url(tmp_path: Path, url: str) -> None:
    [message] = problems_of(write_lens(tmp_path, question(url=url)))
    assert "questions.Q-1.url: expected an http(s) URL" in message


def test_bad_levels_table(tmp_path: Path) -> None:
    header = HEADER.replace("value = 1.0", "value = 1.5").replace(
        'risk = "NONE"', 'risk = "LOWISH"'
    )
    header = header.replace("level = 1", "level = 3")
    messages = problems_of(write_lens(tmp_path, question(), header=header))
    assert any("levels[1].value: expected a number from 0 to 1" in m for m in messages)
    assert any("levels[1].risk: expected one of HIGH, MEDIUM, NONE" in m for m in messages)
    assert any("levels[1].level: expected 1" in m for m in messages)


def test_unknown_key_catches_typos(tmp_path: Path) -> None:
    [message] = problems_of(write_lens(tmp_path, question().replace("weight", "wieght")))
    assert "questions.Q-1.wieght: unknown key" in message


def test_wrong_guidance_count(tmp_path: Path) -> None:
    broken = question().replace('["Start doing it."]', '["a", "b", "c"]')
    [message] = problems_of(write_lens(tmp_path, broken))
    assert "questions.Q-1.guidance: expected 1 steps" in message


def test_missing_header_fields(tmp_path: Path) -> None:
    header = HEADER.replace('name = "Tiny lens"\n', "").replace('version = "1"\n', "")
    messages = problems_of(write_lens(tmp_path, question(), header=header))
    assert any(
        m.endswith("lens.toml: name: missing (expected a non-empty string)") for m in messages
    )
    assert any("version: missing" in m for m in messages)


def test_all_errors_are_reported_together(tmp_path: Path) -> None:
    messages = problems_of(
        write_lens(tmp_path, question(weight="0"), question("Q-2", "nope"), question("Q-2"))
    )
    assert len(messages) == 3


def test_choice_questions_and_risk_rules(tmp_path: Path) -> None:
    choice_q = textwrap.dedent(
        """\
        [[questions]]
        id = "C-1"
        title = "Choices"
        pillar = "ops"
        phase = "build"
        prompt = "Which do you do?"
        choices = [{id = "a", title = "A"}, {id = "b", title = "B"}, {id = "c_no", title = "None"}]
        risk_rules = [
            {condition = "a && b", risk = "NONE"},
            {condition = "a || zz", risk = "MEDIUM"},
            {condition = "a && (", risk = "HIGH"},
        ]
        """
    )
    messages = problems_of(write_lens(tmp_path, choice_q))
    assert any("risk_rules[1].condition: unknown choice 'zz'" in m for m in messages)
    assert any("risk_rules[2].condition" in m for m in messages)


def test_a_broken_copy_of_the_builtin_lens_is_located(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(builtin_lens_dir(), folder)
    sec = folder / "02-security.toml"
    sec.write_text(sec.read_text().replace('id = "MLSEC-04"', 'id = "MLSEC-03"', 1))
    [message] = problems_of(folder)
    assert "02-security.toml: questions.MLSEC-03.id: duplicate question id 'MLSEC-03'" in message


def test_content_hash_changes_with_wording_not_formatting(tmp_path: Path) -> None:
    base = load_lens(write_lens(tmp_path / "a", question())).content_hash
    reformatted = question().replace('title = "A practice"', 'title   =   "A practice"  # c')
    assert load_lens(write_lens(tmp_path / "b", reformatted)).content_hash == base
    reworded = question().replace("Do you do it?", "Do you really do it?")
    assert load_lens(write_lens(tmp_path / "c", reworded)).content_hash != base


EDITION_2025 = """\
id_2025 = "{id_2025}"
phase_2025 = "{phase_2025}"
scope = "{scope}"
evidence = {evidence}
"""


def question_2025(
    id: str = "Q-1",
    id_2025: str = "MLOPS01-BP01",
    *,
    phase_2025: str = "ship",
    scope: str = "organisation",
    evidence: str = '["Nothing to open.", "A signed record."]',
) -> str:
    extra = EDITION_2025.format(
        id_2025=id_2025, phase_2025=phase_2025, scope=scope, evidence=evidence
    )
    return question(id).replace("[[questions]]\n", "[[questions]]\n" + extra)


HEADER_2025 = HEADER.replace(
    "[[levels]]\nlevel = 0", '[[phases]]\nid = "ship"\nname = "Ship"\n\n[[levels]]\nlevel = 0'
)


def test_2025_keys_load_and_either_id_finds_the_question(tmp_path: Path) -> None:
    lens = load_lens(write_lens(tmp_path, question_2025(), question("Q-2"), header=HEADER_2025))
    first, second = lens.questions
    assert (first.id_2025, first.phase, first.phase_2025) == ("MLOPS01-BP01", "build", "ship")
    assert (first.scope, first.evidence) == (
        "organisation",
        ("Nothing to open.", "A signed record."),
    )
    # The new keys are optional: without them a question is scoped to the workload.
    assert (second.id_2025, second.phase_2025, second.scope, second.evidence) == (
        "",
        "build",
        "workload",
        (),
    )
    for key in ("Q-1", "q-1", "MLOPS01-BP01", "mlops01-bp01"):
        assert lens.question(key) is first
        assert lens.canonical_id(key) == "Q-1"
    assert lens.question("MLOPS01-BP02") is None


def test_bad_2025_keys_are_located(tmp_path: Path) -> None:
    broken = question_2025(
        id_2025="OPS-1",
        phase_2025="later",
        scope="team",
        evidence='["Only one."]',
    )
    messages = problems_of(write_lens(tmp_path, broken, header=HEADER_2025))
    where = "questions.toml: questions.Q-1"
    assert any(f"{where}.id_2025: expected a 2025 best-practice id" in m for m in messages)
    assert any(f"{where}.phase_2025: unknown phase 'later'" in m for m in messages)
    assert any(f"{where}.scope: expected one of workload, organisation" in m for m in messages)
    assert any(f"{where}.evidence: expected 2 evidence texts" in m for m in messages)


def test_a_2025_id_may_not_name_another_question(tmp_path: Path) -> None:
    same_2025 = question_2025("Q-2", "MLOPS01-BP01")
    messages = problems_of(write_lens(tmp_path, question_2025(), same_2025, header=HEADER_2025))
    assert any(
        "questions.Q-2.id_2025: 'MLOPS01-BP01' is already an id of question 'Q-1'" in m
        for m in messages
    )
    # A 2025 id that is another question's 2023 id would make that id ambiguous.
    messages = problems_of(
        write_lens(
            tmp_path / "b",
            question_2025("MLOPS01-BP02", "MLOPS01-BP01"),
            question_2025("Q-2", "MLOPS01-BP02"),
            header=HEADER_2025,
        )
    )
    assert any(
        "questions.Q-2.id_2025: 'MLOPS01-BP02' is already an id of question 'MLOPS01-BP02'" in m
        for m in messages
    )


def test_level_risk_practice_is_the_questions_aws_risk(tmp_path: Path) -> None:
    from mllens_tui.assessment import Answer, Profile
    from mllens_tui.scoring import score

    header = HEADER.replace('risk = "HIGH"', 'risk = "PRACTICE"')
    rated = question("Q-2").replace("weight = 2", 'aws_risk = "MEDIUM"\nweight = 2')
    lens = load_lens(write_lens(tmp_path, question(), rated, header=header))
    answers = {qid: Answer(qid, level=0) for qid in ("Q-1", "Q-2")}
    risks = {qid: qs.risk for qid, qs in score(lens, answers, Profile()).questions.items()}
    assert risks == {"Q-1": "HIGH", "Q-2": "MEDIUM"}  # HIGH when the question has no rating
    messages = problems_of(
        write_lens(
            tmp_path / "b", question(), header=HEADER.replace('risk = "HIGH"', 'risk = "SOMETIMES"')
        )
    )
    assert any(
        "levels[0].risk: expected one of HIGH, MEDIUM, NONE, PRACTICE" in m for m in messages
    )


def test_2025_keys_change_the_content_hash_only_when_given(tmp_path: Path) -> None:
    plain = load_lens(write_lens(tmp_path / "a", question(), header=HEADER_2025))
    scoped = question().replace("[[questions]]\n", '[[questions]]\nscope = "workload"\n')
    assert load_lens(write_lens(tmp_path / "b", scoped, header=HEADER_2025)).content_hash == (
        plain.content_hash
    )
    given = load_lens(write_lens(tmp_path / "c", question_2025(), header=HEADER_2025))
    assert given.content_hash != plain.content_hash


def test_2025_keys_round_trip_through_the_writer(tmp_path: Path) -> None:
    from mllens_tui.lens.writer import lens_to_toml

    lens = load_lens(write_lens(tmp_path, question_2025(), question("Q-2"), header=HEADER_2025))
    written = tmp_path / "written.toml"
    written.write_text(lens_to_toml(lens))
    again = load_lens(written)
    assert again == lens and again.content_hash == lens.content_hash
    assert 'scope = "organisation"' in written.read_text()
    assert 'scope = "workload"' not in written.read_text()

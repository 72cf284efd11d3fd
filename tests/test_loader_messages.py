"""The TOML lens loader, exactly: each bad lens gives the problem list its author reads (file,
key path, message), and each good one the lens it says, every field as written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mllens_tui.lens.loader import content_hash, load_lens
from mllens_tui.lens.model import Choice, Level, Phase, Pillar, Question, Risk, RiskRule
from mllens_tui.problems import InputError
from tests.test_lens_loader import HEADER

NO_LEVELS = HEADER.split("[[levels]]")[0]
QUESTION = """\
[[questions]]
id = "{id}"
title = "T"
pillar = "ops"
phase = "build"
prompt = "P?"
levels = ["a", "b"]
"""
CHOICE = """\
[[questions]]
id = "C-1"
title = "C"
pillar = "ops"
phase = "build"
prompt = "P?"
"""
QUESTION_KEYS = (
    "aws_risk, choices, criteria, evidence, guidance, id, id_2025, levels, phase, phase_2025, "
    "pillar, prompt, risk_rules, scope, title, url, weight, why"
)


def write_lens(tmp_path: Path, header: str, *questions: str) -> Path:
    folder = tmp_path / "lens"
    folder.mkdir(parents=True)
    (folder / "lens.toml").write_text(header)
    (folder / "questions.toml").write_text("\n".join(questions))
    return folder


def refused(tmp_path: Path, header: str, *questions: str) -> list[tuple[str, str, str]]:
    """(file name, key path, message) of every problem, in the order they are reported."""
    with pytest.raises(InputError) as info:
        load_lens(write_lens(tmp_path, header, *questions))
    assert info.value.what == "lens"
    return [(Path(p.source).name, p.where, p.message) for p in info.value.problems]


# -- the header ----------------------------------------------------------------------------------


def test_every_problem_of_the_header(tmp_path: Path) -> None:
    header = (
        'id = "bad id"\nname = "  "\nversion = 3\ndescription = 4\nsource_url = "ftp://x"\n'
        'colour = 1\npillars = []\nphases = "x"\nlevels = [1]\n'
    )
    assert refused(tmp_path, header, QUESTION.format(id="Q-1")) == [
        (
            "lens.toml",
            "colour",
            "unknown key (expected one of: description, id, levels, name, phases, pillars, "
            "questions, source_url, version)",
        ),
        ("lens.toml", "id", "expected letters, digits, '-', '_' or '.', got 'bad id'"),
        ("lens.toml", "name", "expected a non-empty string, got '  '"),
        ("lens.toml", "version", "expected a non-empty string, got 3"),
        ("lens.toml", "description", "expected a non-empty string, got 4"),
        ("lens.toml", "source_url", "expected an http(s) URL, got 'ftp://x'"),
        ("lens.toml", "pillars", "expected a non-empty array of tables [[pillars]]"),
        ("lens.toml", "phases", "expected a non-empty array of tables [[phases]]"),
        ("lens.toml", "levels", "expected an array of at least two tables [[levels]]"),
        ("questions.toml", "questions.Q-1.pillar", "unknown pillar 'ops' (expected one of: )"),
        (
            "questions.toml",
            "questions.Q-1.phase",
            "unknown phase 'build' (expected one of: none: the lens has no phases)",
        ),
        (
            "questions.toml",
            "questions.Q-1",
            "the lens defines no [[levels]], so every question needs choices",
        ),
    ]


def test_missing_header_fields(tmp_path: Path) -> None:
    assert refused(tmp_path, 'id = ""\n', CHOICE.replace('phase = "build"\n', "")) == [
        ("lens.toml", "id", "expected a non-empty string, got ''"),
        ("lens.toml", "name", "missing (expected a non-empty string)"),
        ("lens.toml", "version", "missing (expected a non-empty string)"),
        ("lens.toml", "pillars", "missing (expected an array of tables [[pillars]])"),
        ("questions.toml", "questions.C-1.pillar", "unknown pillar 'ops' (expected one of: )"),
        (
            "questions.toml",
            "questions.C-1",
            "the lens defines no [[levels]], so every question needs choices",
        ),
    ]


def test_pillar_problems(tmp_path: Path) -> None:
    header = HEADER.replace(
        '[[pillars]]\nid = "ops"\nname = "Operations"\n\n'
        '[[pillars]]\nid = "sec"\nname = "Security"',
        'pillars = [1, {id = "ops", name = 2, short = "abcdefghijklm"}, '
        '{id = "ops", name = "O", description = 3, colour = 1}, {id = "a b", name = "B"}]',
    )
    assert refused(tmp_path, header, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "pillars[0]", "expected a table"),
        ("lens.toml", "pillars[1].name", "expected a non-empty string, got 2"),
        ("lens.toml", "pillars[1].short", "expected at most 12 characters, got 13"),
        (
            "lens.toml",
            "pillars[2].colour",
            "unknown key (expected one of: description, id, name, short)",
        ),
        ("lens.toml", "pillars[2].id", "duplicate id 'ops'"),
        ("lens.toml", "pillars[2].description", "expected a non-empty string, got 3"),
        ("lens.toml", "pillars[3].id", "expected letters, digits, '-', '_' or '.', got 'a b'"),
    ]


def test_at_most_ten_pillars_and_twelve_characters_of_short_name(tmp_path: Path) -> None:
    many = "".join(f'[[pillars]]\nid = "p{i}"\nname = "P{i}"\n' for i in range(9))
    header = HEADER.replace('[[pillars]]\nid = "ops"', many + '[[pillars]]\nid = "ops"', 1)
    assert refused(tmp_path, header, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "pillars", "11 pillars: a lens has at most 10")
    ]
    ten = HEADER.replace(
        '[[pillars]]\nid = "ops"',
        many[: many.index('[[pillars]]\nid = "p8"')] + '[[pillars]]\nid = "ops"',
        1,
    )
    ten = ten.replace('name = "Security"', 'name = "Security"\nshort = "Security 12c"')
    lens = load_lens(write_lens(tmp_path / "ten", ten, QUESTION.format(id="Q-1")))
    assert len(lens.pillars) == 10
    assert lens.pillars[-1] == Pillar("sec", "Security", "", "Security 12c")


def test_level_problems(tmp_path: Path) -> None:
    header = HEADER.replace(
        'level = 1\nname = "Yes"\nvalue = 1.0\nrisk = "NONE"',
        "level = true\nvalue = -0.1\nrisk = 3\ncolour = 1\ndescription = 4",
    )
    assert refused(tmp_path, header, QUESTION.format(id="Q-1")) == [
        (
            "lens.toml",
            "levels[1].colour",
            "unknown key (expected one of: description, level, name, risk, value)",
        ),
        ("lens.toml", "levels[1].level", "expected 1 (levels count up from 0), got True"),
        ("lens.toml", "levels[1].value", "expected a number from 0 to 1, got -0.1"),
        ("lens.toml", "levels[1].risk", "expected one of HIGH, MEDIUM, NONE, PRACTICE, got 3"),
        ("lens.toml", "levels[1].name", "missing (expected a non-empty string)"),
        ("lens.toml", "levels[1].description", "expected a non-empty string, got 4"),
    ]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (
            ("0.5", "0.25"),
            ("levels[1].value", "must not be lower than the value of the level below"),
        ),
        (("0", "1.01"), ("levels[1].value", "expected a number from 0 to 1, got 1.01")),
        (("true", "1"), ("levels[0].value", "expected a number from 0 to 1, got True")),
        (('"0"', "1"), ("levels[0].value", "expected a number from 0 to 1, got '0'")),
    ],
)
def test_level_values_rise_from_0_to_1(
    tmp_path: Path, values: tuple[str, str], problem: tuple[str, str]
) -> None:
    header = HEADER.replace("value = 0.0", f"value = {values[0]}").replace(
        "value = 1.0", f"value = {values[1]}"
    )
    assert refused(tmp_path, header, QUESTION.format(id="Q-1")) == [("lens.toml", *problem)]


def test_levels_need_two_tables_counting_from_zero(tmp_path: Path) -> None:
    one = NO_LEVELS + '[[levels]]\nlevel = 0\nname = "x"\nvalue = 0\nrisk = "HIGH"\n'
    assert refused(tmp_path / "a", one, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "levels", "expected an array of at least two tables [[levels]]"),
        (
            "questions.toml",
            "questions.Q-1",
            "the lens defines no [[levels]], so every question needs choices",
        ),
    ]
    header = 'levels = [1, {level = 2, name = "x", value = 1, risk = "NONE"}]\n' + NO_LEVELS
    assert refused(tmp_path / "b", header, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "levels[0]", "expected a table"),
        ("lens.toml", "levels[1].level", "expected 1 (levels count up from 0), got 2"),
        (
            "questions.toml",
            "questions.Q-1.levels",
            "expected 1 level descriptions (one per lens level), got 2",
        ),
    ]


def test_every_field_of_a_good_header(tmp_path: Path) -> None:
    header = (
        HEADER.replace(
            'version = "1"',
            'version = " 1.2 "\ndescription = " About it "\nsource_url = "https://example.com/lens"',
        )
        .replace('name = "Build"', 'name = "Build"\nshort = "Bld"\ndescription = "Making it"')
        .replace('risk = "NONE"', 'risk = "medium"\ndescription = "Done"')
    )
    lens = load_lens(write_lens(tmp_path, header, QUESTION.format(id="Q-1")))
    assert (lens.id, lens.name, lens.version) == ("tiny", "Tiny lens", "1.2")
    assert (lens.description, lens.source_url) == ("About it", "https://example.com/lens")
    assert lens.pillars == (Pillar("ops", "Operations"), Pillar("sec", "Security"))
    assert lens.phases == (Phase("build", "Build", "Making it", "Bld"),)
    assert lens.levels == (
        Level(0, "No", 0.0, Risk.HIGH),
        Level(1, "Yes", 1.0, Risk.MEDIUM, "Done"),
    )
    assert type(lens.levels[1].value) is float


# -- questions -----------------------------------------------------------------------------------


def test_every_problem_of_a_level_question(tmp_path: Path) -> None:
    question = (
        '[[questions]]\nid = "Q 1"\ntitle = 3\npillar = "x"\nphase = "y"\naws_risk = "huge"\n'
        'weight = 0\nurl = "x"\nprompt = ""\nwhy = 5\ncriteria = "c"\nlevels = ["a"]\n'
        'guidance = ["g", "h"]\ncolour = 1\n'
    )
    w = "questions.Q 1"
    assert refused(tmp_path, HEADER, question) == [
        ("questions.toml", f"{w}.colour", f"unknown key (expected one of: {QUESTION_KEYS})"),
        ("questions.toml", f"{w}.id", "expected letters, digits, '-', '_' or '.', got 'Q 1'"),
        ("questions.toml", f"{w}.title", "expected a non-empty string, got 3"),
        ("questions.toml", f"{w}.pillar", "unknown pillar 'x' (expected one of: ops, sec)"),
        ("questions.toml", f"{w}.phase", "unknown phase 'y' (expected one of: build)"),
        ("questions.toml", f"{w}.aws_risk", "expected one of HIGH, LOW, MEDIUM, got 'huge'"),
        ("questions.toml", f"{w}.weight", "expected a number greater than 0, got 0"),
        ("questions.toml", f"{w}.url", "expected an http(s) URL, got 'x'"),
        ("questions.toml", f"{w}.prompt", "expected a non-empty string, got ''"),
        ("questions.toml", f"{w}.why", "expected a non-empty string, got 5"),
        ("questions.toml", f"{w}.criteria", "expected an array of strings, got str"),
        (
            "questions.toml",
            f"{w}.levels",
            "expected 2 level descriptions (one per lens level), got 1",
        ),
        (
            "questions.toml",
            f"{w}.guidance",
            "expected 1 steps (one per move up a level), got 2",
        ),
    ]


def test_missing_question_fields_and_bad_items(tmp_path: Path) -> None:
    question = (
        '[[questions]]\nid = "Q-1"\npillar = "ops"\ncriteria = ["ok", " ", 3]\nlevels = 4\n'
        "guidance = [1]\n"
    )
    assert refused(tmp_path / "a", HEADER, 'questions = [1, {id = "Q-2"}]\n') == [
        ("questions.toml", "questions[0]", "expected a table"),
        ("questions.toml", "questions.Q-2.title", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-2.pillar", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-2.phase", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-2.prompt", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-2.levels", "missing (expected an array of strings)"),
    ]
    assert refused(tmp_path / "b", HEADER, question) == [
        ("questions.toml", "questions.Q-1.title", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-1.phase", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-1.prompt", "missing (expected a non-empty string)"),
        ("questions.toml", "questions.Q-1.criteria[1]", "expected a non-empty string, got ' '"),
        ("questions.toml", "questions.Q-1.criteria[2]", "expected a non-empty string, got 3"),
        ("questions.toml", "questions.Q-1.levels", "expected an array of strings, got int"),
        (
            "questions.toml",
            "questions.Q-1.levels",
            "expected 2 level descriptions (one per lens level), got 0",
        ),
        ("questions.toml", "questions.Q-1.guidance[0]", "expected a non-empty string, got 1"),
    ]


def test_questions_that_are_not_an_array_and_lenses_without_questions(tmp_path: Path) -> None:
    assert refused(tmp_path / "a", HEADER, "questions = {id = 1}\ncolour = 2\n") == [
        ("lens.toml", "questions", "the lens has no questions"),
        ("questions.toml", "colour", "unknown key (expected one of: questions)"),
        ("questions.toml", "questions", "expected an array of tables ([[questions]])"),
    ]
    assert refused(tmp_path / "b", HEADER, "") == [
        ("lens.toml", "questions", "the lens has no questions")
    ]


def test_a_duplicate_id_names_the_file_of_the_first(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, HEADER, QUESTION.format(id="Q-1"))
    (folder / "more.toml").write_text(QUESTION.format(id="Q-2") + QUESTION.format(id="Q-1"))
    with pytest.raises(InputError) as info:
        load_lens(folder)
    [problem] = info.value.problems
    assert (problem.source, problem.where, problem.message) == (
        str(folder / "questions.toml"),
        "questions.Q-1.id",
        f"duplicate question id 'Q-1' (first in {folder / 'more.toml'})",
    )


def test_phases_are_needed_only_when_the_lens_has_them(tmp_path: Path) -> None:
    without = HEADER.replace('[[phases]]\nid = "build"\nname = "Build"\n', "")
    lens = load_lens(
        write_lens(
            tmp_path / "a", without, QUESTION.format(id="Q-1").replace('phase = "build"\n', "")
        )
    )
    assert lens.phases == () and lens.questions[0].phase is None
    assert refused(
        tmp_path / "b", HEADER, QUESTION.format(id="Q-1").replace('phase = "build"\n', "")
    ) == [("questions.toml", "questions.Q-1.phase", "missing (expected a non-empty string)")]


def test_every_field_of_a_good_level_question(tmp_path: Path) -> None:
    low = QUESTION.format(id="Q-1") + 'aws_risk = "low"\n'
    high = QUESTION.format(id="Q-2").replace('title = "T"', 'title = " Title "') + (
        'aws_risk = "High"\nweight = 1000\nwhy = " W "\ncriteria = [" x ", "y"]\n'
        'url = "http://e.x/y"\nguidance = [" step "]\n'
    )
    lens = load_lens(write_lens(tmp_path, HEADER, low, high))
    assert lens.questions == (
        Question("Q-1", "T", "ops", "build", 1.0, "P?", levels=("a", "b"), aws_risk=Risk.MEDIUM),
        Question(
            "Q-2",
            "Title",
            "ops",
            "build",
            1000.0,
            "P?",
            url="http://e.x/y",
            why="W",
            criteria=("x", "y"),
            levels=("a", "b"),
            guidance=("step",),
            aws_risk=Risk.HIGH,
        ),
    )
    assert type(lens.questions[1].weight) is float


def test_files_are_read_header_first_then_by_name(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, HEADER, QUESTION.format(id="Q-2"))
    (folder / "a.toml").write_text(QUESTION.format(id="Q-1"))
    (folder / "z.toml").write_text(QUESTION.format(id="Q-3"))
    (folder / "notes.txt").write_text("not a lens file")
    assert [q.id for q in load_lens(folder).questions] == ["Q-1", "Q-2", "Q-3"]
    (folder / "lens.toml").write_text(HEADER + QUESTION.format(id="Q-0"))
    assert [q.id for q in load_lens(folder).questions] == ["Q-0", "Q-1", "Q-2", "Q-3"]


# -- choices and risk rules -----------------------------------------------------------------------


def test_every_problem_of_choices(tmp_path: Path) -> None:
    question = CHOICE + (
        'levels = ["a", "b"]\n'
        'choices = [1, {id = "a b", title = "A", colour = 1}, {id = "b", title = ""}, '
        '{id = "b", title = "B", helpful_url = "x", improvement_url = "ftp://y"}]\n'
        "risk_rules = 3\n"
    )
    w = "questions.C-1"
    assert refused(tmp_path, HEADER, question) == [
        ("questions.toml", f"{w}.levels", "a question has either levels or choices, not both"),
        ("questions.toml", f"{w}.choices[0]", "expected a table"),
        (
            "questions.toml",
            f"{w}.choices[1].colour",
            "unknown key (expected one of: description, helpful_url, id, improvement_plan, "
            "improvement_url, title)",
        ),
        (
            "questions.toml",
            f"{w}.choices[1].id",
            "expected letters, digits, '-', '_' or '.', got 'a b'",
        ),
        ("questions.toml", f"{w}.choices[2].title", "expected a non-empty string, got ''"),
        ("questions.toml", f"{w}.choices[3].id", "duplicate choice id 'b'"),
        ("questions.toml", f"{w}.choices[3].helpful_url", "expected an http(s) URL, got 'x'"),
        (
            "questions.toml",
            f"{w}.choices[3].improvement_url",
            "expected an http(s) URL, got 'ftp://y'",
        ),
        ("questions.toml", f"{w}.risk_rules", "expected an array of tables"),
    ]


def test_every_problem_of_risk_rules(tmp_path: Path) -> None:
    choices = ", ".join(f'{{id = "c{i}", title = "C"}}' for i in range(16))
    question = (
        CHOICE
        + f"choices = [{choices}]\n"
        + (
            'risk_rules = [1, {condition = "c1", risk = "LOW", colour = 2}, '
            '{condition = "c1 &&", risk = "HIGH"}, {risk = "NONE"}, '
            '{condition = "zz || c2 || aa", risk = "MEDIUM"}]\n'
        )
    )
    w = "questions.C-1"
    assert refused(tmp_path, HEADER, question) == [
        ("questions.toml", f"{w}.choices", "16 choices: a question has at most 15"),
        ("questions.toml", f"{w}.risk_rules", "5 risk rules: a question has at most 4"),
        ("questions.toml", f"{w}.risk_rules[0]", "expected a table"),
        (
            "questions.toml",
            f"{w}.risk_rules[1].colour",
            "unknown key (expected one of: condition, risk)",
        ),
        (
            "questions.toml",
            f"{w}.risk_rules[1].risk",
            "expected one of HIGH, MEDIUM, NONE, got 'LOW'",
        ),
        ("questions.toml", f"{w}.risk_rules[2].condition", "condition ends too early: 'c1 &&'"),
        ("questions.toml", f"{w}.risk_rules[3].condition", "missing (expected a non-empty string)"),
        ("questions.toml", f"{w}.risk_rules[4].condition", "unknown choice 'aa'"),
        ("questions.toml", f"{w}.risk_rules[4].condition", "unknown choice 'zz'"),
    ]


def test_every_field_of_a_good_choice_question(tmp_path: Path) -> None:
    question = CHOICE + (
        'choices = [{id = "a", title = " A ", description = "d", helpful_url = "https://h.x", '
        'improvement_plan = "p", improvement_url = "https://i.x"}, {id = "a_no", title = "N"}]\n'
        'risk_rules = [{condition = "a_no || !a", risk = "HIGH"}, '
        '{condition = "default", risk = "none"}]\n'
    )
    lens = load_lens(write_lens(tmp_path, NO_LEVELS, question))
    [q] = lens.questions
    assert q.choices == (
        Choice("a", "A", "d", "https://h.x", "p", "https://i.x"),
        Choice("a_no", "N"),
    )
    assert q.risk_rules == (
        RiskRule("a_no || !a", Risk.HIGH),
        RiskRule("default", Risk.NONE),
    )
    assert q.levels == () and q.guidance == () and q.evidence == () and lens.levels == ()
    assert lens.is_choice_based and lens.max_level == 0


# -- files and the content hash -------------------------------------------------------------------


def test_files_that_cannot_be_read_are_each_reported(tmp_path: Path) -> None:
    # In name order: each problem is reported and the next file is still read.
    folder = write_lens(tmp_path, HEADER, QUESTION.format(id="Q-1"))
    (folder / "a-gone.toml").symlink_to(tmp_path / "nowhere.toml")
    (folder / "b-big.toml").write_text("# " + "x" * (500 * 1024))
    (folder / "c-bad.toml").write_text("questions = [\n")
    with pytest.raises(InputError) as info:
        load_lens(folder)
    assert info.value.what == "lens"
    found = [(Path(p.source).name, p.where, p.message) for p in info.value.problems]
    assert found[:2] == [
        ("a-gone.toml", "", "cannot be read: No such file or directory"),
        ("b-big.toml", "", f"{500 * 1024 + 2} bytes: a lens file has at most 500 KB"),
    ]
    assert found[2][:2] == ("c-bad.toml", "")
    assert found[2][2].startswith("not valid TOML: ")
    assert len(found) == 3


def test_a_file_of_exactly_500_kb_is_read(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, HEADER, QUESTION.format(id="Q-1"))
    text = QUESTION.format(id="Q-2")
    (folder / "z.toml").write_text(text + "#" * (500 * 1024 - len(text) - 1) + "\n")
    assert (folder / "z.toml").stat().st_size == 500 * 1024
    assert [q.id for q in load_lens(folder).questions] == ["Q-1", "Q-2"]


def test_the_content_hash_is_sha256_of_the_canonical_json(tmp_path: Path) -> None:
    # Without id_2025, phase_2025, scope or evidence, the canonical form is the one from before
    # those fields existed, so snapshots and milestones of such a lens keep matching it.
    header = HEADER.replace('name = "Tiny lens"', 'name = "Tiny lens: café"')
    lens = load_lens(write_lens(tmp_path, header, QUESTION.format(id="Q-1")))
    data = {
        "id": "tiny",
        "name": "Tiny lens: café",
        "version": "1",
        "pillars": [
            {"id": "ops", "name": "Operations", "description": "", "short": ""},
            {"id": "sec", "name": "Security", "description": "", "short": ""},
        ],
        "phases": [{"id": "build", "name": "Build", "description": "", "short": ""}],
        "levels": [
            {"level": 0, "name": "No", "value": 0.0, "risk": "HIGH", "description": ""},
            {"level": 1, "name": "Yes", "value": 1.0, "risk": "NONE", "description": ""},
        ],
        "questions": [
            {
                "id": "Q-1",
                "title": "T",
                "pillar": "ops",
                "phase": "build",
                "weight": 1.0,
                "prompt": "P?",
                "url": "",
                "why": "",
                "criteria": [],
                "levels": ["a", "b"],
                "guidance": [],
                "aws_risk": None,
                "choices": [],
                "risk_rules": [],
            }
        ],
        "description": "",
        "source_url": "",
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    expected = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert lens.content_hash == expected == content_hash(lens)


def test_a_folder_without_its_header_file(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, HEADER, QUESTION.format(id="Q-1"))
    (folder / "lens.toml").unlink()
    with pytest.raises(InputError) as info:
        load_lens(folder)
    assert info.value.what == "lens"
    assert [(p.source, p.where, p.message) for p in info.value.problems] == [
        (str(folder), "", "a lens folder needs a lens.toml with the lens header")
    ]


def test_a_path_that_is_neither_file_nor_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_lens(tmp_path / "nowhere")
    assert info.value.what == "lens"
    assert [(p.source, p.where, p.message) for p in info.value.problems] == [
        (str(tmp_path / "nowhere"), "", "no such file or folder")
    ]


def test_a_level_refused_for_its_value_does_not_raise_the_bar_for_the_next(
    tmp_path: Path,
) -> None:
    header = HEADER.replace("value = 0.0", "value = true").replace("value = 1.0", "value = 0.5")
    assert refused(tmp_path, header, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "levels[0].value", "expected a number from 0 to 1, got True")
    ]


def test_a_question_id_that_is_not_a_string_is_located_by_index(tmp_path: Path) -> None:
    question = QUESTION.format(id="x").replace('id = "x"', "id = 5")
    assert refused(tmp_path, HEADER, QUESTION.format(id="Q-1"), question) == [
        ("questions.toml", "questions[1].id", "expected a non-empty string, got 5")
    ]


def test_choice_questions_at_the_limits_and_without_rules(tmp_path: Path) -> None:
    choices = ", ".join(f'{{id = "c{i}", title = "C"}}' for i in range(15))
    rules = ", ".join(
        f'{{condition = "{c}", risk = "{r}"}}'
        for c, r in [("c0", "HIGH"), ("c1", "MEDIUM"), ("c2", "NONE"), ("default", "NONE")]
    )
    full = CHOICE + f"choices = [{choices}]\nrisk_rules = [{rules}]\n"
    bare = CHOICE.replace("C-1", "C-2") + 'choices = [{id = "a", title = "A"}]\n'
    folder = write_lens(tmp_path, NO_LEVELS, full, bare)
    (folder / "zz.toml").write_text("# questions come later\n")
    first, second = load_lens(folder).questions
    assert len(first.choices) == 15 and len(first.risk_rules) == 4
    assert second.risk_rules == ()


def test_choices_that_are_missing_or_of_the_wrong_type(tmp_path: Path) -> None:
    w = "questions.C-1"
    assert refused(tmp_path / "a", NO_LEVELS, CHOICE + "choices = []\n") == [
        ("questions.toml", f"{w}.choices", "expected a non-empty array of tables")
    ]
    assert refused(tmp_path / "b", NO_LEVELS, CHOICE + 'choices = "a"\n') == [
        ("questions.toml", f"{w}.choices", "expected a non-empty array of tables")
    ]
    choice = '{title = "A", description = 3, improvement_plan = 4}'
    assert refused(tmp_path / "c", NO_LEVELS, CHOICE + f"choices = [{choice}]\n") == [
        ("questions.toml", f"{w}.choices[0].id", "missing (expected a non-empty string)"),
        ("questions.toml", f"{w}.choices[0].description", "expected a non-empty string, got 3"),
        (
            "questions.toml",
            f"{w}.choices[0].improvement_plan",
            "expected a non-empty string, got 4",
        ),
    ]


# -- 2025 ids, phases, scope, evidence and the practice's risk -------------------------------------


def test_every_problem_of_the_2025_fields(tmp_path: Path) -> None:
    question = QUESTION.format(id="Q-1") + (
        'id_2025 = "mlops01-bp01"\nphase_2025 = "ship"\nscope = "team"\nevidence = ["e"]\n'
    )
    w = "questions.Q-1"
    assert refused(tmp_path, HEADER, question) == [
        (
            "questions.toml",
            f"{w}.id_2025",
            "expected a 2025 best-practice id such as 'MLOPS01-BP01', got 'mlops01-bp01'",
        ),
        ("questions.toml", f"{w}.phase_2025", "unknown phase 'ship' (expected one of: build)"),
        ("questions.toml", f"{w}.scope", "expected one of workload, organisation, got 'team'"),
        (
            "questions.toml",
            f"{w}.evidence",
            "expected 2 evidence texts (one per lens level), got 1",
        ),
    ]
    without = HEADER.replace('[[phases]]\nid = "build"\nname = "Build"\n', "")
    lone = QUESTION.format(id="Q-1").replace('phase = "build"\n', "") + 'phase_2025 = "x"\n'
    assert refused(tmp_path / "b", without, lone) == [
        (
            "questions.toml",
            f"{w}.phase_2025",
            "unknown phase 'x' (expected one of: none: the lens has no phases)",
        )
    ]
    choice = CHOICE + 'choices = [{id = "a", title = "A"}]\nlevels = ["a", "b"]\nevidence = ["x"]\n'
    assert refused(tmp_path / "c", HEADER, choice) == [
        (
            "questions.toml",
            "questions.C-1.levels",
            "a question has either levels or choices, not both",
        ),
        (
            "questions.toml",
            "questions.C-1.evidence",
            "a question has either evidence or choices, not both",
        ),
    ]


def test_no_id_means_two_questions(tmp_path: Path) -> None:
    folder = write_lens(
        tmp_path,
        HEADER,
        QUESTION.format(id="Q-1") + 'id_2025 = "MLOPS01-BP01"\n',
        QUESTION.format(id="Q-2") + 'id_2025 = "MLOPS01-BP01"\n',
        QUESTION.format(id="MLOPS01-BP01"),
        QUESTION.format(id="Q-3") + 'id_2025 = "MLOPS01-BP02"\n',
        QUESTION.format(id="Q-4") + 'id_2025 = "mlops01-bp02"\n',
        QUESTION.format(id="q-2"),
        QUESTION.format(id="Q-5") + 'id_2025 = "Q-5"\n',
    )
    first = str(folder / "questions.toml")
    with pytest.raises(InputError) as info:
        load_lens(folder)
    assert [(p.where, p.message) for p in info.value.problems] == [
        (
            "questions.Q-2.id_2025",
            f"'MLOPS01-BP01' is already an id of question 'Q-1' (in {first})",
        ),
        (
            "questions.MLOPS01-BP01.id",
            f"'MLOPS01-BP01' is already an id of question 'Q-1' (in {first})",
        ),
        (
            "questions.Q-4.id_2025",
            f"'mlops01-bp02' is already an id of question 'Q-3' (in {first})",
        ),
        (
            "questions.Q-4.id_2025",
            "expected a 2025 best-practice id such as 'MLOPS01-BP01', got 'mlops01-bp02'",
        ),
        ("questions.q-2.id", f"duplicate question id 'q-2' (first in {first})"),
        (
            "questions.Q-5.id_2025",
            "expected a 2025 best-practice id such as 'MLOPS01-BP01', got 'Q-5'",
        ),
    ]


def test_every_2025_field_of_a_good_question(tmp_path: Path) -> None:
    header = HEADER.replace('risk = "HIGH"', 'risk = "practice"').replace(
        '[[phases]]\nid = "build"\nname = "Build"\n',
        '[[phases]]\nid = "build"\nname = "Build"\n\n[[phases]]\nid = "run"\nname = "Run"\n',
    )
    full = QUESTION.format(id="Q-1") + (
        'id_2025 = " MLOPS01-BP01 "\nphase_2025 = "run"\nscope = "organisation"\n'
        'evidence = ["x", "y"]\naws_risk = "MEDIUM"\n'
    )
    lens = load_lens(write_lens(tmp_path, header, full, QUESTION.format(id="Q-2")))
    q1, q2 = lens.questions
    assert (q1.id_2025, q1.phase, q1.phase_2025, q1.scope, q1.evidence) == (
        "MLOPS01-BP01",
        "build",
        "run",
        "organisation",
        ("x", "y"),
    )
    assert (q2.id_2025, q2.phase_2025, q2.scope, q2.evidence) == ("", "build", "workload", ())
    assert lens.levels[0].risk == "PRACTICE"
    assert lens.question("mlops01-bp01") is q1
    # Each 2025 field that says something is part of what the content hash covers.
    base = load_lens(write_lens(tmp_path / "base", header, QUESTION.format(id="Q-1")))
    hashes = {base.content_hash}
    for extra in (
        'id_2025 = "MLOPS01-BP01"\n',
        'phase_2025 = "run"\n',
        'scope = "organisation"\n',
        'evidence = ["x", "y"]\n',
    ):
        folder = write_lens(tmp_path / str(len(hashes)), header, QUESTION.format(id="Q-1") + extra)
        hashes.add(load_lens(folder).content_hash)
    assert len(hashes) == 5
    # Saying what goes without saying changes nothing.
    same = QUESTION.format(id="Q-1") + 'phase_2025 = "build"\nscope = "workload"\n'
    assert load_lens(write_lens(tmp_path / "same", header, same)).content_hash == base.content_hash


def test_a_repeated_question_repeats_both_its_ids(tmp_path: Path) -> None:
    twice = QUESTION.format(id="Q-1") + 'id_2025 = "MLOPS01-BP01"\n'
    folder = write_lens(tmp_path, HEADER, twice, twice)
    first = folder / "questions.toml"
    with pytest.raises(InputError) as info:
        load_lens(folder)
    assert [(p.where, p.message) for p in info.value.problems] == [
        ("questions.Q-1.id", f"duplicate question id 'Q-1' (first in {first})"),
        ("questions.Q-1.id_2025", f"duplicate question id 'MLOPS01-BP01' (first in {first})"),
    ]


def test_2025_fields_of_the_wrong_type_and_phases_listed_in_full(tmp_path: Path) -> None:
    header = HEADER.replace(
        '[[phases]]\nid = "build"\nname = "Build"\n',
        '[[phases]]\nid = "build"\nname = "Build"\n\n[[phases]]\nid = "run"\nname = "Run"\n',
    )
    question = QUESTION.format(id="Q-1").replace('phase = "build"', 'phase = "ship"') + (
        "id_2025 = 5\nphase_2025 = 6\n"
    )
    assert refused(tmp_path, header, question) == [
        (
            "questions.toml",
            "questions.Q-1.phase",
            "unknown phase 'ship' (expected one of: build, run)",
        ),
        ("questions.toml", "questions.Q-1.id_2025", "expected a non-empty string, got 5"),
        ("questions.toml", "questions.Q-1.phase_2025", "expected a non-empty string, got 6"),
        (
            "questions.toml",
            "questions.Q-1.phase_2025",
            "unknown phase 'ship' (expected one of: build, run)",
        ),
    ]


def test_evidence_of_the_wrong_type(tmp_path: Path) -> None:
    question = QUESTION.format(id="Q-1") + 'evidence = ["x", 3]\n'
    assert refused(tmp_path / "a", HEADER, question) == [
        ("questions.toml", "questions.Q-1.evidence[1]", "expected a non-empty string, got 3"),
        (
            "questions.toml",
            "questions.Q-1.evidence",
            "expected 2 evidence texts (one per lens level), got 1",
        ),
    ]
    question = QUESTION.format(id="Q-1") + 'evidence = "x"\n'
    assert refused(tmp_path / "b", HEADER, question)[0] == (
        "questions.toml",
        "questions.Q-1.evidence",
        "expected an array of strings, got str",
    )


def test_fields_of_the_wrong_type_are_reported_once(tmp_path: Path) -> None:
    question = QUESTION.format(id="Q-1").replace('pillar = "ops"', "pillar = 5")
    question = question.replace('phase = "build"', "phase = 6") + "url = 7\n"
    assert refused(tmp_path, HEADER, question) == [
        ("questions.toml", "questions.Q-1.pillar", "expected a non-empty string, got 5"),
        ("questions.toml", "questions.Q-1.phase", "expected a non-empty string, got 6"),
        ("questions.toml", "questions.Q-1.url", "expected a non-empty string, got 7"),
    ]
    header = HEADER.replace('id = "sec"\n', "")
    assert refused(tmp_path / "b", header, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "pillars[1].id", "missing (expected a non-empty string)")
    ]


def test_every_file_is_checked_after_one_without_an_array(tmp_path: Path) -> None:
    folder = write_lens(tmp_path, HEADER, "questions = 3\n")
    (folder / "z.toml").write_text(QUESTION.format(id="Q-1") + "weight = 0\n")
    with pytest.raises(InputError) as info:
        load_lens(folder)
    assert [(Path(p.source).name, p.where, p.message) for p in info.value.problems] == [
        ("questions.toml", "questions", "expected an array of tables ([[questions]])"),
        ("z.toml", "questions.Q-1.weight", "expected a number greater than 0, got 0"),
    ]


def test_levels_of_equal_value_and_a_short_name_of_the_wrong_type(tmp_path: Path) -> None:
    equal = HEADER.replace("value = 0.0", "value = 1.0")
    lens = load_lens(write_lens(tmp_path / "a", equal, QUESTION.format(id="Q-1")))
    assert [level.value for level in lens.levels] == [1.0, 1.0]
    header = HEADER.replace('name = "Security"', 'name = "Security"\nshort = 5')
    assert refused(tmp_path / "b", header, QUESTION.format(id="Q-1")) == [
        ("lens.toml", "pillars[1].short", "expected a non-empty string, got 5")
    ]

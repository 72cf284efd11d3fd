"""One set of lens limits for TOML lenses and imported AWS JSON lenses: what one format
refuses, the other refuses too, naming the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs import assert_refused, json_lens, run, toml_lens, write

from mllens_tui.lens import limits

OVER = {
    "choices": (dict(choices=limits.MAX_CHOICES_PER_QUESTION + 1), "choices", "choices"),
    "pillars": (dict(pillars=limits.MAX_PILLARS + 1), "pillars", "pillars"),
    "rules": (
        dict(rules=["c0"] * (limits.MAX_RULES_WITH_DEFAULT)),
        "riskRules",
        "risk_rules",
    ),
    "id length": (dict(choice_id="c" * limits.MAX_ID_LENGTH), "choices[", "choices[1].id"),
}
AT = {
    "choices": dict(choices=limits.MAX_CHOICES_PER_QUESTION),
    "pillars": dict(pillars=limits.MAX_PILLARS),
    "id length": dict(choice_id="c" * (limits.MAX_ID_LENGTH - 2)),
}


@pytest.mark.parametrize(("shape", "json_key", "toml_key"), OVER.values(), ids=OVER.keys())
@pytest.mark.parametrize("command", ["validate", "import"])
def test_over_the_limit_is_refused_in_both_formats(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    shape: dict[str, object],
    json_key: str,
    toml_key: str,
) -> None:
    source = write(tmp_path, json.dumps(json_lens(**shape)), "lens.json")  # type: ignore[arg-type]
    code, _, err = run(capsys, "lens", command, source)
    assert_refused(code, err, source, json_key)
    source = write(tmp_path, toml_lens(**shape), "lens.toml")  # type: ignore[arg-type]
    code, _, err = run(capsys, "lens", command, source)
    assert_refused(code, err, source, toml_key)


@pytest.mark.parametrize("shape", AT.values(), ids=AT.keys())
def test_at_the_limit_both_formats_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: dict[str, object]
) -> None:
    for name, text in (
        ("lens.json", json.dumps(json_lens(**shape))),  # type: ignore[arg-type]
        ("lens.toml", toml_lens(**shape)),  # type: ignore[arg-type]
    ):
        code, out, err = run(capsys, "lens", "validate", write(tmp_path, text, name))
        assert code == 0, err
        assert "is valid" in out


def test_an_imported_lens_with_an_added_default_rule_loads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three rules and no default: the importer adds one, and the TOML it writes still loads."""
    doc = json_lens(rules=["c0", "c1", "c0 && c1"])
    question = doc["pillars"][0]["questions"][0]  # type: ignore[index]
    question["riskRules"] = question["riskRules"][:3]
    code, _, err = run(capsys, "lens", "import", write(tmp_path, json.dumps(doc), "lens.json"))
    assert code == 0, err
    code, out, err = run(capsys, "lens", "list")
    assert code == 0, err
    assert "small-lens" in out


def test_a_toml_lens_file_over_500_kb_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = toml_lens() + f"\n# {'x' * limits.MAX_FILE_BYTES}\n"
    source = write(tmp_path, text, "big.toml")
    code, _, err = run(capsys, "lens", "validate", source)
    assert_refused(code, err, source, "500 KB")

"""Files that are not what they claim: a byte order mark is read in every format; bytes
that are not UTF-8, garbage, empty files and folders are refused with the file named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs import (
    VALID,
    assert_refused,
    assert_snapshot_refused,
    database,
    json_lens,
    run,
    toml_lens,
    write,
)

BOM = b"\xef\xbb\xbf"


def test_snapshot_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, BOM + VALID.encode())
    code, out, err = run(capsys, "snapshot", "validate", source)
    assert code == 0, err
    assert "is valid" in out
    code, out, err = run(capsys, "score", source)
    assert code == 0, err
    code, out, err = run(capsys, "import", source)
    assert code == 0, err
    assert "Imported" in out


@pytest.mark.parametrize(
    ("name", "content"),
    [("lens.json", json.dumps(json_lens())), ("lens.toml", toml_lens())],
    ids=["json", "toml"],
)
@pytest.mark.parametrize("command", ["validate", "import"])
def test_lens_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, name: str, content: str
) -> None:
    source = write(tmp_path, BOM + content.encode(), name)
    code, _, err = run(capsys, "lens", command, source)
    assert code == 0, err


BAD_SNAPSHOT_BYTES = {
    "Latin-1": (VALID.replace("Fraud scoring", "Détection").encode("latin-1"), "byte"),
    "UTF-16": (VALID.encode("utf-16"), "byte 0"),
    "garbage": (bytes(range(128, 256)) * 3, "byte 0"),
    "two byte order marks": (BOM + BOM + VALID.encode(), "not valid TOML"),
    "NUL byte": (VALID.encode().replace(b"Fraud", b"Fr\x00aud"), "not valid TOML"),
    "empty": (b"", "format"),
    "only spaces": (b"   \n\n", "format"),
    "not TOML": (b'{"format": "mllens.snapshot"}', "not valid TOML"),
    "JSON lens instead": (json.dumps(json_lens()).encode(), "not valid TOML"),
    "TOML lens instead": (toml_lens().encode(), "format"),
}


@pytest.mark.parametrize(
    ("content", "where"), BAD_SNAPSHOT_BYTES.values(), ids=BAD_SNAPSHOT_BYTES.keys()
)
def test_snapshot_files_that_are_not_snapshots_are_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    content: bytes,
    where: str,
) -> None:
    db = database(capsys, isolated_data)
    assert_snapshot_refused(capsys, db, write(tmp_path, content), where)


def test_a_folder_or_a_missing_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path
) -> None:
    db = database(capsys, isolated_data)
    folder = tmp_path / "looks-like.toml"
    folder.mkdir()
    assert_snapshot_refused(capsys, db, str(folder), "is a folder")
    assert_snapshot_refused(capsys, db, str(tmp_path / "missing.toml"), "no such file")


LENS_BYTES = {
    "Latin-1 TOML": ("lens.toml", "é".encode("latin-1") + b" = 1", 1, "byte 0"),
    "Latin-1 JSON": ("lens.json", b'{"name": "' + "é".encode("latin-1") + b'"}', 1, "byte 10"),
    "UTF-16 JSON": ("lens.json", json.dumps(json_lens()).encode("utf-16"), 1, "byte 0"),
    "garbage TOML": ("lens.toml", bytes(range(128, 256)), 1, "byte 0"),
    "garbage JSON": ("lens.json", bytes(range(128, 256)), 1, "byte 0"),
    "empty TOML": ("lens.toml", b"", 1, "pillars"),
    "empty JSON": ("lens.json", b"", 1, "line 1, column 1"),
    "NaN for the name": ("lens.json", b'{"name": NaN}', 1, "name"),
    "more digits than Python reads": (
        "lens.json",
        b'{"name": "x", "_version": ' + b"9" * 5000 + b"}",
        1,
        "not valid JSON",
    ),
    "TOML integer with too many digits": ("lens.toml", b"id = " + b"9" * 5000, 1, "not valid"),
    "question weight as a huge integer": (
        "lens.toml",
        toml_lens().replace('prompt = "?"', f'prompt = "?"\nweight = {10**400}').encode(),
        1,
        "questions.q0.weight",
    ),
    # Read: a number where the version string goes is the version, however long.
    "huge version number": (
        "lens.json",
        json.dumps({**json_lens(), "_version": 10**400}).encode(),
        0,
        "",
    ),
}


@pytest.mark.parametrize(
    ("name", "content", "exit_code", "where"), LENS_BYTES.values(), ids=LENS_BYTES.keys()
)
@pytest.mark.parametrize("command", ["validate", "import"])
def test_lens_files_that_are_not_lenses_are_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    name: str,
    content: bytes,
    exit_code: int,
    where: str,
) -> None:
    source = write(tmp_path, content, name)
    code, _, err = run(capsys, "lens", command, source)
    if exit_code == 0:
        assert code == 0, err
    else:
        assert_refused(code, err, source, where)


@pytest.mark.parametrize("name", ["folder.json", "folder.toml"])
@pytest.mark.parametrize("command", ["validate", "import"])
def test_a_lens_path_that_is_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, name: str
) -> None:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "part.toml").mkdir()
    code, _, err = run(capsys, "lens", command, str(folder))
    assert_refused(code, err, str(folder), "")

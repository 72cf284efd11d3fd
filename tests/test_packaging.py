"""The built-in lens ships inside the wheel and is found there, not only in the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_contains_the_content_and_loads_it(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            "-q",
        ],
        check=True,
    )
    [wheel] = out.glob("mllens_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "mllens_tui/content/aws-ml-lens/lens.toml" in names
    assert sum(n.startswith("mllens_tui/content/aws-ml-lens/") for n in names) == 7
    # Load the lens from the unpacked wheel, away from the source tree.
    code = (
        "import mllens_tui.paths as p, mllens_tui.lens.registry as r;"
        "print(p.builtin_lens_dir()); print(len(r.builtin_lens().questions))"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {code}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    where, count = result.stdout.split()
    assert where.startswith(str(tmp_path / "site"))
    assert count == "105"

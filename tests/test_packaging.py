"""A plain (non-editable) install carries every package and its data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_a_working_cumple(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )  # fmt: skip
    [wheel] = dist.glob("cumple-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "cumple = cli.app:main" in archive.read(entry_points).decode()
    for expected in (
        "models/cut_comunas.csv",
        "models/migrations/env.py",
        "models/migrations/versions/0001_initial_schema.py",
        "demo/actas_demo.csv",
        "cli/app.py",
        "config/settings.py",
        "importer/writer.py",
        "tracking/queries.py",
        "flows/__init__.py",
        "notifications/__init__.py",
    ):
        assert expected in names, expected
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
         str(target), str(wheel)],
        check=True,
    )  # fmt: skip
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")}
    env["PYTHONPATH"] = str(target)
    script = (
        "import sys, models; assert models.__file__.startswith(sys.argv[1]), models.__file__; "
        "from cli.app import main; sys.argv = ['cumple', 'demo']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "32 compromisos" in result.stdout
    assert (work / "var" / "cumple.db").exists()

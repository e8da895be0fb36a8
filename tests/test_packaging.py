"""A non-editable install (a wheel) carries flows, prompts, widget and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.server import REPO_ROOT


def test_wheel_carries_the_data_folders(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO_ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("qualbot-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "bot/_data/flows/bant.yaml",
        "bot/_data/migrations/env.py",
        "bot/_data/alembic.ini",
        "bot/_data/widget/widget.js",
    ):
        assert required in names, f"{required} missing from the wheel"
    assert any(n.startswith("bot/_data/migrations/versions/") for n in names)
    assert any(n.startswith("bot/_data/prompts/") for n in names)

    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    probe = (
        "from bot.resources import resource_path; import bot;"
        "print(resource_path('flows')); print(resource_path('migrations'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(target)}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    for line in out.stdout.split():
        assert line.startswith(str(target)), f"{line} is not inside the installed package"

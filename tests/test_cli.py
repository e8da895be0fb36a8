"""The qualbot command: help, clear errors for wrong arguments, refusing to start on bad configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def qualbot(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_help_lists_the_commands() -> None:
    result = qualbot("--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "extract", "flows"):
        assert command in result.stdout


def test_wrong_arguments_get_a_clear_message() -> None:
    unknown = qualbot("fly")
    assert unknown.returncode == 2 and "invalid choice: 'fly'" in unknown.stderr
    bad_port = qualbot("serve", "--port", "99999")
    assert bad_port.returncode == 2 and "outside 1-65535" in bad_port.stderr
    not_a_port = qualbot("serve", "--port", "http")
    assert not_a_port.returncode == 2 and "'http' is not a port number" in not_a_port.stderr


def test_serve_refuses_an_invalid_flow(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "bant.yaml").write_text("name: bant\nquestions:\n  - id: need\n    fields: [no_such_field]\n")
    result = qualbot(
        "serve",
        "--port",
        "1",
        cwd=tmp_path,
        env={"QUALBOT_FLOWS_DIR": str(flows), "QUALBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/q.db"},
    )
    assert result.returncode == 1
    assert "cannot start" in result.stderr and "bant.yaml" in result.stderr


def test_invalid_setting_is_reported_by_name(tmp_path: Path) -> None:
    result = qualbot("migrate", cwd=tmp_path, env={"QUALBOT_PORT": "eighty"})
    assert result.returncode != 0 and "QUALBOT_PORT" in result.stderr


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    result = qualbot("migrate", cwd=tmp_path, env={"QUALBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/m.db"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.db").stat().st_size > 0


def test_extract_reads_benchmark_lines_and_refuses_a_bad_one(tmp_path: Path) -> None:
    good = '{"id": "a", "channel": "chat", "asked": "budget", "ref_date": "2026-11-23", "text": "about $20k a year", "extra": 1}'
    bad = '{"id": "b", "channel": "fax", "asked": null, "ref_date": "2026-11-23", "text": "hi"}'
    source = tmp_path / "in.jsonl"
    source.write_text(good + "\n")
    result = qualbot("extract", str(source))
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["id"] == "a" and row["fields"]["budget_max"] == 20000 and row["fields"]["budget_period"] == "year"

    source.write_text(good + "\n" + bad + "\n")
    result = qualbot("extract", "--extractor", "rules", str(source))
    assert result.returncode != 0
    assert "line 2" in result.stderr and result.stdout == "", "no partial output"

    piped = subprocess.run(
        [sys.executable, "-m", "bot", "extract"], input=good + "\n", capture_output=True, text=True, timeout=60
    )
    assert piped.returncode == 0 and json.loads(piped.stdout)["id"] == "a"

    missing = qualbot("extract", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr

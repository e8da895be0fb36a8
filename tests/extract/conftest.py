"""Shared helpers for the extraction tests: the dev set's location, a message builder, the fake OpenAI server."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from bot.extract.base import ProspectMessage
from bot.extract.rules import RulesExtractor
from tests.support.fake_openai import fake_openai, fake_openai_server  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / ".." / "shared" / "eval" / "dev.jsonl"
SCORER = REPO / ".." / "shared" / "eval" / "score.py"
HELDOUT = Path(__file__).with_name("heldout.jsonl")
TUNE = Path(__file__).with_name("tune.jsonl")
TUNE2 = Path(__file__).with_name("tune2.jsonl")
TUNE3 = Path(__file__).with_name("tune3.jsonl")
TUNE4 = Path(__file__).with_name("tune4.jsonl")
TUNE5 = Path(__file__).with_name("tune5.jsonl")
TUNE6 = Path(__file__).with_name("tune6.jsonl")
REF = date(2026, 5, 4)  # a Monday


def read(text: str, asked: str | None = None, channel: str = "chat", ref: date = REF) -> dict:
    """The fields the rules extractor reads in one message."""
    return RulesExtractor().read(ProspectMessage(text=text, ref_date=ref, channel=channel, asked=asked)).fields()  # type: ignore[arg-type]


def load_rows(path: Path) -> list[dict]:
    """The JSON objects of a JSONL file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture
def dev_path() -> Path:
    """The shared dev set; a missing file fails under CI and skips elsewhere."""
    if not DEV.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{DEV} is missing")
        pytest.skip(f"{DEV} is missing")
    return DEV

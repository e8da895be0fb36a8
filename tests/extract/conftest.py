"""Fixtures for the extractor tests: the fake OpenAI-compatible server."""

from tests.support.fake_openai import fake_openai, fake_openai_server  # noqa: F401

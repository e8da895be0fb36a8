"""Fixtures for the channel tests: the fake OpenAI-compatible server (a real uvicorn on loopback)."""

from tests.support.fake_openai import fake_openai, fake_openai_server  # noqa: F401

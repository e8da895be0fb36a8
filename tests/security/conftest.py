"""Fixtures for the security tests: the fake OpenAI-compatible server."""

from tests.support.fake_openai import fake_openai, fake_openai_server  # noqa: F401

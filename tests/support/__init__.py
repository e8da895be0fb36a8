"""Reusable test parts: a fake OpenAI-compatible server and small real extractors."""

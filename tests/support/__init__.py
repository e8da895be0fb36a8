"""Test helpers that start real things on loopback: servers, clients, browsers, fake LLM endpoints."""

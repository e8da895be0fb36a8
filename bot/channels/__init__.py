"""Channels: the adapters through which prospects talk to qualbot (web chat, email)."""

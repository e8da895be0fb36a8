"""Channels: thin adapters (websocket chat, email, HTTP) around the conversation service."""

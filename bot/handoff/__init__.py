"""Handoff to the sales team: webhook payloads and signatures, Slack messages, the outbox."""

"""Extractors turn a prospect's free text into validated facts (see :mod:`bot.facts`)."""

"""qualbot: qualifies sales leads by conversation over chat and email."""

__version__ = "0.1.0"

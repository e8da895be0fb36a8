"""Persistence: SQLAlchemy 2 typed models, the async engine and session factory, and queries."""

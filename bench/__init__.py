"""Benchmarks: ``python -m bench [NAME ...]`` runs them (all by default)."""

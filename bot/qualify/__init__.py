"""Qualification (stage and reasons), lead scoring and routing: pure decisions over facts."""

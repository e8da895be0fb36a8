"""Locates the customer-editable data folders (flows, prompts, widget, migrations).

In a source checkout or an editable install they sit at the repository root; in a wheel they
are packaged under ``bot/_data`` (see ``pyproject.toml``). Callers never care which.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGED = _PACKAGE_DIR / "_data"
_CHECKOUT = _PACKAGE_DIR.parent


def resource_path(name: str) -> Path:
    """Return the path of a top-level data folder or file such as ``flows`` or ``alembic.ini``."""
    packaged = _PACKAGED / name
    if packaged.exists():
        return packaged
    return _CHECKOUT / name

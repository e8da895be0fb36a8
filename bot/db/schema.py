"""Imports every module that defines tables, so ``Base.metadata`` is complete (Alembic, schema tests).

A new area with tables of its own (``bot/<area>/models.py``) adds one import line here.
"""

import bot.channels.email.models  # noqa: F401 (email tables)
import bot.console.models  # noqa: F401  (console users, sessions, corrections, outcomes)
from bot.db.models import Base
from bot.handoff import models as _handoff_models  # noqa: F401

__all__ = ["Base"]

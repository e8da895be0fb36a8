"""The dialogue engine: declarative flows and the pure step function.

``flow.py`` loads and checks flow files (models in ``schema.py``, sense checks in
``validate.py``, line numbers from ``yamlsource.py``); ``dialogue.py`` is the pure
``start``/``step``/``resume``; ``conditions.py``, ``intents.py`` and ``knowledge.py`` are the
small pieces it decides with; ``check.py`` is ``qualbot flows check``.
"""

"""The dialogue engine: declarative flows (``flow.py``) and the pure step function (``dialogue.py``)."""

"""The SDR console: server-rendered pages where sales reps read a lead's story and act on it.

``bot.console.router.install_console(app, settings)`` adds it to the app. Modules: ``auth``
(users, passwords, sessions, login limits), ``models`` (tables), ``web`` (templates, the
signed-in user, CSRF, headers), ``pages/`` (one module per page), ``queue``, ``story``,
``corrections``, ``analytics`` (pure) with ``analytics_load``, ``charts`` (SVG), ``csvexport``,
``keys``. See ``docs/console.md``.
"""

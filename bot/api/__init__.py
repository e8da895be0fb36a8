"""The REST API: thin routers over services, protected by bearer API keys."""

"""The web application (FastAPI): an app factory, as in flask's tutorial."""

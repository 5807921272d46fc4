"""The project's own hostile files: built, never committed (see corpus.py)."""

"""Alembic migrations of the cumple database (run by ``cumple init``)."""

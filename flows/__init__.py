"""Prefect flows: orchestration only, with the schedules declared once.

The daily cycle (deadlines, reminder digests, information packages) lives
here; its flows call into ``models``, ``notifications`` and the package
builder and hold no business rules of their own.
"""

"""``cumple portal export --out DIR`` (work in progress in this session)."""

from __future__ import annotations

"""Portal routes (work in progress in this session)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

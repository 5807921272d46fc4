"""``cumple portal export --out DIR`` (work in progress in this session)."""

from __future__ import annotations

import typer


def export_command() -> None:
    """Exporta el portal como sitio estático (en preparación)."""
    raise typer.Exit(1)

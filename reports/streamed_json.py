"""Writing a JSON object whose big lists are streamed, byte for byte what
``json.dumps(document, ensure_ascii=False, indent=2) + "\\n"`` gives for the
same document (keys in the order given), without ever holding the whole
document or its text in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class Streamed:
    """A list value given as an iterable: written item by item."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.split("\n"))


def write_object(path: Path, members: Iterable[tuple[str, Any]]) -> None:
    """Write the object of ``members`` (``(key, value)`` in order) to
    ``path``; a :class:`Streamed` value is written as a list, one item at
    a time."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("{")
        empty = True
        for key, value in members:
            handle.write(("\n" if empty else ",\n") + f"  {json.dumps(key, ensure_ascii=False)}: ")
            empty = False
            if not isinstance(value, Streamed):
                body = json.dumps(value, ensure_ascii=False, indent=2)
                handle.write(body.replace("\n", "\n  "))
                continue
            handle.write("[")
            first = True
            for item in value.items:
                body = json.dumps(item, ensure_ascii=False, indent=2)
                handle.write(("\n" if first else ",\n") + _indent(body, 4))
                first = False
            handle.write("]" if first else "\n  ]")
        handle.write("}\n" if empty else "\n}\n")

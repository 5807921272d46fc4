"""Streaming the XML parts of an XLSX workbook through expat in small
chunks, refusing any DOCTYPE or entity declaration (billion laughs, external
entities); the shared strings and the date styles, read within the limits."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from xml.parsers import expat

from importer.errors import UnreadableFile
from importer.limits import Limits, number

CHUNK = 64 * 1024
# Built-in number formats that are dates (ECMA-376 18.8.30).
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')

Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]
Text = Callable[[str], None]


def local_name(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


def _refuse_declarations(*_: object) -> None:
    raise UnreadableFile(
        "el libro contiene declaraciones XML (DOCTYPE o ENTITY) que un XLSX nunca lleva; "
        "vuelva a guardarlo desde Excel o LibreOffice"
    )


def stream_part(archive: zipfile.ZipFile, name: str, start: Start, end: End, text: Text) -> None:
    """Feed part ``name`` to expat in chunks; handlers may raise to stop."""
    # No namespace processing: cheaper per element; handlers strip prefixes.
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.ExternalEntityRefHandler = _refuse_declarations
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"la parte «{name}» del libro está dañada (XML inválido en la línea {exc.lineno})"
        ) from None


class TextCollector:
    """Text of ``<t>`` elements under the current ``<si>`` or ``<is>``
    (phonetic runs left out), refused once longer than the limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts: list[str] = []
        self.size = 0
        self.capturing = False
        self.phonetic = 0

    def reset(self) -> None:
        self.parts, self.size, self.capturing, self.phonetic = [], 0, False, 0

    def add(self, data: str, where: Callable[[], str]) -> None:
        self.parts.append(data)
        self.size += len(data)  # characters: never more than the UTF-8 bytes
        if self.size > self.limits.max_line_bytes:
            raise self.limits.too_long(None, where())

    def text(self, where: Callable[[], str]) -> str:
        """The collected text, refused if its UTF-8 form is over the limit."""
        text = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
        limit = self.limits.max_line_bytes
        if self.size * 4 > limit and len(text.encode("utf-8")) > limit:
            raise self.limits.too_long(None, where())
        return text


def shared_strings(archive: zipfile.ZipFile, name: str, limits: Limits) -> list[str]:
    strings: list[str] = []
    text = TextCollector(limits)

    def where() -> str:
        return f"el texto compartido n.º {number(len(strings) + 1)} del libro"

    def start(tag: str, _: dict[str, str]) -> None:
        tag = local_name(tag)
        if tag == "si":
            text.reset()
        elif tag == "rPh":
            text.phonetic += 1
        elif tag == "t":
            text.capturing = text.phonetic == 0

    def end(tag: str) -> None:
        tag = local_name(tag)
        if tag == "t":
            text.capturing = False
        elif tag == "rPh":
            text.phonetic -= 1
        elif tag == "si":
            strings.append(text.text(where))

    def chars(data: str) -> None:
        if text.capturing:
            text.add(data, where)

    stream_part(archive, name, start, end, chars)
    return strings


def _is_date_format(code: str) -> bool:
    bare = _QUOTED.sub("", code).lower()
    return any(letter in bare for letter in "dmyhs") and "general" not in bare


def date_styles(archive: zipfile.ZipFile, name: str) -> frozenset[int]:
    """Indexes of the cell formats (``s`` attribute) that show dates."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    depth = {"cellXfs": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = local_name(tag)
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            depth["cellXfs"] += 1
        elif tag == "xf" and depth["cellXfs"]:
            value = attrs.get("numFmtId", "0")
            formats.append(int(value) if value.isdigit() else 0)

    def end(tag: str) -> None:
        if local_name(tag) == "cellXfs":
            depth["cellXfs"] -= 1

    stream_part(archive, name, start, end, lambda _: None)
    return frozenset(
        index
        for index, fmt in enumerate(formats)
        if fmt in DATE_FORMAT_IDS or (fmt in custom and _is_date_format(custom[fmt]))
    )

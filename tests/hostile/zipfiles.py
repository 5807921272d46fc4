"""A minimal, deterministic ZIP writer for hostile workbooks: fixed
timestamps, and members given already deflated (so a 1 GB zip bomb is
written in a second, without compressing a gigabyte)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

DOS_TIME, DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1


@dataclass(frozen=True)
class Member:
    """One member: its deflated bytes, CRC-32 and uncompressed size."""

    name: str
    deflated: bytes
    crc: int
    size: int


def deflated(name: str, data: bytes) -> Member:
    """``data`` deflated as zipfile would."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def zeros(name: str, megabytes: int) -> Member:
    """``megabytes`` MB of zero bytes: one deflated MB repeated (each piece
    ends on a full flush, so the pieces concatenate into one valid stream)."""
    block = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return Member(name, piece * megabytes + tail, crc, len(block) * megabytes)


def archive(members: list[Member]) -> bytes:
    """The ZIP file holding ``members``, in order."""
    body = bytearray()
    directory = bytearray()
    for member in members:
        name = member.name.encode("utf-8")
        offset = len(body)
        fields = (20, 0, 8, DOS_TIME, DOS_DATE, member.crc, len(member.deflated), member.size)
        body += struct.pack("<IHHHHHIII", 0x04034B50, *fields) + struct.pack("<HH", len(name), 0)
        body += name + member.deflated
        directory += struct.pack("<IHHHHHHIII", 0x02014B50, 20, *fields)
        directory += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return bytes(body + directory + end)

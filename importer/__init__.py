"""Import of actas and their commitments from CSV or XLSX (contracts.md)."""

from importer.errors import ImportFailed, RowError, UnreadableFile
from importer.service import ConcurrentImport, ImportReport, import_file

__all__ = [
    "ConcurrentImport",
    "ImportFailed",
    "ImportReport",
    "RowError",
    "UnreadableFile",
    "import_file",
]

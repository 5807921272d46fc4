"""Import of actas and their commitments from CSV or XLSX (contracts.md)."""

from importer.errors import ImportFailed, LimitExceeded, RowError, UnreadableFile
from importer.limits import Limits
from importer.reader import Sheet, read_sheet
from importer.service import ConcurrentImport, ImportReport, import_file, import_sheet

__all__ = [
    "ConcurrentImport",
    "ImportFailed",
    "ImportReport",
    "LimitExceeded",
    "Limits",
    "RowError",
    "Sheet",
    "UnreadableFile",
    "import_file",
    "import_sheet",
    "read_sheet",
]

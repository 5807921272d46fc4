"""Why a file or a package could not be written, in Spanish: the system's
``strerror`` ("Permission denied") is English, and a user reads the command
line in Spanish. Shared by every command that writes where ``--out`` says
(``report``, ``agenda``, ``actas read``, ``evaluation``)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cli.runtime import UserError

WRITE_ERRORS = {
    errno.EACCES: "sin permiso para escribir allí",
    errno.EPERM: "sin permiso para escribir allí",
    errno.EROFS: "el disco es de solo lectura",
    errno.ENOSPC: "no queda espacio en el disco",
    errno.ENOENT: "la carpeta no existe o no admite archivos",
    errno.EDQUOT: "se agotó la cuota de disco",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
    errno.EINVAL: "el nombre no es válido en ese disco",
    errno.EIO: "el disco no respondió (error de entrada y salida)",
    errno.EBUSY: "el archivo está en uso",
    errno.ETXTBSY: "el archivo está en uso",
}
"""Why a write failed, in Spanish, by ``errno``."""


def why(exc: OSError) -> str:
    """The reason of ``exc`` in Spanish: a known ``errno`` in words; a
    reason the program itself wrote (a ``strerror`` that is not the
    system's, as :func:`reports.instrument_build.refuse_foreign_files`
    raises) as it is; otherwise the error's code (``EMFILE``), never the
    system's English sentence."""
    code = exc.errno or 0
    if code in WRITE_ERRORS:
        return WRITE_ERRORS[code]
    if exc.strerror and (not code or exc.strerror != os.strerror(code)):
        return exc.strerror
    name = errno.errorcode.get(code)
    return f"el sistema no lo permitió ({name})" if name else "el sistema no lo permitió"


def write_failure(where: Path | str, exc: OSError, *, what: str = "", hint: str) -> UserError:
    """The :class:`UserError` of a failed write: ``No se pudo escribir
    <what>«where»: <why>; no se escribió nada. <hint>`` (``what`` such as
    ``"el paquete en "``, ``hint`` says what to do)."""
    return UserError(
        f"No se pudo escribir {what}«{where}»: {why(exc)}; no se escribió nada. {hint}"
    )


def cause_of(exc: BaseException) -> OSError | None:
    """The :class:`OSError` behind ``exc``: itself, or the one XlsxWriter's
    ``FileCreateError`` wraps (it turns a full disk into its own error)."""
    if isinstance(exc, OSError):
        return exc
    from xlsxwriter.exceptions import FileCreateError

    if isinstance(exc, FileCreateError) and exc.args and isinstance(exc.args[0], OSError):
        return exc.args[0]
    return None


@contextmanager
def refused_writes(where: Path | str, *, what: str = "", hint: str) -> Iterator[None]:
    """Turn a failed write inside the block (an :class:`OSError`, or one
    XlsxWriter wraps) into :func:`write_failure`'s message about ``where``;
    any other error goes on unchanged."""
    try:
        yield
    except Exception as exc:
        cause = cause_of(exc)
        if cause is None:
            raise
        raise write_failure(where, cause, what=what, hint=hint) from None

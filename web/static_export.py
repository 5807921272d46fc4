"""The public portal as a static site (``cumple portal export --out DIR``),
for a municipality's own web server.

The application is built as ``cumple serve`` builds it (without the
scheduler) and walked in process, like a visitor would: from
``/publico/`` and ``/publico/sitemap.xml``, every ``href`` and ``src``
under ``/publico/`` (and the stylesheet ``/estilo.css``) is fetched, and
so is every address under ``<base_url>/publico/`` named inside the
portal's XML, JSON or text documents (sitemap, feeds, catalogues). So the
export carries whatever the portal serves (pages, sitemap, Atom feeds,
downloads of packages and public evidence) and nothing it does not: a
withheld commitment or an unpublished región is never linked, hence never
fetched.

Layout: an HTML page at ``/publico/a/b`` becomes ``publico/a/b/index.html``;
anything else keeps its name (``publico/sitemap.xml``, ``estilo.css``).
A root ``index.html`` sends the visitor to ``publico/index.html``. Links
that start with ``/`` are rewritten to relative ones (``../b/index.html``)
so that the folder works wherever it is copied, even opened from disk;
full addresses stay as they are: the canonical links, Open Graph
addresses and the addresses inside the sitemap and the feeds keep naming
the portal at ``base_url``, where it lives.

Forms: a static server cannot answer ``?institucion=…&estado=…`` nor
``?fecha=…``. The exported territory pages show every commitment (the
unfiltered page); each page's forms (the filters, the "another date"
form) are removed and one note takes their place, saying so and linking
to the page online; a link that carries a filter points to the online
portal too.

With a date (``export_portal(day=D)``), every address is fetched with
``?fecha=D``: the portal as it stood on D (pages, feeds).

Every link of a page must answer: an exported page that links to an
address the portal does not serve stops the export with an error (a
broken portal is not published half). Addresses named inside data
documents that do not answer (identifiers that are not pages) are left
out. Files are world-readable (0644, folders 0755): everything exported
is public by construction."""

from __future__ import annotations

import html
import mimetypes
import os
import posixpath
import re
import shutil
import tempfile
import warnings
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from sqlmodel import Session

from config import Settings
from tracking.public import published_regions
from web.app import create_app

if TYPE_CHECKING:
    from starlette.testclient import TestClient

SEEDS = ("/publico/", "/publico/sitemap.xml", "/estilo.css")
PORTAL = "/publico/"
STYLESHEET = "/estilo.css"
FILE_MODE, FOLDER_MODE = 0o644, 0o755
_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")', re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FORM = re.compile(r"<form\b.*?</form>", re.IGNORECASE | re.DOTALL)
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')
_TEXT_TYPES = ("text/", "application/xml", "application/json", "+xml", "+json")
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*UTF-8''([^;\s]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)
ACTIVE_TYPES = frozenset((
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/javascript", "application/javascript",
))  # fmt: skip
"""Types a browser renders or runs in the site's origin: a download the
portal serves as something else must not get a name that makes a static
server serve it as one of these."""
ROOT_PAGE = """<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url=publico/index.html">
<title>Portal de transparencia · Seguimiento de Compromisos</title>
<link rel="stylesheet" href="estilo.css">
</head>
<body>
<main id="contenido"><p><a href="publico/index.html">Ir al portal de transparencia</a></p></main>
</body>
</html>
"""


class ExportFailed(Exception):
    """The export cannot be made as asked; the message is Spanish and says
    what to do. Nothing was written in the destination."""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: HTML pages, other files, and their bytes."""

    folder: Path
    pages: int
    files: int
    size: int


@dataclass
class _Resource:
    path: str  # the address the portal served it at
    file: str  # relative POSIX path inside the export
    kind: str  # "html", "css" or "other"


@dataclass
class _Crawl:
    base: str
    day: date | None
    folder: Path
    resources: dict[str, _Resource] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)


def check_destination(out: Path, force: bool) -> None:
    """Refuse a destination that is a file, or a folder with something in
    it unless ``force`` (then it is replaced at the end)."""
    if out.exists() and not out.is_dir():
        raise ExportFailed(f"«{out}» existe y no es una carpeta: indique otra carpeta con --out.")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ExportFailed(
            f"La carpeta «{out}» no está vacía: indique una carpeta nueva o vacía, o use --force "
            "para reemplazar su contenido."
        )


def export_portal(
    settings: Settings, out: Path, *, day: date | None = None, force: bool = False
) -> ExportSummary:
    """Write the portal as of ``day`` (today when ``None``) into ``out``:
    built in a hidden folder next to it and renamed at the end, so that
    ``out`` is either untouched or complete."""
    out = out.absolute()
    check_destination(out, force)
    app = create_app(settings, with_scheduler=False)
    try:
        with Session(app.state.engine) as session:
            if not published_regions(session):
                raise ExportFailed(
                    "Ninguna región está publicada en el portal: publique una con «cumple "
                    "portal enable --region R» y vuelva a exportar."
                )
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".parcial", dir=out.parent))
        try:
            crawl = _Crawl(settings.base_url.rstrip("/"), day, work)
            with _test_client()(app, raise_server_exceptions=False) as client:
                _walk(client, crawl)
            _rewrite(crawl)
            _write(work / "index.html", ROOT_PAGE.encode())
            summary = _summarize(work, out)
            check_destination(out, force)
            _replace(work, out)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    finally:
        app.state.engine.dispose()
    return summary


def _test_client() -> type[TestClient]:
    # Starlette warns on stderr that it prefers httpx2 to the httpx it
    # runs on here; a person exporting the portal has nothing to do about it.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    return TestClient


def _walk(client: TestClient, crawl: _Crawl) -> None:
    queue: deque[tuple[str, str | None]] = deque((seed, None) for seed in SEEDS)
    seen = set(SEEDS)
    params = {"fecha": crawl.day.isoformat()} if crawl.day else None

    def enqueue(path: str, referrer: str | None) -> None:
        if path not in seen:
            seen.add(path)
            queue.append((path, referrer))

    while queue:
        path, referrer = queue.popleft()
        response = client.get(path, params=params, follow_redirects=False)
        if response.is_redirect:
            target = _same_site(response.headers["location"], crawl.base)
            if target is None or not _exportable(target[0]):
                location = response.headers["location"]
                raise ExportFailed(f"{path} redirige fuera del portal ({location}).")
            crawl.aliases[path] = target[0]
            enqueue(target[0], referrer)
            continue
        if response.status_code != 200:
            if referrer is None and path not in SEEDS:
                continue  # an identifier inside a data document, not a page
            where = f" (enlazada desde {referrer})" if referrer else ""
            raise ExportFailed(
                f"El portal respondió {response.status_code} a {path}{where}; no se exportó "
                "nada: corrija esa página y vuelva a exportar."
            )
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        kind = "html" if media == "text/html" else "css" if media == "text/css" else "other"
        if kind == "other":
            disposition = response.headers.get("content-disposition", "")
            resource = _Resource(path, _download_file(path, media, disposition), kind)
        else:
            resource = _Resource(path, _file_for(path, kind == "html"), kind)
        crawl.resources[path] = resource
        _write(crawl.folder / resource.file, response.content)
        if kind == "html":
            links = [html.unescape(m.group(2)) for m in _ATTRIBUTE.finditer(response.text)]
        elif kind == "css":
            links = [m.group(2) for m in _CSS_URL.finditer(response.text)]
        else:
            links = []
        for link in links:
            found = _same_site(link, crawl.base, relative_to=path)
            if found is not None and _exportable(found[0]):
                enqueue(found[0], path)
        if kind == "other" and any(t in media for t in _TEXT_TYPES):
            prefix = re.escape(crawl.base + PORTAL)
            for match in re.finditer(prefix + r"[^\s\"'<>\\)\]]*", response.text):
                found = _same_site(html.unescape(match.group(0)), crawl.base)
                if found is not None:
                    enqueue(found[0], None)


def _exportable(path: str) -> bool:
    return path.startswith(PORTAL) or path == STYLESHEET


def _same_site(link: str, base: str, relative_to: str = "/") -> tuple[str, str, str] | None:
    """``(path, query, fragment)`` of a link to this site: path-absolute or
    relative ones, and full addresses under ``base``; ``None`` otherwise."""
    if link.startswith(base + "/"):
        link = link[len(base) :]
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not (parts.path or parts.query):
        return None
    path = parts.path or relative_to
    if not path.startswith("/"):
        path = posixpath.join(posixpath.dirname(relative_to), path)
    trailing = "/" if path.endswith("/") and path != "/" else ""
    path = posixpath.normpath(path) + trailing if path != "/" else path
    return path, parts.query, parts.fragment


def _file_for(path: str, page: bool) -> str:
    """Where the resource at ``path`` is written, relative to the export."""
    segments = [unquote(s) for s in path.split("/") if s]
    if any(s in (".", "..") or "\\" in s or "\0" in s for s in segments):
        raise ExportFailed(f"Dirección no exportable: {path}.")
    if page and not (segments and segments[-1].endswith(".html")):
        segments.append("index.html")
    if not segments:
        raise ExportFailed(f"Dirección no exportable: {path}.")
    return "/".join(segments)


def _download_file(path: str, media: str, disposition: str) -> str:
    """Where a non-page resource is written: under its address; an
    attachment whose address has no extension (``…/evidencias/7``) goes
    in a folder of that address under the name the portal gives it, so
    that a static server types it by its extension. A name that would make
    a static server serve an active type the portal did not (an HTML or SVG
    medio de verificación, served as a download) gets ``.bin`` added."""
    file = _file_for(path, page=False)
    if not disposition.lower().startswith("attachment"):
        return file
    head, _, name = file.rpartition("/")
    if "." not in name:
        star, plain = _FILENAME_STAR.search(disposition), _FILENAME.search(disposition)
        given = unquote(star.group(1)) if star else plain and (plain.group(1) or plain.group(2))
        given = posixpath.basename((given or "").replace("\\", "/")).strip()
        if given not in ("", ".", "..") and "\0" not in given:
            head, name = file, given
    guessed = mimetypes.guess_type(name)[0]
    if guessed in ACTIVE_TYPES and guessed != media:
        name += ".bin"
    return f"{head}/{name}" if head else name


def _rewrite(crawl: _Crawl) -> None:
    """Make path-absolute links relative, and drop the filter forms."""
    files = {resource.file for resource in crawl.resources.values()}
    folders = {posixpath.dirname(f) for f in files}
    clash = sorted(f for f in files if any(d == f or d.startswith(f + "/") for d in folders))
    if clash:
        raise ExportFailed(f"{clash[0]} sería a la vez archivo y carpeta en la exportación.")
    for resource in crawl.resources.values():
        if resource.kind == "other":
            continue
        target = crawl.folder / resource.file
        _write(target, _relinked(crawl, resource, target.read_text(encoding="utf-8")).encode())


def _relinked(crawl: _Crawl, resource: _Resource, text: str) -> str:
    """The text of an HTML page or stylesheet with its links made local."""
    if resource.kind == "css":
        return _CSS_URL.sub(
            lambda m: f"url({m.group(1)}{_local(crawl, resource, m.group(2))}{m.group(1)})", text
        )

    def attribute(match: re.Match[str]) -> str:
        link = _local(crawl, resource, html.unescape(match.group(2)))
        return match.group(1) + html.escape(link) + match.group(3)

    return _ATTRIBUTE.sub(attribute, _without_forms(text))


def _without_forms(text: str) -> str:
    """The page with its forms (filters, another date) replaced by one
    note that says what the static copy cannot do and where to do it."""
    found = _CANONICAL.search(text)
    online = (
        f' Para hacerlo, use la <a href="{found.group(1)}">página en línea</a>.' if found else ""
    )
    note = (
        '<p class="nota separado">Esta es una copia estática del portal: no permite filtrar ni '
        f"ver el estado en otra fecha.{online}</p>"
    )
    notes = iter([note])
    return _FORM.sub(lambda _: next(notes, ""), text)


def _local(crawl: _Crawl, here: _Resource, link: str) -> str:
    """``link`` as written in the exported file of ``here``: full
    addresses, fragments and other schemes as they are; links to this site
    relative to the file, or to the online portal when not exported."""
    if link.startswith(("#", crawl.base)):
        return link
    found = _same_site(link, crawl.base, relative_to=here.path)
    if found is None:
        return link
    path, query, fragment = found
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "fecha"]
    path = crawl.aliases.get(path, path)
    resource = crawl.resources.get(path)
    if kept or resource is None:
        # A filtered view or an address outside the export: the online portal.
        return crawl.base + path + (f"?{urlencode(kept)}" if kept else "") + (
            f"#{fragment}" if fragment else ""
        )  # fmt: skip
    relative = posixpath.relpath(resource.file, posixpath.dirname(here.file) or ".")
    return quote(relative) + (f"#{fragment}" if fragment else "")


def _write(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    os.chmod(target, FILE_MODE)


def _summarize(work: Path, out: Path) -> ExportSummary:
    pages = files = size = 0
    for folder, _, names in os.walk(work):
        os.chmod(folder, FOLDER_MODE)
        for name in names:
            size += (Path(folder) / name).stat().st_size
            if name.endswith(".html"):
                pages += 1
            else:
                files += 1
    return ExportSummary(out, pages, files, size)


def _replace(work: Path, out: Path) -> None:
    """Put the finished export at ``out``, the old content (if any) gone."""
    old = None
    if out.is_dir():
        if any(out.iterdir()):
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".anterior", dir=out.parent))
            out.rename(old / "contenido")
        else:
            out.rmdir()
    work.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

"""``cumple portal export --out DIR``: the portal as a static site, with
a published package and public medios de verificación. Every exported
HTML file parses, every relative link resolves to an exported file, the
downloads are the bytes the portal lists (SHA-256), an HTML medio de
verificación cannot run as a page, nothing of a person or of the withheld
commitment is in any file,
the folder is served by Python's http.server from a subfolder, a non-empty
folder is refused (exit 1) and left as it was, ``--force`` replaces it,
and ``--date`` exports the portal as it stood on that day."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import stat
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import feedparser
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cli.runtime import UserError
from config import Settings, load_settings
from models import Region
from reports.build import build_package
from reports.dispatch import record_package
from reports.periods import parse_period
from reports.public_package import DOWNLOADS, refresh_public_packages
from testbed.processes import free_port
from tests import test_portal
from tests.helpers import Cli, pdf_bytes
from tests.test_portal import WITHHELD_TEXT, _secrets, _today
from tracking.evidence import add_evidence
from tracking.evidence_publication import publish
from tracking.evidence_store import EvidenceStore, StoredFile
from web.static_export import ExportFailed, export_portal

# The portal's fixture: Loa Emprende published, Atacama not, one withheld.
portal = test_portal.portal
BASE = "https://cumple.example"
PUBLIC_PDF = "Acta de entrega Lasaña N° 3.pdf"
PUBLISHER = "Gerencia Loa (Rodrigo Pizarro)"
HTML_EVIDENCE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Page(HTMLParser):
    """An HTML document read back: its links, and any end tag that does
    not close the element open at that point."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.open: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()
        self.problems += [f"<{tag}> sin cerrar" for tag in self.open]

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        self.links += [v for k, v in attrs if k in ("href", "src") and v is not None]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> cierra <{self.open[-1] if self.open else '—'}>")
        else:
            self.open.pop()


def _files(folder: Path) -> dict[str, Path]:
    return {
        (Path(root) / name).relative_to(folder).as_posix(): Path(root) / name
        for root, _, names in os.walk(folder)
        for name in names
    }


def _publish_downloads(engine: Engine, settings: Settings, loa: int) -> bytes:
    """Antofagasta's 2026-Q3 package and its public version, and two public
    medios de verificación of the Loa commitment: a PDF, and an HTML page
    kept as is (as a legacy import would); returns the PDF's bytes."""
    store = EvidenceStore(settings.data_dir / "evidencias")
    content = pdf_bytes("Acta de entrega N° 3")
    pdf = store.save(PUBLIC_PDF, io.BytesIO(content))
    sha = hashlib.sha256(HTML_EVIDENCE).hexdigest()
    store.path_of(sha).parent.mkdir(parents=True, exist_ok=True)
    store.path_of(sha).write_bytes(HTML_EVIDENCE)
    page = StoredFile("pagina-avance.html", "text/html", len(HTML_EVIDENCE), sha)
    with Session(engine) as session:
        for view in add_evidence(session, loa, [pdf, page], [], "Rosa Encargada Fuentes",
                                 _today()):  # fmt: skip
            publish(session, view.id, PUBLISHER)
        session.commit()
        region = session.scalars(select(Region).where(Region.name == "Antofagasta")).one()
    now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    built = build_package(engine, settings, region, parse_period("2026-Q3"), now=now)
    record_package(engine, settings, built, [], "Gobernador(a)", now, automatic=False)
    refresh_public_packages(engine, settings, day=_today())
    return content


@pytest.fixture
def exported(
    portal: dict[str, int],
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, str, bytes]:
    """The portal fixture with downloads, exported by the command's
    function in process into ``tmp_path/web/sitio``; what it printed; the
    public PDF's bytes."""
    from cli.portal_export import export_command

    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var", base_url=BASE)
    content = _publish_downloads(engine, settings, portal["loa"])
    monkeypatch.setenv("CUMPLE_BASE_URL", BASE)
    out = tmp_path / "web" / "sitio"
    export_command(out=out, date=None, force=False, database_url=database_url,
                   data_dir=tmp_path / "var")  # fmt: skip
    return out, capsys.readouterr().out, content


def test_export_writes_every_public_page_with_relative_links_and_no_private_data(
    exported: tuple[Path, str, bytes], portal: dict[str, int], engine: Engine
) -> None:
    out, printed, content = exported
    files = _files(out)
    loa, withheld = portal["loa"], portal["withheld"]
    territory = "publico/antofagasta/loa-emprende"
    assert {
        "index.html", "estilo.css", "publico/index.html", "publico/sitemap.xml",
        "publico/antofagasta/index.html", f"{territory}/index.html",
        f"{territory}/compromisos/{loa}/index.html", "publico/antofagasta/cambios.atom",
    } <= set(files)  # fmt: skip
    assert not [name for name in files if "atacama" in name or f"compromisos/{withheld}/" in name]
    pages = [name for name in files if name.endswith(".html")]
    size = sum(path.stat().st_size for path in files.values())
    summary = re.fullmatch(
        r"Portal exportado en (.+): (\d+) páginas y (\d+) archivos, ([\d.]+) bytes\.\n", printed
    )
    assert summary is not None, printed
    assert summary.groups() == (
        str(out), str(len(pages)), str(len(files) - len(pages)), f"{size:,}".replace(",", ".")
    )  # fmt: skip
    # Nothing half-written next to it; readable by a web server's user.
    assert sorted(p.name for p in out.parent.iterdir()) == ["sitio"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in files.values()} == {0o644}
    assert {stat.S_IMODE(Path(r).stat().st_mode) for r, _, _ in os.walk(out)} == {0o755}

    secrets = [*_secrets(engine), WITHHELD_TEXT, PUBLISHER]
    assert "Rosa Encargada Fuentes" in secrets
    leaks = [(n, s) for n, p in files.items() for s in secrets if s.encode() in p.read_bytes()]
    assert leaks == []
    for name in pages:
        text = files[name].read_text(encoding="utf-8")
        page = Page(text)
        assert page.problems == [], name
        assert text.startswith('<!DOCTYPE html>\n<html lang="es">'), name
        assert "@" not in text and "<form" not in text, name
        for link in page.links:
            parts = urlsplit(link)
            assert not link.startswith("/"), (name, link)
            if parts.scheme or not parts.path:
                continue  # a full address (canonical, online filters) or a fragment
            target = (files[name].parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(out.resolve()), (name, link)

    region = files["publico/antofagasta/index.html"].read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}/publico/antofagasta">' in region
    assert '<link rel="stylesheet" href="../../estilo.css">' in region
    assert 'href="cambios.atom" type="application/atom+xml"' in region
    assert 'href="loa-emprende/index.html"' in region
    listing = files[f"{territory}/index.html"].read_text(encoding="utf-8")
    assert "Transferencia Loa" in listing and "Habilitar sede comunitaria" in listing
    assert listing.count("Esta es una copia estática del portal") == 1
    assert f'<a href="{BASE}/publico/antofagasta/loa-emprende">página en línea</a>' in listing
    assert f'href="compromisos/{loa}/index.html"' in listing
    feed = feedparser.parse(files["publico/antofagasta/cambios.atom"].read_bytes())
    assert feed.bozo == 0 and len(feed.entries) == 11
    assert f"<loc>{BASE}/publico/inicio.xml</loc>" in files["publico/sitemap.xml"].read_text()

    # Downloads: the package's files, each with the SHA-256 its page lists.
    listing = files["publico/antofagasta/datos/index.html"].read_text(encoding="utf-8")
    for name in DOWNLOADS:
        body = files[f"publico/antofagasta/datos/2026-Q3/{name}"].read_bytes()
        assert hashlib.sha256(body).hexdigest() in listing, name
    # Medios de verificación: under the name the portal gives them; the
    # HTML one, a download on the portal, cannot become a page.
    evidence = [n for n in files if "/evidencias/" in n]
    assert sorted(n.rsplit("/", 1)[1] for n in evidence) == [
        PUBLIC_PDF, "pagina-avance.html.bin"
    ]  # fmt: skip
    pdf = next(n for n in evidence if n.endswith(".pdf"))
    assert files[pdf].read_bytes() == content
    page = files[f"{territory}/compromisos/{loa}/index.html"].read_text(encoding="utf-8")
    assert f'href="{quote(pdf.split(f"compromisos/{loa}/", 1)[1])}"' in page


@pytest.fixture
def http_server(exported: tuple[Path, str, bytes]) -> Iterator[str]:
    """Python's http.server over the export's parent folder: the site lives
    in a subfolder (``/sitio/``), as on a municipality's server."""
    out = exported[0]

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(out.parent))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sitio/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.headers.get_content_type(), answer.read()


def test_the_export_is_served_from_a_subfolder_by_a_plain_web_server(
    http_server: str, exported: tuple[Path, str, bytes], portal: dict[str, int]
) -> None:
    out, _, content = exported
    kind, root = _get(http_server)
    assert kind == "text/html" and b'href="publico/index.html"' in root
    kind, home = _get(urljoin(http_server, "publico/"))
    assert kind == "text/html" and home == (out / "publico/index.html").read_bytes()
    link = next(link for link in Page(home.decode()).links if "antofagasta" in link)
    region_url = urljoin(urljoin(http_server, "publico/"), link)
    assert region_url.endswith("/sitio/publico/antofagasta/index.html"), region_url
    region = _get(region_url)[1].decode()
    stylesheet = next(link for link in Page(region).links if link.endswith("estilo.css"))
    kind, css = _get(urljoin(region_url, stylesheet))
    assert kind == "text/css" and css == (out / "estilo.css").read_bytes()
    # Following the relative links as a browser would: región → territorio → compromiso.
    territory_url = urljoin(region_url, "loa-emprende/index.html")
    territory = _get(territory_url)[1].decode()
    commitment = next(
        link for link in Page(territory).links if f"compromisos/{portal['loa']}/" in link
    )
    commitment_url = urljoin(territory_url, commitment)
    page = _get(commitment_url)[1].decode()
    assert f"Compromiso N° {portal['loa']}" in page and "Transferencia Loa" in page
    download = next(link for link in Page(page).links if link.endswith(".pdf"))
    assert _get(urljoin(commitment_url, download)) == ("application/pdf", content)


def test_a_non_empty_folder_is_refused_and_left_untouched_unless_forced(
    portal: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "sitio"
    out.mkdir()
    (out / "nota.txt").write_text("contenido del municipio")
    refused = Cli(tmp_path, database_url)("portal", "export", "--out", str(out))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"Error: La carpeta «{out}» no está vacía: indique una carpeta nueva o vacía, o use "
        "--force para reemplazar su contenido."
    )
    assert refused.stdout == ""
    assert _files(out) == {"nota.txt": out / "nota.txt"}
    assert (out / "nota.txt").read_text() == "contenido del municipio"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".sitio")) == []
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var", base_url=BASE)
    summary = export_portal(settings, out, force=True)
    assert not (out / "nota.txt").exists()
    assert (out / "publico/antofagasta/index.html").is_file()
    assert summary.pages == len([n for n in _files(out) if n.endswith(".html")])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".sitio")) == []


def test_nothing_published_is_refused(
    site: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var", base_url=BASE)
    with pytest.raises(ExportFailed, match="Ninguna región está publicada en el portal"):
        export_portal(settings, tmp_path / "sitio")
    assert not (tmp_path / "sitio").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitio")] == []


# The same pages on either backend; the date only changes what is replayed.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_export_on_a_past_date_shows_the_portal_as_it_stood(
    portal: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var", base_url=BASE)
    out = tmp_path / "sitio"
    export_portal(settings, out, day=date(2026, 7, 2))
    loa = portal["loa"]
    page = (out / f"publico/antofagasta/loa-emprende/compromisos/{loa}/index.html").read_text()
    assert "Se muestra el estado al 2 de julio de 2026" in page
    assert "2 de julio de 2026: Nuevo plazo." in page
    assert "Verificado el 3 de julio de 2026" not in page
    region = (out / "publico/antofagasta/index.html").read_text()
    assert "Se muestra el estado al 2 de julio de 2026" in region
    assert "<form" not in region and "<form" not in page
    feed = feedparser.parse((out / "publico/antofagasta/cambios.atom").read_bytes())
    titles = {entry.title for entry in feed.entries}
    assert f"Compromiso N° {loa} — Nuevo plazo" in titles
    assert f"Compromiso N° {loa} — Verificación" not in titles
    from cli.portal_export import export_command

    with pytest.raises(UserError, match=r"^--date: el 1 de enero de 2099 es posterior a hoy"):
        export_command(out=tmp_path / "otro", date="2099-01-01", force=False,
                       database_url=database_url, data_dir=tmp_path / "var")  # fmt: skip
    assert not (tmp_path / "otro").exists()

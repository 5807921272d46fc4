"""Medios de verificación on the transparency portal: private unless the
gerencia marks them public (console script or the commitment's page, in
the gerente's scope only); then listed on the commitment's public page and
downloadable with their exact bytes, as an attachment that a browser never
runs; never for a withheld commitment or an unpublished región; taking one
off the portal removes it; no response names private evidence or a person."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment
from models.dates import format_long
from models.evidence import Evidence
from models.money import format_bytes
from models.portal import PublicEvidence
from tests.helpers import BATCH_RUNNER, Cli, pdf_bytes, row, write_csv
from tests.test_portal import _secrets, _statements, _today, client, portal  # noqa: F401
from tests.test_web import client_for, token
from tracking.evidence import add_acta_evidence, add_evidence
from tracking.evidence_publication import public_evidence, publish, unpublish
from tracking.evidence_store import EvidenceStore, StoredFile
from web.app import create_app

PUBLIC_PDF = "Acta de entrega Lasaña N° 3.pdf"
ACTA_PDF = "acta-consejo-12.pdf"
SVG_NAME = "grafico-avance.svg"
HTML_NAME = "pagina-avance.html"
PUBLIC_REFERENCE = "Resolución Exenta N° 88 del Gobierno Regional"
PRIVATE_PDF = "borrador-interno-solo-gerencia.pdf"
WITHHELD_PDF = "respaldo-reservado-soto.pdf"
HUASCO_PDF = "informe-huasco-no-publicado.pdf"
ADDED_BY = "Rosa Encargada Fuentes"
PUBLISHER = "Gerencia Loa (prueba)"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
BASE = "/publico/antofagasta/loa-emprende/compromisos"


def _raw(store: EvidenceStore, name: str, media_type: str, content: bytes) -> StoredFile:
    """A file the store keeps as is (as a legacy import would): for types
    its content check would not accept, such as SVG or HTML."""
    sha = hashlib.sha256(content).hexdigest()
    path = store.path_of(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return StoredFile(name, media_type, len(content), sha)


@pytest.fixture
def media(
    portal: dict[str, int],  # noqa: F811
    engine: Engine,
    tmp_path: Path,
) -> dict[str, int]:
    """Real files in the evidence store on the Loa commitment (a PDF, an
    SVG, an HTML page, a private draft), a reference, the acta's document,
    and evidence of the withheld and the Atacama commitments. The three
    files, the reference and the acta's document are public; the rest not."""
    store = EvidenceStore(tmp_path / "var" / "evidencias")
    today = _today()
    pdf = store.save(PUBLIC_PDF, io.BytesIO(pdf_bytes("Acta de entrega N° 3")))
    draft = store.save(PRIVATE_PDF, io.BytesIO(pdf_bytes("Borrador")))
    svg = _raw(store, SVG_NAME, "image/svg+xml", SVG)
    html = _raw(store, HTML_NAME, "text/html", HTML)
    loa = portal["loa"]
    with Session(engine) as session:
        added = add_evidence(session, loa, [pdf, svg, html, draft], [PUBLIC_REFERENCE],
                             ADDED_BY, today)  # fmt: skip
        ids = {view.nombre: view.id for view in added}
        acta_id = session.scalars(select(Commitment.acta_id).where(Commitment.id == loa)).one()
        acta_pdf = store.save(ACTA_PDF, io.BytesIO(pdf_bytes("Acta N° 12")))
        (acta,) = add_acta_evidence(session, acta_id, [acta_pdf], [], ADDED_BY, today)
        withheld_pdf = store.save(WITHHELD_PDF, io.BytesIO(pdf_bytes("Reservado")))
        (withheld,) = add_evidence(session, portal["withheld"], [withheld_pdf], [], ADDED_BY,
                                   today)  # fmt: skip
        huasco_pdf = store.save(HUASCO_PDF, io.BytesIO(pdf_bytes("Huasco")))
        (huasco,) = add_evidence(session, portal["huasco"], [huasco_pdf], [], ADDED_BY, today)
        for public in (SVG_NAME, HTML_NAME, PUBLIC_REFERENCE):
            publish(session, ids[public], PUBLISHER)
        for other in (acta.id, withheld.id, huasco.id):
            publish(session, other, PUBLISHER)
        session.commit()
    return {**portal, **ids, "acta_pdf": acta.id, "withheld_pdf": withheld.id,
            "huasco_pdf": huasco.id}  # fmt: skip


@pytest.fixture
def staff(database_url: str, tmp_path: Path) -> FastAPI:
    """The app as the gerencia uses it (plain http, so the session cookie
    travels in the test client), on the portal's database and folder."""
    return create_app(
        load_settings(database_url=database_url, data_dir=tmp_path / "var"), with_scheduler=False
    )


def _commands(cli: Cli, *runs: list[str]) -> list[tuple[int, str, str]]:
    """Several commands through the console script's entry point in one
    process: (exit code, stdout, stderr) each."""
    result = subprocess.run(
        [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=cli.folder, env=cli.env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [tuple(item) for item in json.loads(result.stdout)]


def test_the_console_script_publishes_lists_and_refuses_in_spanish(
    media: dict[str, int], engine: Engine, database_url: str, tmp_path: Path
) -> None:
    cli = Cli(tmp_path, database_url)
    pdf = media[PUBLIC_PDF]
    published = cli("evidence", "publish", str(pdf), "--by", PUBLISHER)
    assert published.returncode == 0, published.stderr
    assert published.stdout == (
        f"La evidencia N° {pdf} quedó publicada en el portal. Se verá en la página pública del "
        f"compromiso N° {media['loa']} solo si su región está publicada y el compromiso no está "
        "reservado (vea «cumple portal list»).\n"
    )
    with Session(engine) as session:
        decided = session.scalars(select(PublicEvidence).where(PublicEvidence.evidence_id == pdf))
        assert [d.published_by for d in decided] == [PUBLISHER]
    loa, draft = str(media["loa"]), str(media[PRIVATE_PDF])
    again, missing, private, listed, as_json, as_csv, withdrawn, out_of_range = _commands(
        cli,
        ["evidence", "publish", str(pdf)],
        ["evidence", "publish", "999999"],
        ["evidence", "unpublish", draft],
        ["evidence", "list", loa],
        ["evidence", "list", loa, "--format", "json"],
        ["evidence", "list", loa, "--format", "csv"],
        ["evidence", "unpublish", str(media[SVG_NAME])],
        ["evidence", "publish", "0"],
    )
    assert again[0] == 1 and again[2] == (
        f"Error: La evidencia N° {pdf} («{PUBLIC_PDF}») ya está publicada en el portal; no "
        "cambió nada.\n"
    )
    assert missing[0] == 1
    assert "No existe la evidencia N° 999999; vea los números en la lista" in missing[2]
    assert private[0] == 1
    assert f"«{PRIVATE_PDF}») no está publicada en el portal; no cambió nada." in private[2]
    assert listed[0] == 0
    assert "┃ N° ┃" in listed[1] and "┃ Portal  ┃" in listed[1]
    portal_column = dict(re.findall(r"^│ (\d+) +│.*│ (pública|privada) +│$", listed[1], re.M))
    public = {
        str(media[k]) for k in (PUBLIC_PDF, SVG_NAME, HTML_NAME, PUBLIC_REFERENCE, "acta_pdf")
    }
    assert {number for number, shown in portal_column.items() if shown == "pública"} == public
    assert (portal_column[draft], len(portal_column)) == ("privada", 8)
    records = {item["id"]: item for item in json.loads(as_json[1])}
    assert {key for key in records[pdf]} == {
        "id", "tipo", "nombre", "sha256", "bytes", "medio", "referencia", "agregado_por",
        "agregado_el", "del_acta", "publica",
    }  # fmt: skip
    assert (records[pdf]["publica"], records[media[PRIVATE_PDF]]["publica"]) == (True, False)
    assert (records[media["acta_pdf"]]["del_acta"], records[media["acta_pdf"]]["publica"]) == (
        True, True,
    )  # fmt: skip
    assert as_csv[1].splitlines()[0].endswith(",del_acta,publica")
    assert withdrawn == (0, f"La evidencia N° {media[SVG_NAME]} ya no está publicada en el "
                            "portal.\n", "")  # fmt: skip
    assert out_of_range[0] == 2 and "EVIDENCE_ID" in out_of_range[2]


def test_gerente_publishes_and_withdraws_on_the_commitment_page_within_scope(
    media: dict[str, int],
    staff: FastAPI,
    client: TestClient,  # noqa: F811
    engine: Engine,
) -> None:
    loa, pdf = media["loa"], media[PUBLIC_PDF]
    page = f"/compromisos/{loa}"
    publish_path = f"{page}/evidencias/{pdf}/publicar"
    public_page = f"{BASE}/{loa}"
    assert PUBLIC_PDF not in client.get(public_page).text
    gore = client_for(staff, "gore_an")
    assert "Publicar en el portal" not in gore.get(page).text
    refused = gore.post(publish_path, data={"csrf_token": token(gore)}, follow_redirects=False)
    assert refused.status_code == 403
    other = client_for(staff, "gerente_huasco")
    hidden = other.post(publish_path, data={"csrf_token": token(other)}, follow_redirects=False)
    assert hidden.status_code == 404
    gerente = client_for(staff, "gerente_loa")
    shown = gerente.get(page).text
    assert f'action="{publish_path}"' in shown
    assert f'action="{page}/evidencias/{media[SVG_NAME]}/retirar"' in shown
    assert f"Publicar en el portal la evidencia N° {pdf}" in shown
    csrf = token(gerente)
    no_csrf = gerente.post(publish_path, data={}, follow_redirects=False)
    assert no_csrf.status_code == 403
    with Session(engine) as session:  # another commitment's own evidence, through this page
        (foreign,) = add_evidence(session, media["hostile"], [], ["OC 77-LE26"], ADDED_BY,
                                  _today())  # fmt: skip
        session.commit()
    stranger = gerente.post(f"{page}/evidencias/{foreign.id}/publicar", data={"csrf_token": csrf},
                            follow_redirects=False)  # fmt: skip
    assert stranger.status_code == 404
    assert f"no tiene una evidencia N° {foreign.id}" in stranger.text
    assert client.get(public_page).status_code == 200
    assert PUBLIC_PDF not in client.get(public_page).text
    done = gerente.post(publish_path, data={"csrf_token": csrf}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, f"{page}?guardado=1")
    after = gerente.get(done.headers["location"]).text
    assert f"Evidencia N° {pdf} publicada en el portal. Se verá en la página pública" in after
    assert f'action="{page}/evidencias/{pdf}/retirar"' in after
    twice = gerente.post(publish_path, data={"csrf_token": csrf}, follow_redirects=False)
    assert twice.status_code == 400 and "ya está publicada en el portal" in twice.text
    with Session(engine) as session:
        who = session.scalars(
            select(PublicEvidence.published_by).where(PublicEvidence.evidence_id == pdf)
        ).all()
        assert list(who) == ["gerente@loa.cl"]
    assert PUBLIC_PDF in client.get(public_page).text
    withdraw = gerente.post(f"{page}/evidencias/{pdf}/retirar", data={"csrf_token": csrf},
                            follow_redirects=True)  # fmt: skip
    assert f"Evidencia N° {pdf} retirada del portal: vuelve a ser privada." in withdraw.text
    assert PUBLIC_PDF not in client.get(public_page).text
    assert client.get(f"{public_page}/evidencias/{pdf}").status_code == 404


def _scan(anonymous: TestClient, paths: list[str]) -> dict[str, str]:
    bodies = {}
    for path in paths:
        response = anonymous.get(path)
        text = response.content.decode("utf-8", "replace")
        bodies[path] = text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return bodies


def test_public_evidence_is_listed_and_downloaded_and_nothing_private_leaks(
    media: dict[str, int],
    client: TestClient,  # noqa: F811
    engine: Engine,
    tmp_path: Path,
) -> None:
    loa, pdf, acta = media["loa"], media[PUBLIC_PDF], media["acta_pdf"]
    with Session(engine) as session:
        publish(session, pdf, PUBLISHER)
        session.commit()
    store = EvidenceStore(tmp_path / "var" / "evidencias")
    page = client.get(f"{BASE}/{loa}")
    assert page.status_code == 200
    text = page.text
    listed = re.findall(r'<a href="([^"]+/evidencias/\d+)">([^<]+)</a>', text)
    assert listed == [
        (f"{BASE}/{loa}/evidencias/{acta}", ACTA_PDF),
        (f"{BASE}/{loa}/evidencias/{pdf}", PUBLIC_PDF),
        (f"{BASE}/{loa}/evidencias/{media[SVG_NAME]}", SVG_NAME),
        (f"{BASE}/{loa}/evidencias/{media[HTML_NAME]}", HTML_NAME),
    ]
    with Session(engine) as session:
        shas = {e.name: e.sha256 for e in session.scalars(select(Evidence))}
    size = store.path_of(shas[PUBLIC_PDF]).stat().st_size
    assert (
        f"{PUBLIC_PDF}</a> (PDF, {format_bytes(size)}); agregado el {format_long(_today())}."
        in text
    )
    assert f"<code>{shas[PUBLIC_PDF]}</code>" in text
    assert f"{ACTA_PDF}</a> (PDF, " in text and ", documento del acta; agregado el" in text
    assert f"Referencia: {PUBLIC_REFERENCE}; agregado el {format_long(_today())}." in text
    # Public: acta's PDF, PDF, SVG, HTML, reference; private: the fixture's
    # file and reference, the draft.
    assert "5 medios de verificación publicados; 3 medios de verificación no publicados" in text

    download = client.get(f"{BASE}/{loa}/evidencias/{pdf}")
    assert download.status_code == 200
    assert download.content == store.path_of(shas[PUBLIC_PDF]).read_bytes()
    assert hashlib.sha256(download.content).hexdigest() == shas[PUBLIC_PDF]
    assert download.content.startswith(b"%PDF-")
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["etag"] == f'"{shas[PUBLIC_PDF]}"'
    assert download.headers["cache-control"] == "public, max-age=300"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        'attachment; filename="Acta de entrega Lasana N_ 3.pdf"; '
        "filename*=UTF-8''Acta%20de%20entrega%20Lasa%C3%B1a%20N%C2%B0%203.pdf"
    )
    assert "set-cookie" not in {name.lower() for name in download.headers}
    cached = client.get(f"{BASE}/{loa}/evidencias/{pdf}",
                        headers={"If-None-Match": f'"{shas[PUBLIC_PDF]}"'})  # fmt: skip
    assert (cached.status_code, cached.content) == (304, b"")
    assert cached.headers["etag"] == f'"{shas[PUBLIC_PDF]}"'
    head = client.head(f"{BASE}/{loa}/evidencias/{pdf}")
    assert (head.status_code, head.content, head.headers["content-length"]) == (
        200, b"", str(size),
    )  # fmt: skip
    for name, content in ((SVG_NAME, SVG), (HTML_NAME, HTML)):
        served = client.get(f"{BASE}/{loa}/evidencias/{media[name]}")
        assert served.headers["content-type"] == "application/octet-stream", name
        assert served.headers["content-disposition"].startswith("attachment; "), name
        assert served.content == content, name
    hostile = client.get(f"{BASE}/{media['hostile']}")  # the acta's document, on each page
    assert f'href="{BASE}/{media["hostile"]}/evidencias/{acta}"' in hostile.text
    assert PUBLIC_PDF not in hostile.text
    assert client.get(f"{BASE}/{media['hostile']}/evidencias/{acta}").status_code == 200

    not_public = [
        f"{BASE}/{loa}/evidencias/{media[PRIVATE_PDF]}",  # a stored file, private
        f"{BASE}/{loa}/evidencias/{media[PUBLIC_REFERENCE]}",  # public, but no file
        f"{BASE}/{media['hostile']}/evidencias/{pdf}",  # another commitment's
        f"/publico/antofagasta/otro-territorio/compromisos/{loa}/evidencias/{pdf}",
        f"{BASE}/{media['withheld']}/evidencias/{media['withheld_pdf']}",  # withheld
        f"{BASE}/{media['withheld']}/evidencias/{acta}",
        f"/publico/atacama/provincia-del-huasco/compromisos/{media['huasco']}/evidencias/"
        f"{media['huasco_pdf']}",  # región not published
        f"{BASE}/{loa}/evidencias/999999",
    ]
    for path in not_public:
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert "no existe o no está publicada" in refused.text, path
        assert "%PDF" not in refused.text, path

    secrets = _secrets(engine) | {
        PRIVATE_PDF,
        WITHHELD_PDF,
        HUASCO_PDF,
        ADDED_BY,
        PUBLISHER,
        "gerente@loa.cl",
    }
    assert {PRIVATE_PDF, ADDED_BY, "marcela.jara@fosis.cl.example"} <= secrets
    paths = [
        "/publico/", "/publico/antofagasta", "/publico/antofagasta/loa-emprende",
        "/publico/sitemap.xml", f"{BASE}/{loa}", f"{BASE}/{media['hostile']}",
        f"{BASE}/{media['sede']}", f"{BASE}/{loa}/evidencias/{pdf}",
        f"{BASE}/{loa}/evidencias/{acta}", f"{BASE}/{loa}/evidencias/{media[SVG_NAME]}",
        *not_public,
    ]  # fmt: skip
    bodies = _scan(client, paths)
    leaks = [(path, s) for path, body in bodies.items() for s in secrets if s in body]
    # A file's compressed bytes may hold any character; pages may not.
    pages = [path for path in paths if "/evidencias/" not in path or path in not_public]
    leaks += [(path, "@") for path in pages if "@" in bodies[path]]
    assert leaks == []

    with Session(engine) as session:
        unpublish(session, pdf)
        session.commit()
    gone = client.get(f"{BASE}/{loa}")
    assert PUBLIC_PDF not in gone.text and shas[PUBLIC_PDF] not in gone.text
    assert "4 medios de verificación publicados; 4 medios de verificación no publicados" in (
        gone.text
    )
    assert client.get(f"{BASE}/{loa}/evidencias/{pdf}").status_code == 404
    after = _scan(client, paths[:7])
    assert [path for path, body in after.items() if PUBLIC_PDF in body] == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_public_evidence_costs_the_same_queries_whatever_the_number_of_commitments(
    media: dict[str, int],
    client: TestClient,  # noqa: F811
    engine: Engine,
    tmp_path: Path,
) -> None:
    loa = media["loa"]
    counted: list[object] = []

    def count(*_: object) -> None:
        counted.append(1)

    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", count)
        try:
            few = public_evidence(session, [loa, media["withheld"]])
            cost_few = len(counted)
            counted.clear()
            many = public_evidence(session, range(1, 2000))
            cost_many = len(counted)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert (cost_few, cost_many) == (1, 1)
    acta = media["acta_pdf"]
    assert [m.id for m in few[loa]] == [acta, media[SVG_NAME], media[HTML_NAME],
                                        media[PUBLIC_REFERENCE]]  # fmt: skip
    assert [m.id for m in few[media["withheld"]]] == [acta, media["withheld_pdf"]]
    assert many[loa] == few[loa] and many[media["hostile"]][0].id == acta
    assert many[media["huasco"]][0].name == HUASCO_PDF
    paths = ["/publico/antofagasta", "/publico/antofagasta/loa-emprende", f"{BASE}/{loa}",
             f"{BASE}/{loa}/evidencias/{acta}"]  # fmt: skip
    before = _statements(client, paths)
    more = [row(compromiso=f"Compromiso con evidencia {n}", plazo="2026-12-15") for n in range(12)]
    import_file(engine, write_csv(tmp_path / "mas.csv", more), actor="prueba")
    with Session(engine) as session:
        for commitment_id in session.scalars(
            select(Commitment.id).where(Commitment.text.startswith("Compromiso con evidencia"))  # type: ignore[attr-defined]
        ).all():
            (added,) = add_evidence(session, commitment_id, [], [f"OC {commitment_id}"],
                                    ADDED_BY, _today())  # fmt: skip
            publish(session, added.id, PUBLISHER)
        session.commit()
    assert _statements(client, paths) == before

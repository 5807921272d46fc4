"""The public transparency portal (``/publico/``): nothing is public until a
región is enabled; a withheld commitment appears nowhere; no page carries
an e-mail address, a person's name, a token, a note, a reason or an
evidence file's name; pages are cacheable with an ETag; the console
script's ``portal`` commands; and axe-core on the public pages at 1280 and
390 px in Debian's Chromium."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment, CommitmentEvent, Contact, User
from models.calendar import local_date
from models.dates import format_long
from models.stages import Audience
from planning.cycle import links_for
from tests.helpers import Cli, row, write_csv
from tests.test_accessibility import DESKTOP, PHONE, Audit, axe_source
from tests.test_browser import ARGS, CHROMIUM, server  # noqa: F401  (the app in uvicorn)
from tracking.evidence import add_evidence
from tracking.evidence_store import StoredFile
from tracking.portal import enable_region, withhold
from tracking.updates import Change, apply_change
from web.app import create_app

VERIFIER = "Ana Verificadora Rojas"
NOTE = "Nota interna: llamar a la seremi el lunes"
REASON = "La Resolución Exenta N° 1229 de doña Carmen Ríos amplió el plazo"
FILE_NAME = "informe-privado-marcela.pdf"
REFERENCE = "Orden de compra 1234-56-LE26"
WITHHELD_TEXT = "Apoyo a la familia de don Juan Soto Pérez"


def _today() -> date:
    return local_date(datetime.now(UTC), load_settings().zone)


@pytest.fixture
def portal(engine: Engine, site: dict[str, int], tmp_path: Path) -> dict[str, int]:
    """The web fixtures' data (Loa Emprende in Antofagasta, Huasco in
    Atacama) plus a second Antofagasta institution and a commitment to
    withhold; the Loa commitment gets a payment, a new due date with its
    reason, a note, evidence and a verified fulfilment."""
    extra = [
        row(compromiso=WITHHELD_TEXT, plazo="2026-08-31", institucion="Municipalidad de Calama",
            institucion_rut="69.250.200-0", responsable="Pedro Pablo Tapia",
            responsable_email="pp.tapia@calama.cl.example", monto="$2.000.000"),
        row(compromiso="Habilitar sede comunitaria", plazo="2026-07-31",
            institucion="Municipalidad de Calama", institucion_rut="69.250.200-0",
            responsable="Pedro Pablo Tapia", responsable_email="pp.tapia@calama.cl.example",
            acta_fecha="2025-11-20", acta_numero="7", monto="$8.000.000"),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "extra.csv", extra), actor="prueba")
    today = _today()
    with Session(engine) as session:
        texts = {r.text: r.id for r in session.execute(select(Commitment.text, Commitment.id))}
        withheld_id, sede_id = texts[WITHHELD_TEXT], texts["Habilitar sede comunitaria"]
        loa = site["loa"]
        apply_change(session, loa, Change(executed_amount=4_250_000, on=date(2026, 7, 1)),
                     "gerente@loa.cl", today)  # fmt: skip
        new_date = Change(due_date=date(2026, 12, 30), reason=REASON, on=date(2026, 7, 2))
        apply_change(session, loa, new_date, "gerente@loa.cl", today)
        apply_change(session, loa, Change(note=NOTE, on=date(2026, 7, 2)), VERIFIER, today)
        add_evidence(session, loa, [StoredFile(FILE_NAME, "application/pdf", 1234, "ab" * 32)],
                     [REFERENCE], "marcela.jara@fosis.cl.example", today)  # fmt: skip
        apply_change(session, loa, Change(status="cumplido", on=date(2026, 7, 3)), VERIFIER,
                     today)  # fmt: skip
        apply_change(session, sede_id, Change(status="cumplido", on=date(2026, 7, 20)),
                     VERIFIER, today)  # fmt: skip
        enable_region(session, "Antofagasta", "cli:prueba")
        withhold(session, withheld_id, "Nombra a una persona", "cli:prueba")
        session.commit()
    return {**site, "withheld": withheld_id, "sede": sede_id}


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> TestClient:
    settings = load_settings(
        database_url=database_url, data_dir=tmp_path / "var", base_url="https://cumple.example"
    )
    return TestClient(create_app(settings, with_scheduler=False))


def _secrets(engine: Engine) -> set[str]:
    """Every e-mail, person's name and author the database holds."""
    with Session(engine) as session:
        found = {v for c in session.scalars(select(Contact)) for v in (c.email, c.name) if v}
        found |= set(session.scalars(select(User.email)))
        found |= set(session.scalars(select(CommitmentEvent.actor)))
    return found | {VERIFIER, NOTE, REASON, FILE_NAME, REFERENCE, WITHHELD_TEXT, "cli:prueba"}


PUBLIC_PATHS = [
    "/publico/",
    "/publico/antofagasta",
    "/publico/antofagasta/loa-emprende",
    "/publico/antofagasta/loa-emprende?estado=cumplido",
    "/publico/antofagasta/loa-emprende?institucion=fosis&anio=2026",
    "/publico/sitemap.xml",
    "/publico/antofagasta/sitemap-1.xml",
    "/publico/antofagasta/loa-emprende?fecha=2026-07-02",
]


def test_published_region_answers_without_a_session_and_shows_public_fields(
    client: TestClient, portal: dict[str, int]
) -> None:
    loa = portal["loa"]
    home = client.get("/publico/")
    assert home.status_code == 200
    assert 'href="/publico/antofagasta"' in home.text
    assert "Atacama" not in home.text
    region = client.get("/publico/antofagasta")
    assert region.status_code == 200
    assert '<link rel="canonical" href="https://cumple.example/publico/antofagasta">' in region.text
    assert '<meta property="og:title" content="Región de Antofagasta">' in region.text
    assert 'href="/publico/antofagasta/loa-emprende"' in region.text
    assert "Municipalidad de Calama" in region.text and "FOSIS" in region.text
    assert '<svg role="img"' in region.text
    territory = client.get("/publico/antofagasta/loa-emprende")
    assert territory.status_code == 200
    assert f'href="/publico/antofagasta/loa-emprende/compromisos/{loa}"' in territory.text
    assert "&lt;script&gt;alert" in territory.text and "<script>alert" not in territory.text
    page = client.get(f"/publico/antofagasta/loa-emprende/compromisos/{loa}")
    assert page.status_code == 200
    text = page.text
    assert "Transferencia Loa" in text and "60.109.000-7" in text
    assert "$15.000.000" in text and "$4.250.000" in text
    assert "30 de diciembre de 2026" in text and "21 de septiembre de 2026" in text
    assert "Verificado el 3 de julio de 2026 por la gerencia." in text
    timeline = re.findall(r"<li><strong>([^<]+)</strong>", text)
    assert timeline == [
        "15 de junio de 2026: Registro en el acta.",
        "1 de julio de 2026: Monto ejecutado.",
        "2 de julio de 2026: Nuevo plazo.",
        "3 de julio de 2026: Verificación.",
        f"{format_long(_today())}: Medio de verificación.",
        f"{format_long(_today())}: Medio de verificación.",
    ]
    assert "2 medios de verificación" in text
    assert "Cumplido" in text
    assert "set-cookie" not in {name.lower() for name in page.headers}


def test_filters_by_institution_status_and_year(client: TestClient, portal: dict[str, int]) -> None:
    base = "/publico/antofagasta/loa-emprende"
    calama = client.get(f"{base}?institucion=municipalidad-de-calama")
    assert "Habilitar sede comunitaria" in calama.text and "Transferencia Loa" not in calama.text
    by_year = client.get(f"{base}?anio=2025")
    assert "Habilitar sede comunitaria" in by_year.text
    assert "Transferencia Loa" not in by_year.text
    fulfilled = client.get(f"{base}?estado=cumplido&anio=2026")
    assert "Transferencia Loa" in fulfilled.text and "alert" not in fulfilled.text
    assert "1 compromiso mostrado" in fulfilled.text


def test_unpublished_region_and_withheld_commitment_answer_404_and_appear_nowhere(
    client: TestClient, portal: dict[str, int]
) -> None:
    huasco = portal["huasco"]
    withheld = portal["withheld"]
    for path in (
        "/publico/atacama",
        "/publico/atacama/provincia-del-huasco",
        f"/publico/atacama/provincia-del-huasco/compromisos/{huasco}",
        f"/publico/antofagasta/provincia-del-huasco/compromisos/{huasco}",
        f"/publico/antofagasta/loa-emprende/compromisos/{withheld}",
        "/publico/antofagasta/no-existe",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "no existe o no está publicada" in response.text
    index = client.get("/publico/sitemap.xml")
    assert re.findall(r"<loc>([^<]+)</loc>", index.text) == [
        "https://cumple.example/publico/inicio.xml",
        "https://cumple.example/publico/antofagasta/sitemap-1.xml",
    ]
    sitemap = client.get("/publico/antofagasta/sitemap-1.xml")
    assert sitemap.status_code == 200
    assert f"/compromisos/{portal['loa']}</loc>" in sitemap.text
    assert f"/compromisos/{withheld}</loc>" not in sitemap.text
    assert "atacama" not in sitemap.text
    for path in PUBLIC_PATHS:
        body = client.get(path).text
        assert "Juan Soto" not in body, path
        assert f"compromisos/{withheld}" not in body, path


def test_no_portal_response_carries_personal_data_or_tokens(
    client: TestClient, portal: dict[str, int], engine: Engine, database_url: str, tmp_path: Path
) -> None:
    secrets = _secrets(engine)
    assert {"marcela.jara@fosis.cl.example", "Marcela Jara", "gerente@loa.cl"} <= secrets
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    token = links_for(settings)(portal["loa"], Audience.RESPONSABLE).rsplit("/c/", 1)[1]
    commitment_paths = [
        f"/publico/antofagasta/loa-emprende/compromisos/{portal[key]}"
        for key in ("loa", "hostile", "sede")
    ]
    bodies = {}
    for path in [*PUBLIC_PATHS, *commitment_paths, "/publico/atacama"]:
        response = client.get(path)
        bodies[path] = response.text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    leaks = [
        (path, secret)
        for path, body in bodies.items()
        for secret in [*secrets, token, "/c/", "@"]
        if secret in body
    ]
    assert leaks == []
    assert all(bodies[path] for path in commitment_paths)


def test_pages_are_cacheable_with_an_etag_and_answer_304(
    client: TestClient, portal: dict[str, int], engine: Engine
) -> None:
    path = "/publico/antofagasta/loa-emprende"
    first = client.get(path)
    assert first.headers["cache-control"] == "public, max-age=300"
    assert "frame-ancestors 'none'" in first.headers["content-security-policy"]
    assert "unsafe-inline" not in first.headers["content-security-policy"]
    assert first.headers["x-content-type-options"] == "nosniff"
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=300"
    other = client.get(path, headers={"If-None-Match": '"otra"'})
    assert other.status_code == 200
    with Session(engine) as session:
        withhold(session, portal["sede"], "Revisión pendiente", "cli:prueba")
        session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert client.get("/publico/atacama").headers["cache-control"] == "no-store"
    assert client.get("/publico/sitemap.xml").headers["cache-control"] == "public, max-age=300"


def _statements(client: TestClient, paths: list[str]) -> list[int]:
    """How many SQL statements each page costs."""
    from sqlalchemy import event

    engine = client.app.state.engine  # type: ignore[attr-defined]
    counted: list[int] = []

    def count(*_: object) -> None:
        counted.append(1)

    costs = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for path in paths:
            counted.clear()
            assert client.get(path).status_code == 200, path
            costs.append(len(counted))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return costs


def test_pages_cost_the_same_queries_whatever_the_number_of_commitments(
    client: TestClient, portal: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    paths = ["/publico/", "/publico/antofagasta", "/publico/antofagasta/loa-emprende",
             "/publico/sitemap.xml"]  # fmt: skip
    before = _statements(client, paths)
    more = [row(compromiso=f"Compromiso adicional {n}", plazo="2026-12-15") for n in range(25)]
    import_file(engine, write_csv(tmp_path / "mas.csv", more), actor="prueba")
    after = _statements(client, paths)
    assert after == before
    assert "Compromiso adicional 24" in client.get("/publico/antofagasta/loa-emprende").text


def test_nothing_is_public_by_default(client: TestClient, site: dict[str, int]) -> None:
    assert "Aún no hay regiones publicadas." in client.get("/publico/").text
    assert client.get("/publico/antofagasta").status_code == 404
    assert client.get("/publico/antofagasta/loa-emprende").status_code == 404
    assert "<loc>" in client.get("/publico/sitemap.xml").text
    assert "antofagasta" not in client.get("/publico/sitemap.xml").text
    assert client.get("/publico/antofagasta/sitemap-1.xml").status_code == 404


def test_portal_commands_of_the_console_script(
    database_url: str, site: dict[str, int], tmp_path: Path
) -> None:
    hostile, loa = str(site["hostile"]), str(site["loa"])
    (
        empty, enabled, again, held, listed, twice, released, not_held, missing, blank,
        unknown, off, done, emptied,
    ) = Cli(tmp_path, database_url).batch(
        [
            ["portal", "list"],
            ["portal", "enable", "--region", "Antofagasta", "--by", "Gerencia"],
            ["portal", "enable", "--region", "II"],
            ["portal", "withhold", hostile, "--reason", "Nombra a una persona"],
            ["portal", "list"],
            ["portal", "withhold", hostile, "--reason", "otra"],
            ["portal", "release", hostile],
            ["portal", "release", hostile],
            ["portal", "withhold", "999999", "--reason", "x"],
            ["portal", "withhold", loa, "--reason", "  "],
            ["portal", "enable", "--region", "Narnia"],
            ["portal", "disable", "--region", "Atacama"],
            ["portal", "disable", "--region", "antofagasta"],
            ["portal", "list"],
        ]
    )  # fmt: skip
    assert empty.stdout.splitlines() == [
        "Ninguna región está publicada en el portal.",
        "0 compromisos reservados.",
    ]
    assert (enabled.returncode, enabled.stdout) == (
        0, "La Región de Antofagasta quedó publicada en el portal.\n"
    )  # fmt: skip
    assert again.stdout == "La Región de Antofagasta ya estaba publicada; no cambió nada.\n"
    assert held.stdout == f"El compromiso N° {site['hostile']} quedó reservado: no se publica.\n"
    lines = listed.stdout.splitlines()
    assert lines[0] == "1 región publicada:"
    assert lines[1].startswith("  Región de Antofagasta\tdesde el ")
    assert lines[1].endswith("\tpor Gerencia")
    assert lines[2] == "1 compromiso reservado:"
    assert lines[3].startswith(f"  N° {site['hostile']} (Antofagasta)\tNombra a una persona\t")
    assert twice.returncode == 1
    assert "ya está reservado: «Nombra a una persona»" in twice.stderr
    assert released.returncode == 0
    assert (not_held.returncode, "no estaba reservado" in not_held.stderr) == (1, True)
    assert (missing.returncode, "No existe el compromiso N° 999999" in missing.stderr) == (1, True)
    assert (blank.returncode, "Indique el motivo" in blank.stderr) == (1, True)
    assert (unknown.returncode, "La región «Narnia» no existe" in unknown.stderr) == (1, True)
    assert (off.returncode, "no está publicada" in off.stderr) == (1, True)
    assert done.stdout == "La Región de Antofagasta ya no está publicada en el portal.\n"
    assert emptied.stdout.splitlines()[0] == "Ninguna región está publicada en el portal."


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium (Debian) no instalado")
# Same HTML on either backend (the portal's other tests run on both).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_public_pages_pass_axe_and_fit_a_phone(
    server: Any,  # noqa: F811
    portal: dict[str, int],
    viewport: dict[str, int],
) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = server
    territory = f"{base}/publico/antofagasta/loa-emprende"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="es-CL", viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        audit = Audit(page, viewport, axe_source())
        for name, url in [
            ("/publico/", f"{base}/publico/"),
            ("/publico/<región>", f"{base}/publico/antofagasta"),
            ("/publico/<región>/<territorio>", territory),
            ("territorio filtrado", f"{territory}?estado=vencido"),
            ("compromiso", f"{territory}/compromisos/{portal['loa']}"),
            ("compromiso con texto hostil", f"{territory}/compromisos/{portal['hostile']}"),
            ("404 del portal", f"{base}/publico/atacama"),
        ]:
            page.goto(url)
            audit.check(name)
        page.goto(f"{base}/publico/antofagasta")
        page.keyboard.press("Tab")
        focused = "document.activeElement.textContent.trim()"
        assert page.evaluate(focused) == "Ir al contenido"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "contenido"
        page.keyboard.press("Tab")  # from the main content, the first link in it
        assert page.evaluate(focused) == "Regiones"
        page.goto(territory)
        page.get_by_label("Estado", exact=True).select_option("cumplido")
        page.get_by_role("button", name="Filtrar").click()
        page.wait_for_url(f"{territory}?**")
        assert "estado=cumplido" in page.url
        audit.check("territorio filtrado con el formulario")
        browser.close()
    assert audit.problems == []


def test_the_state_on_a_past_date_and_refused_dates(
    client: TestClient, portal: dict[str, int]
) -> None:
    loa = f"/publico/antofagasta/loa-emprende/compromisos/{portal['loa']}"
    before = client.get(f"{loa}?fecha=2026-07-02")
    assert before.status_code == 200
    assert "Estado al 2 de julio de 2026" in before.text
    assert "$4.250.000" in before.text
    assert "Verificado el 3 de julio" not in before.text
    timeline = re.findall(r"<li><strong>([^<]+)</strong>", before.text)
    assert timeline[-1] == "2 de julio de 2026: Nuevo plazo."
    assert "Ver el estado de hoy" in before.text
    earlier = client.get(f"{loa}?fecha=2026-06-30")
    assert "$4.250.000" not in earlier.text and "$0" in earlier.text
    assert client.get(f"{loa}?fecha=2026-06-01").status_code == 404  # the acta came later
    region = client.get("/publico/antofagasta?fecha=2026-07-02").text
    assert "Estado al 2 de julio de 2026" in region
    for bad, words in [
        ("2026-13-45", "La fecha «2026-13-45» no es válida"),
        ("mañana", "La fecha «mañana» no es válida"),
        ("2099-01-01", "es posterior a hoy"),
    ]:
        refused = client.get(f"/publico/antofagasta?fecha={bad}")
        assert refused.status_code == 400, bad
        assert words in refused.text
        assert "set-cookie" not in {name.lower() for name in refused.headers}


def test_head_and_unknown_addresses_under_the_portal(
    client: TestClient, portal: dict[str, int]
) -> None:
    for path in ("/publico/", "/publico/antofagasta", "/publico/sitemap.xml"):
        head = client.head(path)
        assert head.status_code == 200, path
        assert head.headers["etag"] == client.get(path).headers["etag"]
    for path in (
        "/publico/a/b/c/d",
        "/publico/antofagasta/loa-emprende/compromisos/abc",
        "/publico/antofagasta/loa-emprende/compromisos/99999999999",
        "/publico/antofagasta/sitemap-0.xml",
        "/publico/antofagasta/sitemap-x.xml",
    ):
        missing = client.get(path)
        assert missing.status_code == 404, path
        assert "no existe o no está publicada" in missing.text
        assert "set-cookie" not in {name.lower() for name in missing.headers}, path
        assert client.head(path).status_code == 404


def test_a_rectification_shows_on_the_public_timeline(
    client: TestClient, portal: dict[str, int], engine: Engine
) -> None:
    from models.packages import Package

    path = f"/publico/antofagasta/loa-emprende/compromisos/{portal['hostile']}"
    assert "Rectificación" not in client.get(path).text
    with Session(engine) as session:
        region_id = session.get(Commitment, portal["hostile"]).region_id  # type: ignore[union-attr]
        session.add(
            Package(region_id=region_id, period="2026-T3", period_start=date(2026, 7, 1),
                    period_end=date(2026, 9, 30), folder="enviado", manifest_sha256="0" * 64,
                    automatic_key="protocolo", generated_at=datetime(2026, 10, 1, tzinfo=UTC))
        )  # fmt: skip
        session.commit()
        change = Change(executed_amount=750_000, on=date(2026, 8, 14), reason=REASON)
        apply_change(session, portal["hostile"], change, "gerente@loa.cl", _today())
        session.commit()
    text = client.get(path).text
    assert re.search(
        r"14 de agosto de 2026: Monto ejecutado\.</strong> De \$0 a \$750\.000\. "
        r"<em>Rectificación del período 2026-T3, ya informado\.</em>",
        text,
    )
    assert REASON not in text and "gerente@loa.cl" not in text


def test_kept_pages_follow_changes_made_by_another_process(
    client: TestClient, portal: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    path = "/publico/antofagasta/loa-emprende"
    assert "Compromiso de otro proceso" not in client.get(path).text
    cli = Cli(tmp_path, database_url)
    extra = write_csv(tmp_path / "otro.csv", [row(compromiso="Compromiso de otro proceso")])
    assert cli("import", str(extra)).returncode == 0
    assert "Compromiso de otro proceso" in client.get(path).text
    held = cli("portal", "withhold", str(portal["loa"]), "--reason", "Revisión")
    assert held.returncode == 0
    assert "Transferencia Loa" not in client.get(path).text


def test_region_figures_added_up_by_the_database_match_the_public_projection(
    portal: dict[str, int], engine: Engine
) -> None:
    from tracking.public import group, published_region, region_commitments, tally
    from tracking.public_totals import public_addresses, region_totals

    def fields(t: Any) -> tuple[Any, ...]:
        return (t.name, t.slug, dict(t.counts), t.committed, t.executed, t.fulfilled, t.on_time)

    with Session(engine) as session:
        region = published_region(session, "antofagasta")
        assert region is not None
        for day in (date(2026, 6, 30), date(2026, 7, 2), date(2026, 7, 25), _today()):
            items = region_commitments(session, region, day)
            figures = region_totals(session, region, day)
            assert fields(figures.total) == fields(tally(region.official_name, items)), day
            assert [fields(t) for t in figures.territories] == [
                fields(t) for t in group(items, "territory")
            ], day
            assert [fields(t) for t in figures.institutions] == [
                fields(t) for t in group(items, "institution")
            ], day
        assert figures.total.fulfilled == 2 and figures.total.on_time == 2
        assert portal["withheld"] not in {n for n, _ in public_addresses(session, region)}
        assert {n for n, _ in public_addresses(session, region)} == {i.id for i in items}

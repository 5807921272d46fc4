"""End to end in a real browser: Debian's Chromium driven by Playwright
(never a browser download). A gerente logs in, registers an acta, updates a
commitment; a responsable follows the link of a reminder."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from models import Commitment, CommitmentEvent
from models.stages import Audience
from planning.cycle import links_for
from tests.helpers import pdf_bytes
from tests.smtp_server import free_port
from tests.web_fixtures import PASSWORD, USERS
from web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium (Debian) no instalado"),
]
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=es-CL",
]  # fmt: skip


@pytest.fixture
def server(site, database_url: str, tmp_path: Path) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    settings = load_settings(
        database_url=database_url, data_dir=tmp_path / "var", base_url="http://127.0.0.1:1"
    )
    port = free_port()
    settings = load_settings(
        database_url=database_url, data_dir=tmp_path / "var", base_url=f"http://127.0.0.1:{port}"
    )
    config = uvicorn.Config(
        create_app(settings, with_scheduler=False), host="127.0.0.1", port=port, log_level="warning"
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert web.started
    yield f"http://127.0.0.1:{port}", settings
    web.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(tmp_path: Path):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="es-CL", viewport={"width": 1200, "height": 900})
        yield context.new_page()
        browser.close()


def test_gerente_and_responsable_in_a_browser(
    server,
    page,
    site,
    engine: Engine,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    base, settings = server
    shots = tmp_path / "capturas"
    shots.mkdir()
    page.goto(f"{base}/compromisos")
    assert page.url.startswith(f"{base}/login")
    page.get_by_label("Correo electrónico").fill(USERS["gerente_loa"][0])
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{base}/compromisos")
    assert "Transferencia Loa" in page.content()
    page.screenshot(path=str(shots / "compromisos.png"), full_page=True)

    page.goto(f"{base}/actas/nueva")
    page.get_by_label("Territorio").fill("Loa Emprende")
    page.get_by_label("Fecha de la sesión").fill("2026-11-20")
    page.get_by_label("Instancia").fill("Secretaría Técnica")
    page.locator("#institucion-1").fill("INDAP")
    page.locator("#responsable_email-1").fill("r@indap.cl")
    page.locator("#compromiso-1").fill("Asistencia técnica en el navegador")
    page.locator("#monto-1").fill("$ 8.500.000")
    page.locator("#plazo-1").fill("20 días hábiles")
    page.screenshot(path=str(shots / "acta.png"), full_page=True)
    page.get_by_role("button", name="Registrar acta").click()
    page.wait_for_url(f"{base}/compromisos")
    assert "Acta registrada: 1 compromisos nuevos" in page.content()
    assert "Asistencia técnica en el navegador" in page.content()

    page.goto(f"{base}/compromisos/{site['loa']}")
    page.get_by_label("Estado").select_option("cumplido")
    page.get_by_label("Monto ejecutado (pesos)").fill("15.000.000")
    page.get_by_label("Fecha del hecho").fill("2026-10-05")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(f"{base}/compromisos/{site['loa']}?guardado=1")
    assert "Cambios guardados" in page.content() and "$15.000.000" in page.content()
    page.screenshot(path=str(shots / "compromiso.png"), full_page=True)
    page.goto(f"{base}/")
    page.screenshot(path=str(shots / "inicio.png"), full_page=True)
    page.get_by_role("button", name="Salir").click()
    page.wait_for_url(f"{base}/login")

    link = links_for(settings)(site["hostile"], Audience.RESPONSABLE)
    page.goto(link)
    assert "Informar avance" in page.content()
    assert page.locator("script:has-text('alert')").count() == 0  # hostile text stays text
    evidence = tmp_path / "acta-de-entrega.pdf"
    evidence.write_bytes(pdf_bytes("Acta de entrega"))
    page.get_by_label("El compromiso está cumplido").check()
    page.get_by_label("Evidencia: archivos").set_input_files(str(evidence))
    page.get_by_label("Evidencia: referencia").fill("Orden de compra 1234-56-LE26")
    page.get_by_label("Comentario para el gerente").fill("Listo, se adjunta acta de entrega.")
    page.screenshot(path=str(shots / "enlace.png"), full_page=True)
    page.get_by_role("button", name="Enviar").click()
    page.wait_for_url(f"{link}?enviado=informado")
    assert "la gerencia lo verificará" in page.content()
    assert "acta-de-entrega.pdf" in page.content()
    with Session(engine) as session:
        commitment = session.get(Commitment, site["hostile"])
        assert commitment is not None and commitment.status == "informado"

    # The gerente verifies it on the commitment's page.
    page.goto(f"{base}/login")
    page.get_by_label("Correo electrónico").fill(USERS["gerente_loa"][0])
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{base}/")
    assert "Por verificar" in page.content()
    page.goto(f"{base}/compromisos/{site['hostile']}")
    page.screenshot(path=str(shots / "por-verificar.png"), full_page=True)
    page.get_by_role("button", name="Verificar cumplimiento").click()
    page.wait_for_url(f"{base}/compromisos/{site['hostile']}?guardado=1")
    assert "Cumplimiento verificado" in page.content()
    with Session(engine) as session:
        commitment = session.get(Commitment, site["hostile"])
        actors = set(
            session.scalars(
                select(CommitmentEvent.actor).where(
                    CommitmentEvent.commitment_id == site["hostile"]
                )
            )
        )
    assert commitment is not None and commitment.status == "cumplido"
    assert commitment.verified_by == USERS["gerente_loa"][0]
    assert "enlace: marcela.jara@fosis.cl.example" in actors
    kept = Path("var/capturas")
    if kept.parent.exists():
        shutil.copytree(shots, kept, dirs_exist_ok=True)

"""Every page, as an admin, a gerente, a responsable with a link and a
visitor, in Debian's Chromium at 1280×800 and on a 390×844 phone: axe-core
(the copy vendored by the ``axe-playwright-python`` package) reports no
violation, the page itself never scrolls sideways on the phone, and the
status and due date of the lists stay on screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.stages import Audience
from planning.cycle import links_for
from tests.helpers import pdf_bytes, row, write_csv
from tests.test_browser import ARGS, CHROMIUM, server  # noqa: F401  (the app in uvicorn)
from tests.web_fixtures import PASSWORD, USERS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium (Debian) no instalado"),
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LOOK = Path("/tmp/look")


def axe_source() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


@dataclass
class Audit:
    """Runs axe on each page visited and gathers every problem, so that one
    failing run lists them all."""

    page: Any
    viewport: dict[str, int]
    script: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def check(self, name: str) -> None:
        page = self.page
        self.visited.append(name)
        # evaluate() runs outside the page's CSP: nothing inline is added to the page.
        page.evaluate(self.script)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            nodes = "\n".join(
                f"      {', '.join(map(str, node['target']))}: {node['html'][:160]}\n"
                f"        {node.get('failureSummary', '').replace(chr(10), ' ')}"
                for node in violation["nodes"]
            )
            self.problems.append(
                f"{name} @{self.viewport['width']}px: {violation['id']} "
                f"({violation['impact']}) {violation['help']}\n{nodes}"
            )
        if self.viewport["width"] <= 390:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > self.viewport["width"]:
                wide = page.evaluate(
                    """(limit) => [...document.querySelectorAll('body *')]
                       .filter(e => e.getBoundingClientRect().right > limit + 1)
                       .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)""",
                    self.viewport["width"],
                )
                self.problems.append(
                    f"{name} @{self.viewport['width']}px: la página mide {width} px de ancho "
                    f"(desborda: {', '.join(wide)})"
                )

    def on_screen(self, name: str, selector: str) -> None:
        """Every element matching ``selector`` lies inside the viewport's width."""
        boxes = [self.page.locator(selector).nth(i).bounding_box()
                 for i in range(self.page.locator(selector).count())]  # fmt: skip
        if not boxes:
            self.problems.append(f"{name}: nada coincide con {selector}")
        for box in boxes:
            if box is None or box["x"] < 0 or box["x"] + box["width"] > self.viewport["width"]:
                self.problems.append(f"{name} @{self.viewport['width']}px: {selector} fuera: {box}")

    def shot(self, name: str) -> None:
        LOOK.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(LOOK / f"{name}-{self.viewport['width']}.png"), full_page=True
        )


def log_in(page: Any, base: str, who: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Correo electrónico").fill(USERS[who][0])
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{base}/")


def log_out(page: Any, base: str) -> None:
    page.get_by_role("button", name="Salir").click()
    page.wait_for_url(f"{base}/login")


def stored_package(engine: Engine, folder: Path) -> None:
    """A package of Antofagasta as the listing sees it: its row and its files
    (the listing only looks at the markup, not at what the files hold)."""
    from datetime import date

    from models.packages import Package
    from reports.build import FILES

    folder.mkdir(parents=True)
    for name in (*FILES, "manifest.json"):
        (folder / name).write_text("{}", encoding="utf-8")
    with Session(engine) as session:
        session.add(
            Package(region_id=2, period="2026-Q3", period_start=date(2026, 7, 1),
                    period_end=date(2026, 9, 30), folder=str(folder), manifest_sha256="0" * 64,
                    commitments=2, automatic_key="protocolo")
        )  # fmt: skip
        session.commit()


# The pages are the same HTML on either backend (the web's own tests run on
# both): the browser audit runs once, on SQLite.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_page_passes_axe_and_fits_a_phone(
    server,  # noqa: F811
    site: dict[str, int],
    engine: Engine,
    tmp_path: Path,
    viewport: dict[str, int],
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    base, settings = server
    stored_package(engine, tmp_path / "paquete")
    evidence = tmp_path / "resolucion-exenta-1229.pdf"
    evidence.write_bytes(pdf_bytes())
    bad = write_csv(tmp_path / "malo.csv", [row(), row(compromiso="x", monto="-1", region="X")])
    good = write_csv(tmp_path / "bueno.csv", [row(compromiso="Nuevo por planilla")])
    link = links_for(settings)(site["hostile"], Audience.RESPONSABLE)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="es-CL", viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        audit = Audit(page, viewport, axe_source())

        page.goto(f"{base}/login")
        audit.check("/login")
        page.goto(f"{base}/c/enlace-que-no-sirve")
        assert "Seguimiento de Compromisos" in page.title()
        audit.check("enlace inválido sin sesión")
        page.goto(link)
        audit.check("/c/<token>")
        page.get_by_label("El compromiso está cumplido").check()
        page.get_by_label("Evidencia: archivos").set_input_files(str(evidence))
        page.get_by_label("Evidencia: referencia").fill("Orden de compra 1234-56-LE26")
        page.get_by_role("button", name="Enviar").click()
        page.wait_for_url(f"{link}?enviado=informado")
        audit.check("/c/<token> informado")

        log_in(page, base, "admin")
        page.goto(f"{base}/compromisos/{site['loa']}")
        page.get_by_label("Monto ejecutado (pesos)").fill("4.250.000")
        page.locator("#plazo").fill("2026-12-30")
        page.locator("#motivo").fill(
            "La Resolución Exenta N° 1229 amplió el plazo del convenio de transferencia."
        )
        page.get_by_role("button", name="Guardar").click()
        page.wait_for_url(f"{base}/compromisos/{site['loa']}?guardado=1")
        page.locator("#evidencia").set_input_files(str(evidence))
        page.locator("#referencia").fill("Orden de compra 1234-56-LE26")
        page.get_by_role("button", name="Agregar evidencia").click()
        page.wait_for_url(f"{base}/compromisos/{site['loa']}**")
        assert "resolucion-exenta-1229.pdf" in page.content()
        audit.check("/compromisos/<id> con historial y evidencia")
        audit.shot("compromiso")
        page.goto(f"{base}/")
        audit.check("/ (admin)")
        audit.on_screen("/ (admin)", "table tbody tr td")
        audit.shot("inicio")
        page.goto(f"{base}/compromisos")
        audit.check("/compromisos (admin)")
        audit.on_screen("/compromisos", "table tbody tr td.estado")
        audit.on_screen("/compromisos", "table tbody tr td.vence")
        audit.shot("compromisos")
        page.goto(f"{base}/actas/nueva")
        audit.check("/actas/nueva")
        page.goto(f"{base}/importar")
        audit.check("/importar")
        page.get_by_label("Planilla (.xlsx o .csv)").set_input_files(str(bad))
        page.get_by_role("button", name="Ver vista previa").click()
        page.wait_for_load_state()
        assert "no se importó nada" in page.content()
        audit.check("/importar con errores")
        page.get_by_label("Planilla (.xlsx o .csv)").set_input_files(str(good))
        page.get_by_role("button", name="Ver vista previa").click()
        page.wait_for_load_state()
        assert "Vista previa" in page.content()
        audit.check("/importar vista previa")
        page.goto(f"{base}/paquetes")
        assert "informe.pdf" in page.content()
        audit.check("/paquetes")
        page.goto(f"{base}/compromisos/999999")
        assert "No existe el compromiso N° 999999" in page.content()
        audit.check("404 con sesión")
        page.goto(f"{base}/no-existe")
        assert "La dirección no existe" in page.content()
        audit.check("dirección desconocida")
        page.goto(f"{base}/")
        log_out(page, base)

        log_in(page, base, "gerente_loa")
        audit.check("/ (gerente)")
        audit.on_screen("/ (gerente)", "table tbody tr td")
        page.goto(f"{base}/compromisos/{site['hostile']}")
        assert "Verificar cumplimiento" in page.content()
        audit.check("/compromisos/<id> por verificar")
        page.goto(f"{base}/compromisos?estado=pendiente")
        audit.check("/compromisos (gerente)")
        page.goto(f"{base}/paquetes")
        audit.check("/paquetes (gerente)")
        browser.close()
    assert len(audit.visited) == 18
    assert not audit.problems, "\n".join(audit.problems)

"""The Atom feed of a published región's public changes
(``/publico/<región>/cambios.atom``): read back with feedparser and as
XML, newest first, capped at 100 entries in SQL, links that answer, stable
``tag:`` ids, nothing of a person, a note, a reason, an evidence file or a
withheld commitment; the portal's 404 for an unpublished región; and the
feed announced in the head of every page of a published región."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models.dates import format_long
from models.portal import PublishedRegion
from tests import test_portal
from tests.helpers import row, write_csv
from tests.test_portal import WITHHELD_TEXT, _secrets, _statements, _today
from tracking.portal import enable_region, release, withhold
from tracking.updates import Change, apply_change

# The portal's fixtures: its data and a client of the app on https://cumple.example.
portal, client = test_portal.portal, test_portal.client
FEED = "/publico/antofagasta/cambios.atom"
A = "{http://www.w3.org/2005/Atom}"


def _entries(client: TestClient, path: str = FEED) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_feed_lists_the_public_changes_newest_first_with_working_links(
    client: TestClient, portal: dict[str, int], engine: Engine
) -> None:
    loa, sede, hostile = portal["loa"], portal["sede"], portal["hostile"]
    response = client.get(FEED)
    assert response.headers["content-type"] == "application/atom+xml"
    assert response.headers["cache-control"] == "public, max-age=300"
    parsed = _entries(client)
    feed = parsed.feed
    assert feed.title == "Cambios en los compromisos de la Región de Antofagasta"
    assert feed.author == "Gerencia territorial, Región de Antofagasta"
    assert feed.id == "tag:cumple.example,2026:cumple/region/antofagasta/cambios"
    assert {(link.rel, link.href) for link in feed.links} == {
        ("self", "https://cumple.example/publico/antofagasta/cambios.atom"),
        ("alternate", "https://cumple.example/publico/antofagasta"),
    }
    titles = [entry.title for entry in parsed.entries]
    assert sorted(titles) == sorted(
        [f"Compromiso N° {loa} — {label}" for label in ("Registro en el acta",
         "Monto ejecutado", "Nuevo plazo", "Medio de verificación", "Medio de verificación",
         "Verificación")]
        + [f"Compromiso N° {sede} — Registro en el acta", f"Compromiso N° {sede} — Verificación",
           f"Compromiso N° {hostile} — Registro en el acta"]
    )  # fmt: skip
    # The last fact recorded by the fixture is the sede's verification.
    assert titles[0] == f"Compromiso N° {sede} — Verificación"
    instants = [datetime.fromisoformat(entry.updated) for entry in parsed.entries]
    assert all(instant.tzinfo is not None for instant in instants)
    assert instants == sorted(instants, reverse=True)
    assert datetime.fromisoformat(feed.updated) == instants[0]
    ids = [entry.id for entry in parsed.entries]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"tag:cumple\.example,2026:cumple/compromiso/\d+/\d+", i) for i in ids)
    verified = next(e for e in parsed.entries if e.title == f"Compromiso N° {loa} — Verificación")
    # The seventh entry of its history (after a note that is never public).
    assert verified.id == f"tag:cumple.example,2026:cumple/compromiso/{loa}/7"
    assert verified.summary.startswith(
        "3 de julio de 2026: Verificación. Verificado el 3 de julio de 2026 por la gerencia."
    )
    assert "Institución: FOSIS. Territorio: Loa Emprende. Compromiso: Transferencia Loa" in (
        verified.summary
    )
    assert {tag.label for tag in verified.tags} == {
        "Territorio: Loa Emprende", "Institución: FOSIS"
    }  # fmt: skip
    moved = next(e for e in parsed.entries if e.title.endswith("Nuevo plazo"))
    assert "Del 21 de septiembre de 2026 al 30 de diciembre de 2026." in moved.summary
    for entry in parsed.entries:
        assert entry.link.startswith("https://cumple.example/publico/antofagasta/")
        assert client.get(urlsplit(entry.link).path).status_code == 200, entry.link
    secrets = _secrets(engine)
    body = response.text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    assert [secret for secret in [*secrets, "@", "/c/"] if secret in body] == []
    withheld = portal["withheld"]
    assert f"/compromisos/{withheld}" not in body
    assert f"compromiso/{withheld}/" not in body
    assert WITHHELD_TEXT not in body


def test_feed_is_well_formed_atom_with_every_required_element(
    client: TestClient, portal: dict[str, int]
) -> None:
    # No RELAX NG copy of RFC 4287 is installed (its schema is RNC), so the
    # required elements of sections 4.1.1 and 4.1.2 are checked one by one.
    root = ET.fromstring(client.get(FEED).content)
    assert root.tag == f"{A}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "es-CL"
    for name in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    assert root.find(f"{A}author/{A}name") is not None
    entries = root.findall(f"{A}entry")
    assert len(entries) == 9
    rfc3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
    assert rfc3339.fullmatch(root.findtext(f"{A}updated") or "")
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert rfc3339.fullmatch(entry.findtext(f"{A}updated") or "")
        assert entry.find(f"{A}summary").get("type") == "text"  # type: ignore[union-attr]
        alternates = [e for e in entry.findall(f"{A}link") if e.get("rel") == "alternate"]
        assert len(alternates) == 1 and alternates[0].get("type") == "text/html"


def test_feed_keeps_the_latest_hundred_in_a_fixed_number_of_queries(
    client: TestClient, portal: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    before = _statements(client, [FEED])
    first_ids = {entry.id for entry in _entries(client).entries}
    assert len(first_ids) == 9
    more = [row(compromiso=f"Compromiso adicional {n}", plazo="2026-12-15") for n in range(100)]
    import_file(engine, write_csv(tmp_path / "mas.csv", more), actor="prueba")
    with Session(engine) as session:
        apply_change(session, portal["loa"], Change(note="Nota nueva, interna"),
                     "gerente@loa.cl", _today())  # fmt: skip
        apply_change(session, portal["hostile"],
                     Change(executed_amount=1_000, on=date(2026, 7, 10)), "gerente@loa.cl",
                     _today())  # fmt: skip
        session.commit()
    assert _statements(client, [FEED]) == before
    entries = _entries(client).entries
    assert len(entries) == 100
    # The newest public fact leads; the note after it never appears.
    assert entries[0].title == f"Compromiso N° {portal['hostile']} — Monto ejecutado"
    assert "De $0 a $1.000." in entries[0].summary
    assert "Nota nueva" not in "".join(e.summary for e in entries)
    assert all(
        e.summary.startswith(f"{format_long(date(2026, 6, 15))}: Registro") for e in entries[1:]
    )
    kept = [e.summary.rsplit("Compromiso: ", 1)[1] for e in entries[1:]]
    assert sorted(kept) == sorted(f"Compromiso adicional {n}" for n in range(1, 100))
    assert not {e.id for e in entries} & first_ids
    with Session(engine) as session:
        withhold(session, portal["hostile"], "Revisión", "cli:prueba")
        session.commit()
    held = _entries(client).entries
    assert len(held) == 100
    assert not [e for e in held if f"N° {portal['hostile']} " in e.title]


def test_unpublished_region_answers_404_and_an_empty_feed_dates_from_publication(
    client: TestClient, portal: dict[str, int], engine: Engine
) -> None:
    for path in ("/publico/atacama/cambios.atom", "/publico/narnia/cambios.atom"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "no existe o no está publicada" in response.text
    with Session(engine) as session:
        region, _ = enable_region(session, "Atacama", "cli:prueba")
        withhold(session, portal["huasco"], "Nombra a una persona", "cli:prueba")
        session.commit()
        enabled_at = session.scalars(
            select(PublishedRegion.enabled_at).where(PublishedRegion.region_id == region.id)
        ).one()
    empty = _entries(client, "/publico/atacama/cambios.atom")
    assert empty.entries == []
    assert datetime.fromisoformat(empty.feed.updated) == enabled_at.replace(microsecond=0)
    with Session(engine) as session:
        release(session, portal["huasco"])
        session.commit()
    released = _entries(client, "/publico/atacama/cambios.atom").entries
    assert [e.title for e in released] == [
        f"Compromiso N° {portal['huasco']} — Registro en el acta"
    ]


def test_every_page_of_a_published_region_announces_its_feed(
    client: TestClient, portal: dict[str, int]
) -> None:
    link = (
        '<link rel="alternate" type="application/atom+xml" title="Cambios en los compromisos '
        'de la Región de Antofagasta" href="/publico/antofagasta/cambios.atom">'
    )
    visible = (
        '<a href="/publico/antofagasta/cambios.atom" type="application/atom+xml">'
        "Suscribirse a los cambios (Atom)</a>"
    )
    for path in (
        "/publico/antofagasta",
        "/publico/antofagasta/loa-emprende",
        f"/publico/antofagasta/loa-emprende/compromisos/{portal['loa']}",
    ):
        text = client.get(path).text
        assert link in text and visible in text, path
    for path in ("/publico/", "/publico/atacama"):
        assert "cambios.atom" not in client.get(path).text, path
    etag = client.get(FEED).headers["etag"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304


def test_feed_on_a_past_date_has_only_the_facts_dated_until_then(
    client: TestClient, portal: dict[str, int]
) -> None:
    loa, sede = portal["loa"], portal["sede"]
    titles = [e.title for e in _entries(client, f"{FEED}?fecha=2026-07-02").entries]
    assert sorted(titles) == sorted(
        [f"Compromiso N° {loa} — {label}"
         for label in ("Registro en el acta", "Monto ejecutado", "Nuevo plazo")]
        + [f"Compromiso N° {sede} — Registro en el acta",
           f"Compromiso N° {portal['hostile']} — Registro en el acta"]
    )  # fmt: skip
    bad = client.get(f"{FEED}?fecha=2026-02-30")
    assert bad.status_code == 400 and "no es válida" in bad.text

"""Digest rendering (es-CL, autoescaped, subject that says what is inside)
and message composition (no header injection, stable Message-ID)."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime
from email import policy

import pytest

from notifications.compose import compose, message_id_for
from notifications.render import render
from notifications.subjects import digest_subject
from planning.policy import Entry


def entry(**values: object) -> Entry:
    base: dict[str, object] = {
        "commitment_id": 7,
        "text": "Transferir $15.000.000 al convenio de Lasana",
        "institution": "FOSIS",
        "territory": "Loa Emprende",
        "amount": 15_000_000,
        "plazo": date(2026, 9, 19),
        "due_date": date(2026, 9, 21),
        "distance": "vencido hace 3 días hábiles",
        "acta": "Acta de Consejo Público-Privado N° 12 del 15 de junio de 2026",
        "link": "http://cumple.test/compromisos/7",
        "role": "responsable",
        "stage": 5,
    }
    base.update(values)
    return Entry(**base)  # type: ignore[arg-type]


def context(entries: list[Entry], **values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "day": date(2026, 9, 24),
        "recipient": "ana@fosis.cl",
        "recipient_name": "Ana Rojas",
        "entries": entries,
        "total": len(entries),
        "overdue": sum(1 for e in entries if e.overdue),
        "due_today": sum(1 for e in entries if e.today),
        "to_verify": sum(1 for e in entries if e.to_verify),
        "subject": digest_subject(entries),
        "roles": {e.commitment_id: "responsable" for e in entries},
        "reply_words": "Ana Pérez, gerente del territorio Loa Emprende",
        "person_link": "http://cumple.test/p/token",
    }
    base.update(values)
    return base


def test_digest_sections_reports_to_verify_and_returned_reports() -> None:
    checks = entry(
        commitment_id=9, kind="verificacion", stage=1, reported_on=date(2026, 9, 22),
        role="gerente del territorio",
    )  # fmt: skip
    returned = entry(commitment_id=10, returned_reason="Falta la resolución <firmada>")
    rendered = render("digest", context([checks, returned]))
    assert rendered.subject == (
        "Loa Emprende: 1 compromiso vencido, 1 informe devuelto, 1 informe por verificar"
    )
    assert "POR VERIFICAR (1)" in rendered.text and "PLAZOS (1)" in rendered.text
    assert "Informado el 22 de septiembre de 2026" in rendered.text
    assert "Devuelto por la gerencia: «Falta la resolución <firmada>»" in rendered.text
    assert "Por verificar (1)" in rendered.html
    assert "Falta la resolución &lt;firmada&gt;" in rendered.html
    assert rendered.text.index("POR VERIFICAR") < rendered.text.index("PLAZOS")


def test_digest_in_spanish_with_amounts_dates_and_distance() -> None:
    rendered = render(
        "digest",
        context([entry(), entry(commitment_id=8, stage=0, amount=None, distance="vence hoy")]),
    )
    assert rendered.subject == "Loa Emprende: 1 compromiso vencido, 1 vence hoy"
    for body in (rendered.text, rendered.html):
        assert "$15.000.000" in body
        assert "21 de septiembre de 2026" in body
        assert "19 de septiembre de 2026" in body  # the plazo on a holiday, shown too
        assert "vencido hace 3 días hábiles" in body and "vence hoy" in body
        assert "sin monto" in body
        assert "http://cumple.test/compromisos/7" in body
        assert "Consejo Público-Privado N° 12" in body


@pytest.mark.parametrize(
    ("entries", "subject"),
    [
        (
            [entry(stage=-5, distance="vence en 5 días hábiles")],
            "Loa Emprende: compromiso vence en 5 días hábiles",
        ),
        ([entry(), entry(commitment_id=9)], "Loa Emprende: 2 compromisos vencidos"),
    ],
)
def test_subject_says_what_is_inside(entries: list[Entry], subject: str) -> None:
    assert render("digest", context(entries)).subject == subject


def test_hostile_text_is_inert() -> None:
    hostile = entry(
        text='<script>alert("x")</script> "comillas" \r\nBcc: evil@example.com',
        institution="<b>FOSIS</b>",
    )
    rendered = render("digest", context([hostile], recipient_name="Ana\r\nBcc: evil@example.com"))
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<b>FOSIS</b>" not in rendered.html
    message = compose(
        mail_from="Seguimiento <no-responder@cumple.cl>",
        recipient="ana@fosis.cl",
        recipient_name="Ana\r\nBcc: evil@example.com",
        subject="Asunto\r\nBcc: evil@example.com",
        text=rendered.text,
        html=rendered.html,
        message_id=message_id_for("k", "no-responder@cumple.cl"),
        date=datetime(2026, 9, 24, tzinfo=UTC),
    )
    raw = message.as_bytes().replace(b"\r\n", b"\n")
    header_lines = raw.split(b"\n\n", 1)[0].split(b"\n")
    assert not [line for line in header_lines if line.lower().startswith(b"bcc")]
    assert message["Bcc"] is None
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.SMTP)
    assert parsed["Bcc"] is None and "evil@example.com" in str(parsed["Subject"])


def test_message_id_is_stable_per_key() -> None:
    first = message_id_for("digest:2026-09-24:ana@fosis.cl:abc", "X <no-responder@cumple.cl>")
    assert first == message_id_for("digest:2026-09-24:ana@fosis.cl:abc", "no-responder@cumple.cl")
    assert first.endswith("@cumple.cl>")
    assert first != message_id_for("digest:2026-09-25:ana@fosis.cl:abc", "no-responder@cumple.cl")

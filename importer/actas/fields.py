"""Filling a proposal's columns from what a sentence states: the amount,
the due date, the source of the money, the institution and its people on
record. Each value carries how it was obtained; each guess or ambiguity a
note in Spanish for the gerente. Pure functions of their arguments."""

from __future__ import annotations

import re
from collections.abc import Sequence

from importer.actas.amounts import Amount
from importer.actas.due_dates import DueDate
from importer.actas.institutions import KnownInstitutions, Mention
from importer.actas.proposal import Found, Proposal
from models.dates import format_long
from models.money import format_clp
from models.text import fold

PLAZO_TEXTO = "plazo_texto"
NO_PLAZO = "el acta no indica un plazo"
NO_INSTITUTION = "no se identificó la institución"
NO_EMAIL = "falta el correo del responsable"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SOURCE = re.compile(
    r"(?:con\s+cargo\s+a(?:l)?\s+|mediante\s+|con\s+(?=(?:recursos|fondos|aportes?)\b)"
    r"|(?:de|desde)\s+(?=su\s+(?:presupuesto|oferta)))"
    r"(?P<what>(?:[^,.;:$]|\.(?=\d)){3,80}?)"
    r"(?=\s*(?:[,.;:]|$)|\s+(?:antes|a\s+m[aá]s\s+tardar|hasta|para|en\s+un\s+plazo|durante|dentro"
    r"|en\s+(?:el\s+)?(?:mes|\d|primer|segundo)|a\s+fines|y\s))",
    re.IGNORECASE,
)
_GLOSA = re.compile(
    r"glosa\s+(?:presupuestaria\s+)?(?:del?\s+(?:programa\s+)?)?Chile\s+Emprende", re.I
)


def set_value(proposal: Proposal, column: str, value: str, found: Found) -> None:
    """``value`` in ``column``, ``found`` as its state (missing when empty)."""
    proposal.values[column] = value
    proposal.states[column] = found if value else Found.MISSING


def fill_institution(
    proposal: Proposal,
    subject: Mention | None,
    others: Sequence[Mention],
    known: KnownInstitutions,
    region: str | None,
    territory: str,
) -> None:
    """The institution, its RUT and, in ``region``, its responsable and
    director on record (guessed), the territory's gerente (guessed); an
    e-mail written in the sentence wins."""
    if subject is None:
        set_value(proposal, "institucion", "", Found.MISSING)
        proposal.notes.append(f"{NO_INSTITUTION} que se compromete; complétela")
    else:
        set_value(proposal, "institucion", subject.name, subject.state)
        if subject.state is Found.GUESSED and fold(subject.name) not in fold(subject.text):
            proposal.notes.append(
                f"se supuso {subject.name} (el lugar del acta) para «{subject.text}»; confírmelo"
            )
        elif subject.state is Found.GUESSED:
            proposal.notes.append(
                f"institución no registrada: «{subject.name}»; revise el nombre antes de importar"
            )
        set_value(proposal, "institucion_rut", known.rut(subject.name) or "", Found.GUESSED)
    if others:
        names = ", ".join(m.name for m in others)
        proposal.notes.append(
            f"la frase nombra también a {names}; se propuso {subject.name if subject else '—'}: "
            "si cada una se compromete, agregue una fila por institución"
        )
    email = EMAIL.search(proposal.source.text)
    person = known.responsable(region, subject.name) if subject else None
    if email:
        set_value(proposal, "responsable_email", email.group().lower(), Found.FOUND)
    elif person is not None and subject is not None:
        set_value(proposal, "responsable", person.name or "", Found.GUESSED)
        set_value(proposal, "responsable_email", person.email, Found.GUESSED)
        proposal.notes.append(
            f"responsable supuesto: {person.name or person.email}, registrado para "
            f"{subject.name} en {region}; confírmelo"
        )
    else:
        proposal.notes.append(f"{NO_EMAIL} (responsable_email)")
    director = known.director(region, subject.name) if subject else None
    if director is not None:
        set_value(proposal, "institucion_director_email", director.email, Found.GUESSED)
    gerente = known.gerente(region, territory) if territory else None
    if gerente is not None:
        set_value(proposal, "territorio_gerente_email", gerente.email, Found.GUESSED)


def fill_amount(proposal: Proposal, amounts: Sequence[Amount]) -> None:
    """The first amount in pesos; the others and any in UF named in notes."""
    pesos = [a for a in amounts if a.pesos is not None]
    foreign = [a for a in amounts if a.pesos is None]
    if not pesos:
        set_value(proposal, "monto", "", Found.MISSING)
        for amount in foreign[:1]:
            proposal.notes.append(
                f"monto en {amount.unit} («{amount.text}»): conviértalo a pesos en la columna monto"
            )
        return
    chosen = pesos[0]
    assert chosen.pesos is not None
    state = Found.FOUND if chosen.stated_currency else Found.GUESSED
    set_value(proposal, "monto", str(chosen.pesos), state)
    if not chosen.stated_currency:
        proposal.notes.append(
            f"el monto «{chosen.text}» no dice «pesos»: se supuso {format_clp(chosen.pesos)}"
        )
    others = sorted({a.pesos for a in pesos if a.pesos is not None} - {chosen.pesos})
    if others or foreign:
        listed = ", ".join([format_clp(p) for p in others] + [a.text for a in foreign])
        proposal.notes.append(
            f"la frase menciona otros montos ({listed}); se propuso {format_clp(chosen.pesos)}"
        )


def fill_plazo(proposal: Proposal, due: DueDate | None, others: Sequence[DueDate]) -> None:
    """``plazo`` and ``plazo_texto`` from the chosen deadline; a guess, a
    deadline without a date and another deadline named in notes."""
    if due is None:
        set_value(proposal, "plazo", "", Found.MISSING)
        set_value(proposal, PLAZO_TEXTO, "", Found.MISSING)
        proposal.notes.append(f"{NO_PLAZO} para este compromiso; complételo")
        return
    set_value(proposal, "plazo", due.plazo, due.state)
    set_value(proposal, PLAZO_TEXTO, due.text, Found.FOUND)
    if due.remark:
        proposal.notes.append(f"plazo «{due.text}»: {due.remark}; revíselo")
    elif due.state is Found.GUESSED and due.day is not None:
        proposal.notes.append(
            f"plazo supuesto: «{due.text}» se leyó como {format_long(due.day)}; confírmelo"
        )
    if not due.plazo and not due.remark:
        proposal.notes.append(f"el plazo «{due.text}» no indica una fecha; complételo")
    dated = [d for d in others if d.plazo != due.plazo or not d.plazo]
    if dated:
        proposal.notes.append(
            f"la frase menciona otro plazo («{dated[0].text}»); se propuso «{due.text}»"
        )


def source_of_money(words: str) -> str:
    """ "con cargo a su presupuesto regular" → "Presupuesto regular"; the
    programme's budget line → "Glosa Chile Emprende"; "" when not stated."""
    if _GLOSA.search(words):
        return "Glosa Chile Emprende"
    match = _SOURCE.search(words)
    if match is None:
        return ""
    what = re.sub(r"^(?:su|sus|la|el|los|las)\s+", "", match["what"].strip(), flags=re.I)
    return what[:1].upper() + what[1:]

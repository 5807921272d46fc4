"""Institutions named in an acta's sentences.

:class:`KnownInstitutions` is what the database knows (names, RUTs and, per
región, the responsable, director and gerente on record), read once by
:func:`known_institutions`; everything else here is a pure function of the
text and that snapshot. Matching is accent- and case-insensitive: the names
on record and their acronyms first, then the public services every acta
names (FOSIS, SERCOTEC, "Fondo de Solidaridad e Inversión Social", …), then
"(Ilustre|I.) Municipalidad de X" with X checked against the comunas; an
organisation nobody registered is only proposed when it is the subject of
a commitment (:func:`subject_before`), and flagged as such.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from importer.actas.proposal import Found
from models.commitments import Commitment
from models.geography import Region
from models.parties import Contact, ContactRole, Institution, Territory
from models.public_services import PUBLIC_SERVICES
from models.reference import comunas, regions
from models.text import fold

_PREFIXES = re.compile(r"^(?:la\s+|el\s+)?(?:i\.\s*|ilustre\s+)?", re.IGNORECASE)
_UPPER = "A-ZÁÉÍÓÚÑÜ"
_NAME_WORD = rf"[{_UPPER}][\w'’.-]*"
_LINK = r"(?:de(?:\s+la|\s+las|\s+los)?|del|la|las|los|y|e)"
_MUNICIPALITY = re.compile(
    rf"(?:(?:I\.\s*|Ilustre\s+)?(?i:municipalidad|municipio)\s+de\s+)"
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_LINK}\s+)?{_NAME_WORD})*)"
)
# A capitalised phrase (an organisation's name) ending where a commitment
# verb starts: "La Comunidad Atacameña de Lasana se compromete a …".
_SUBJECT = re.compile(
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_LINK}\s+)*{_NAME_WORD})*)"
    r"(?:\s*\([^)]{1,30}\))?\s*,?\s*(?:(?:tambi[eé]n|por\s+su\s+parte)\s*,?\s*)?$"
)
_PERSON = re.compile(
    r"(?:\bsr|\bsra|\bsrta|\bdon|\bdoña|\bseñora?|\bdra?|\bprof|\bing)\.?\s*$", re.IGNORECASE
)
_NOT_NAMES = {
    fold(word)
    for word in str.split(
        "El La Los Las Se Además También Asimismo Finalmente Por Acuerdo Acuerdos "
        "Ante En Con Para Según Luego Al Del De Respecto Sobre Tras Dicha Dicho Este Esta "
        "Estos Estas Cada Ambos Ambas Todos Todas Igualmente Posteriormente Consejo Mesa "
        "Directorio Secretaría Sesión Gerente Gerencia Presidente Presidenta Director "
        "Directora Alcalde Alcaldesa Don Doña Sr Sra Sr. Sra. No Lo Le Les Quien Quienes"
    )
}


@dataclass(frozen=True)
class Person:
    """A contact on record: name (when known) and e-mail."""

    name: str | None
    email: str


@dataclass
class KnownInstitutions:
    """The institutions on record and their people, keyed by folded names.

    ``names``: institution names as stored. ``acronyms``: folded acronym or
    alias → canonical name (the public services' acronyms and full names,
    mapped to the stored name when there is one). ``ruts``: canonical name
    → RUT. ``responsables`` / ``directors``: (región code "02", folded
    institution) → the person on record in that región. ``gerentes``:
    (región code, folded territorio) → the territory's gerente.
    ``territories``: folded territorio → región code (when unambiguous)."""

    names: list[str] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)
    ruts: dict[str, str] = field(default_factory=dict)
    responsables: dict[tuple[str, str], Person] = field(default_factory=dict)
    directors: dict[tuple[str, str], Person] = field(default_factory=dict)
    gerentes: dict[tuple[str, str], Person] = field(default_factory=dict)
    territories: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        stored = {_key(name): name for name in self.names}
        self._stored = stored
        builtin: dict[str, str] = {}
        for acronym, full_names in PUBLIC_SERVICES.items():
            spellings = (acronym, *full_names)
            canonical = next((stored[_key(s)] for s in spellings if _key(s) in stored), acronym)
            builtin.update({_key(spelling): canonical for spelling in spellings})
        self._aliases = {**builtin, **{_key(a): n for a, n in self.acronyms.items()}, **stored}
        self._pattern = _alias_pattern(self._aliases)

    def canonical(self, name: str) -> str:
        """The stored (or public service's) name for ``name``, else ``name``."""
        return self._aliases.get(_key(name), name)

    def is_registered(self, name: str) -> bool:
        return _key(self.canonical(name)) in self._stored

    def rut(self, name: str) -> str | None:
        return self.ruts.get(self.canonical(name))

    def responsable(self, region: str | None, name: str) -> Person | None:
        return self.responsables.get((region_code(region) or "", fold(self.canonical(name))))

    def director(self, region: str | None, name: str) -> Person | None:
        return self.directors.get((region_code(region) or "", fold(self.canonical(name))))

    def gerente(self, region: str | None, territory: str) -> Person | None:
        return self.gerentes.get((region_code(region) or "", fold(territory)))

    def pattern(self) -> re.Pattern[str]:
        """Every spelling of :meth:`aliases` in folded text (see
        :func:`fold_aligned`)."""
        return self._pattern

    def aliases(self) -> dict[str, str]:
        """Every folded spelling this snapshot recognises → canonical name."""
        return self._aliases


@dataclass(frozen=True)
class Mention:
    """An institution named in a text: its canonical name, the words as
    written and their span, and whether it is known (on record, a public
    service or a comuna's municipality: ``FOUND``) or only a capitalised
    phrase in a subject's place (``GUESSED``)."""

    name: str
    text: str
    start: int
    end: int
    state: Found = Found.FOUND


def _key(name: str) -> str:
    """Folded name without the "I." / "Ilustre" / article prefixes."""
    return fold(_PREFIXES.sub("", name.strip()))


def fold_aligned(text: str) -> str:
    """Lower-cased, accent-free ``text`` of the same length, so that a match
    in it is a span of ``text``."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        lower = base.lower()
        out.append(lower if len(lower) == 1 else ch)
    return "".join(out)


@functools.cache
def _region_codes() -> dict[str, str]:
    return {alias: ref.code for ref in regions() for alias in ref.aliases()}


def region_code(text: str | None) -> str | None:
    """The CUT code ("02") of a región written any usual way, or ``None``."""
    return _region_codes().get(fold(text)) if text else None


def region_ref_name(code: str) -> str:
    return next(ref.name for ref in regions() if ref.code == code)


def region_iso(text: str | None) -> str | None:
    """The ISO 3166-2 code ("AN") the business calendar uses."""
    code = region_code(text)
    return next((ref.iso_code for ref in regions() if ref.code == code), None)


def comuna_region(place: str) -> str | None:
    """The región code of the comuna named ``place`` ("Calama" → "02")."""
    return _comuna_regions().get(fold(place)) if place else None


def municipality_of(place: str, known: KnownInstitutions) -> str | None:
    """The municipality of the comuna named ``place`` ("Punitaqui" →
    "Municipalidad de Punitaqui", as stored when it is), or ``None``."""
    comuna = _comuna_names().get(fold(place)) if place else None
    return known.canonical(f"Municipalidad de {comuna}") if comuna else None


@functools.cache
def _comuna_regions() -> dict[str, str]:
    return {fold(c.name): c.region_code for c in comunas()}


@functools.cache
def _comuna_names() -> dict[str, str]:
    return {fold(c.name): c.name for c in comunas()}


def _alias_pattern(spellings: Iterable[str]) -> re.Pattern[str]:
    """One pattern for every spelling, the longest tried first."""
    alternatives = sorted((re.escape(s).replace(r"\ ", r"\s+") for s in spellings), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(alternatives)) + r")(?!\w)")


def find_institutions(text: str, known: KnownInstitutions) -> list[Mention]:
    """Every known institution named in ``text``, in order; where two
    names overlap ("Dirección Regional de FOSIS", "Servicio Nacional de
    Pesca y Acuicultura") the longer wins."""
    folded = fold_aligned(text)
    aliases = known.aliases()
    found: list[Mention] = []
    for match in known.pattern().finditer(folded):
        key = " ".join(match.group().split())
        found.append(Mention(aliases[key], text[match.start() : match.end()], *match.span()))
    for match in _MUNICIPALITY.finditer(text):
        mention = _municipality(match, known)
        if mention is not None:
            found.append(mention)
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, m.start - m.end)):
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return kept


def _municipality(match: re.Match[str], known: KnownInstitutions) -> Mention | None:
    """ "Municipalidad de Río Hurtado" named with its comuna (the longest run
    of words that is one), spelt as the comuna is."""
    spans = [word.span() for word in re.finditer(r"\S+", match["name"])]
    names = _comuna_names()
    for size in range(len(spans), 0, -1):
        written = match["name"][: spans[size - 1][1]].rstrip(".")
        comuna = names.get(fold(written))
        if comuna is not None:
            end = match.start("name") + len(written)
            name = known.canonical(f"Municipalidad de {comuna}")
            return Mention(name, match.string[match.start() : end], match.start(), end)
    return None


def subject_before(text: str, known: KnownInstitutions) -> Mention | None:
    """An organisation's name ending right before the end of ``text`` (the
    words before a commitment verb) that is nobody on record: proposed as
    ``GUESSED``. Persons ("Sr. Juan Pérez"), articles and the instancia's own
    bodies are not organisations."""
    match = _SUBJECT.search(text)
    if match is None:
        return None
    words = match["name"].split()
    while words and fold(words[0]) in _NOT_NAMES:
        words.pop(0)
    if not words:
        return None
    name = " ".join(words)
    start = match.start("name") + match["name"].index(words[0])
    if _PERSON.search(text[:start]):
        return None
    if len(words) == 1 and not (len(name) >= 3 and name.isupper()):
        return None
    return Mention(known.canonical(name), name, start, start + len(name), Found.GUESSED)


def known_institutions(session: Session) -> KnownInstitutions:
    """The institutions, contacts and territorios on record. Per región and
    institution the responsable is the one with the most commitments (then
    the latest registered); directors and gerentes the latest."""
    codes = dict(session.execute(select(Region.id, Region.code)).all())
    institutions = {
        i: (n, r)
        for i, n, r in session.execute(select(Institution.id, Institution.name, Institution.rut))
    }
    territories = {
        t: (n, codes[r])
        for t, n, r in session.execute(select(Territory.id, Territory.name, Territory.region_id))
    }
    uses = dict(
        session.execute(
            select(Commitment.responsable_id, func.count()).group_by(Commitment.responsable_id)
        ).all()
    )
    contacts = session.execute(
        select(Contact.id, Contact.role, Contact.name, Contact.email, Contact.region_id,
               Contact.institution_id, Contact.territory_id).order_by(Contact.id)
    ).all()  # fmt: skip
    ranked: dict[str, dict[tuple[str, str], tuple[tuple[int, int], Person]]] = {}
    for contact_id, role, name, email, region_id, institution_id, territory_id in contacts:
        owner = institutions.get(institution_id) if institution_id else None
        place = territories.get(territory_id) if territory_id else None
        if role in (ContactRole.RESPONSABLE, ContactRole.DIRECTOR) and owner:
            key = (codes[region_id], fold(owner[0]))
        elif role == ContactRole.GERENTE and place:
            key = (codes[region_id], fold(place[0]))
        else:
            continue
        rank = (uses.get(contact_id, 0) if role == ContactRole.RESPONSABLE else 0, contact_id)
        people = ranked.setdefault(role, {})
        if key not in people or rank > people[key][0]:
            people[key] = (rank, Person(name, email))
    by_territory: dict[str, set[str]] = {}
    for name, code in territories.values():
        by_territory.setdefault(fold(name), set()).add(code)

    def people(role: str) -> dict[tuple[str, str], Person]:
        return {key: person for key, (_, person) in ranked.get(role, {}).items()}

    return KnownInstitutions(
        names=sorted(name for name, _ in institutions.values()),
        ruts={name: rut for name, rut in institutions.values() if rut},
        responsables=people(ContactRole.RESPONSABLE),
        directors=people(ContactRole.DIRECTOR),
        gerentes=people(ContactRole.GERENTE),
        territories={key: next(iter(c)) for key, c in by_territory.items() if len(c) == 1},
    )

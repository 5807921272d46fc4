"""The words with which an institution commits in an acta.

Pure functions of the text. :func:`find_verbs` finds the explicit phrases
("se compromete a", "se obliga a", "asume el compromiso de", "será
responsable de", "pondrá a disposición", "comprometió"), the money verbs in
the present ("aporta", "financia", "transfiere") and any verb in the future
("aportará", "facilitará", "realizará") except those that state no action
("estará", "podrá", "beneficiará"), each with the infinitive that words the
action ("pondrá" → "poner"). A denied verb ("no aportará") is no
commitment; :func:`report_frame` tells a report ("Se informó que …",
"FOSIS informa que …") from a commitment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (pattern, infinitive put before the action: "" when the phrase already
# ends where an infinitive follows, "=" for the present money verbs).
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"se\s+compromet(?:e|en|i[oó]|ieron)\s+(?:a|para)\b", ""),
    (r"se\s+oblig(?:a|an|[oó]|aron|ar[aá]n?)\s+a\b", ""),
    (r"se\s+responsabiliza(?:n|r[aá]n?)?\s+(?:de|por)\b", ""),
    (r"(?:queda(?:n|ron)?|qued[oó])\s+comprometid[oa]s?\s+(?:a|para)\b", ""),
    (r"asum(?:e|en|i[oó]|ieron|ir[aá]n?)\s+(?:el\s+compromiso|la\s+responsabilidad|la\s+tarea)"
     r"\s+de\b", ""),
    (r"ser[aá]n?\s+(?:el\s+|la\s+|los\s+|las\s+)?responsables?\s+de\b", ""),
    (r"(?:estar[aá]n?|quedar[aá]n?|queda(?:n)?)\s+a\s+cargo\s+de\b", ""),
    (r"se\s+(?:har[aá]n?|hace|hacen)\s+cargo\s+de\b", ""),
    (r"se\s+encargar[aá]n?\s+de\b", ""),
    (r"tendr[aá]n?\s+a\s+(?:su\s+)?cargo\b", ""),
    (r"se\s+ofrec(?:e|en|i[oó]|ieron)\s+(?:a|para)\b", ""),
    (r"ofreci(?:[oó]|eron)\b", ""),
    (r"pon(?:e|en|dr[aá]n?)\s+a\s+disposici[oó]n\b", "poner a disposición"),
    (r"(?:se\s+)?compromet(?:i[oó]|ieron|e|en)\b", "comprometer"),
    (r"(?:co)?financia(?:n)?\b|aporta(?:n)?\b|transfiere(?:n)?\b", "="),
)  # fmt: skip
_PHRASE = re.compile(
    "|".join(f"(?P<p{index}>(?<!\\w)(?:{pattern}))" for index, (pattern, _) in enumerate(_PHRASES)),
    re.IGNORECASE,
)
_PAST = re.compile(r"i[oó]\b|ieron\b|qued[oó]|[oó]\s+a\b|aron\s+a\b", re.IGNORECASE)
_PRESENT = {"aporta": "aportar", "financia": "financiar", "cofinancia": "cofinanciar",
            "transfiere": "transferir"}  # fmt: skip
_FUTURE = re.compile(r"(?<!\w)(?P<se>se\s+)?(?P<verb>[a-záéíóúñ]{2,}rá)(?P<plural>n)?(?!\w)", re.I)
_NOT_COMMITMENTS = set(
    str.split(
        "estará será habrá podrá sabrá querrá cabrá valdrá convendrá verá parecerá faltará "
        "quedará tendrá dependerá corresponderá existirá durará costará significará permitirá "
        "beneficiará contará requerirá implicará mejorará aumentará disminuirá ahorrará "
        "pertenecerá tratará"
    )
)
_IRREGULAR = {"hará": "hacer", "dirá": "decir", "saldrá": "salir", "valdrá": "valer"}
_NEGATION = re.compile(r"\bno\s+(?:se\s+)?$|\bni\s+$", re.IGNORECASE)
_REPORT_VERBS = (
    r"(?:inform(?:a|an|ó|aron|o)|da(?:n)?\s+cuenta|di(?:o|eron)\s+cuenta|coment(?:a|ó)|"
    r"explic(?:a|ó)|señal(?:a|ó)|indic(?:a|ó)|expuso|expone|recuerda|record(?:ó|o)|destac(?:a|ó)|"
    r"mencion(?:a|ó)|precis(?:a|ó)|aclar(?:a|ó)|agreg(?:a|ó))\s+(?:[^.]{0,80}?\s)?que\b"
)
_IMPERSONAL = re.compile(r"\bse\s+" + _REPORT_VERBS, re.IGNORECASE)
_NAMED = re.compile(r"\b" + _REPORT_VERBS, re.IGNORECASE)
_EARLIER = re.compile(
    r"\b(?:sesi[oó]n|reuni[oó]n|acta)\s+(?:anterior|pasada)\b|\banteriormente\b"
    r"|\ben\s+su\s+oportunidad\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verb:
    """A commitment verb or phrase: its span, where the action begins and
    the infinitive to put before the words that follow ("" when the phrase
    already ends where one follows: "se compromete a transferir …")."""

    start: int
    end: int
    action_start: int
    infinitive: str
    past: bool = False


def report_frame(text: str) -> str:
    """``impersonal`` for "Se informó que …", ``named`` for "FOSIS informa
    que …" or a mention of an earlier session, else ``""``."""
    if _IMPERSONAL.search(text):
        return "impersonal"
    if _NAMED.search(text) or _EARLIER.search(text):
        return "named"
    return ""


def find_verbs(text: str, *, frame: str = "") -> list[Verb]:
    """The commitment verbs of ``text`` in order. In an impersonal report
    only the explicit phrases count ("se compromete a"); in any report a
    past commitment ("comprometió $20.000.000 en la sesión anterior") is
    news of an old one, not a new one."""
    verbs: list[Verb] = []
    for match in _PHRASE.finditer(text):
        index = int(next(name for name, value in match.groupdict().items() if value)[1:])
        infinitive = _PHRASES[index][1]
        past = bool(_PAST.search(match.group()))
        if infinitive == "=":
            word = match.group().lower()
            infinitive = _PRESENT.get(word) or _PRESENT[word.removesuffix("n")]
            if frame == "impersonal":
                continue
        if past and frame:
            continue
        verbs.append(Verb(match.start(), match.end(), match.end(), infinitive, past))
    if frame != "impersonal":
        for match in _FUTURE.finditer(text):
            verb = match["verb"].lower()
            if verb in _NOT_COMMITMENTS or any(v.start <= match.start() < v.end for v in verbs):
                continue
            if match["verb"][0].isupper() and text[: match.start()].strip():
                continue  # a name ("Pukará de Quitor"), not a verb
            infinitive = (
                "" if verb == "deberá" else _infinitive(verb) + ("se" if match["se"] else "")
            )
            verbs.append(Verb(match.start(), match.end(), match.end(), infinitive))
    return sorted(
        (v for v in verbs if not _NEGATION.search(text[max(0, v.start - 12) : v.start])),
        key=lambda v: v.start,
    )


def _infinitive(future: str) -> str:
    """``aportará`` → ``aportar``; ``pondrá`` → ``poner``; ``tendrá`` →
    ``tener``; ``intervendrá`` → ``intervenir``."""
    for ending, infinitive in _IRREGULAR.items():
        if future.endswith(ending):
            return future[: -len(ending)] + infinitive
    if future.endswith("ondrá"):
        return future[:-5] + "oner"
    if future.endswith("vendrá"):
        return future[:-6] + "venir"
    if future.endswith("endrá"):
        return future[:-5] + "ener"
    return future[:-1]

"""The annual self-evaluation of a región, as pure functions: the evidence
the system holds for a year (read on one day, :class:`Evidence`) in, each
requirement's expected improvements, grade and one-sentence explanation
out (:func:`evaluate`), plus the document the DOCX and the PDF print
(recommendations for every improvement not achieved, and the key figures
of the Informe Ejecutivo al Jefe de Servicio).

Grading (domain.md): none of the expected improvements achieved is
*nulo*, at least one is *menor*, all of them is *mayor*."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.i18n import plural
from models.calendar import calendar_for
from models.dates import format_long
from models.money import format_clp
from models.protocols import PERIODICITY_LABELS
from models.public_services import INSTITUTION_KIND_LABELS, InstitutionKind
from reports.evaluation_grading import (
    GRADE_LABELS,
    PACKAGE_GRACE_BUSINESS_DAYS,
    Criterion,
    Grade,
    PackageFacts,
    Requirement,
    grade_of,
    grade_sentence,
    words,
)
from reports.periods import due_on, due_periods
from tracking.evaluation import Evidence, ProtocolVersion


def _territorial(e: Evidence) -> Requirement:
    total = len(e.territories)
    without_comunas = [t.name for t in e.territories if t.comunas == 0]
    without_actas = [t.name for t in e.territories if t.commitments == 0]
    comunas = sum(t.comunas for t in e.territories)
    a = Criterion(
        "a", "comunas registradas en cada territorio",
        total > 0 and not without_comunas,
        f"Territorios con sus comunas registradas: {total - len(without_comunas)} de {total} "
        f"({plural(comunas, '{n} comuna', '{n} comunas')}).",
        f"sin comunas: {words(without_comunas)}" if total else "sin territorios registrados",
        "Registrar las comunas de cada territorio (cumple territory set TERRITORIO "
        "--comunas «…»)" + (f": {words(without_comunas)}." if without_comunas else "."),
    )  # fmt: skip
    b = Criterion(
        "b", "compromisos formalizados en acta en cada territorio",
        total > 0 and not without_actas,
        f"Territorios que formalizaron compromisos en actas de {e.year}: "
        f"{total - len(without_actas)} de {total} ({plural(e.actas, '{n} acta', '{n} actas')}, "
        f"{plural(e.commitments, '{n} compromiso', '{n} compromisos')}).",
        f"sin actas en {e.year}: {words(without_actas)}" if total else "sin territorios",
        "Sesionar en cada territorio y formalizar en acta los compromisos de cada institución"
        + (f" ({words(without_actas)})." if without_actas else "."),
    )  # fmt: skip
    iral = e.iral_period.replace("-IRAL", "")
    c = Criterion(
        "c", f"propuesta IRAL {iral} elaborada",
        e.iral_built_on is not None,
        f"La propuesta IRAL {iral} se generó el {format_long(e.iral_built_on)}."
        if e.iral_built_on
        else f"No se había generado la propuesta IRAL {iral} al {format_long(e.day)}.",
        f"no generada al {format_long(e.day)}",
        f"Elaborar la propuesta IRAL {iral} en diciembre (cumple report --region "
        f"{e.region} --period {e.iral_period}) o acordarla en el protocolo (--every iral).",
    )  # fmt: skip
    facts = (
        *(
            (t.name, f"{plural(t.comunas, '{n} comuna', '{n} comunas')}; "
                     f"{plural(t.actas, '{n} acta', '{n} actas')} y "
                     f"{plural(t.commitments, '{n} compromiso', '{n} compromisos')} en {e.year}")
            for t in e.territories
        ),
        (f"Propuesta IRAL {iral}",
         format_long(e.iral_built_on) if e.iral_built_on else "no generada"),
    )  # fmt: skip
    return Requirement("1.1", "Perspectiva territorial", (a, b, c), facts)


def _kinds(e: Evidence) -> dict[InstitutionKind, int]:
    counts = dict.fromkeys(InstitutionKind, 0)
    for institution in e.institutions:
        counts[institution.kind] += 1
    return counts


def _kind_words(counts: dict[InstitutionKind, int]) -> str:
    return words([
        plural(counts[InstitutionKind.PUBLIC_SERVICE], "{n} servicio público",
               "{n} servicios públicos"),
        plural(counts[InstitutionKind.MUNICIPALITY], "{n} municipio", "{n} municipios"),
        plural(counts[InstitutionKind.PRIVATE], "{n} actor privado o comunitario",
               "{n} actores privados o comunitarios"),
    ])  # fmt: skip


def _articulation(e: Evidence) -> Requirement:
    counts = _kinds(e)
    total = len(e.institutions)
    public = counts[InstitutionKind.PUBLIC_SERVICE]
    others = counts[InstitutionKind.MUNICIPALITY] + counts[InstitutionKind.PRIVATE]
    institutions = plural(total, "{n} institución", "{n} instituciones")
    a = Criterion(
        "a", "compromisos de al menos dos instituciones", total >= 2,
        f"Comprometieron {institutions} en las actas de {e.year}.",
        f"solo {institutions}" if total else "ninguna institución",
        "Convocar a más instituciones a comprometer acciones en las actas del territorio.",
    )  # fmt: skip
    if public and not others:
        missing_b = "solo servicios públicos"
    elif others and not public:
        missing_b = "sin servicios públicos"
    else:
        missing_b = "ninguna institución"
    b = Criterion(
        "b", "municipios o actores privados junto a servicios públicos",
        public > 0 and others > 0,
        f"Comprometieron en {e.year}: {_kind_words(counts)}.",
        missing_b,
        "Incorporar municipios y actores privados o comunitarios a los compromisos, junto "
        "a los servicios públicos (cartas de compromiso, aportes municipales).",
    )  # fmt: skip
    reported = plural(e.reported, "{n} cumplimiento informado", "{n} cumplimientos informados")
    c = Criterion(
        "c", "avance informado por las instituciones", e.reported > 0,
        f"{reported} por las propias instituciones en {e.year}.",
        "ningún cumplimiento informado",
        "Pedir a cada responsable que informe sus cumplimientos con el enlace de sus "
        "recordatorios, adjuntando el medio de verificación.",
    )  # fmt: skip
    facts = (
        *(
            (i.name, f"{INSTITUTION_KIND_LABELS[i.kind]}; "
                     f"{plural(i.commitments, '{n} compromiso', '{n} compromisos')}")
            for i in e.institutions
        ),
        ("Cumplimientos informados por las instituciones", str(e.reported)),
    )  # fmt: skip
    return Requirement("1.2", "Articulación territorial", (a, b, c), facts)


def _complementarity(e: Evidence) -> Requirement:
    a = Criterion(
        "a", "compromisos con monto",
        e.commitments > 0 and 2 * e.with_amount >= e.commitments,
        f"Compromisos de {e.year} con monto: {e.with_amount} de {e.commitments} "
        f"({format_clp(e.committed)} comprometidos).",
        f"{e.with_amount} de {e.commitments} con monto" if e.commitments else "sin compromisos",
        "Registrar en el acta el monto y la fuente de financiamiento de cada compromiso.",
    )  # fmt: skip
    unverified = e.fulfilled - e.fulfilled_verified
    b = Criterion(
        "b", "cumplimientos verificados con medio de verificación",
        e.fulfilled > 0 and unverified == 0,
        f"Compromisos cumplidos en {e.year} y verificados por el gerente con al menos un "
        f"archivo de respaldo: {e.fulfilled_verified} de {e.fulfilled}." if e.fulfilled
        else f"Ningún compromiso cumplido en {e.year} al {format_long(e.day)}.",
        f"{unverified} de {e.fulfilled} sin verificar o sin archivo"
        if e.fulfilled else f"ningún cumplimiento en {e.year}",
        "Verificar cada cumplimiento informado y adjuntarle al menos un medio de verificación "
        "(cumple evidence add).",
    )  # fmt: skip
    c = Criterion(
        "c", "ningún compromiso vencido", e.overdue == 0,
        f"Compromisos vencidos al {format_long(e.day)}: {e.overdue} de "
        f"{plural(e.open, '{n} compromiso abierto', '{n} compromisos abiertos')}.",
        plural(e.overdue, "{n} vencido", "{n} vencidos"),
        "Regularizar los compromisos vencidos: cumplirlos, acordar un nuevo plazo con su "
        "motivo o cancelarlos.",
    )  # fmt: skip
    rate = f"{round(100 * e.executed / e.committed)} %" if e.committed else "—"
    facts = (
        (f"Compromisos de {e.year}", str(e.commitments)),
        ("Con monto", str(e.with_amount)),
        ("Monto comprometido", format_clp(e.committed)),
        (f"Monto ejecutado al {format_long(e.day)}", f"{format_clp(e.executed)} ({rate})"),
        (f"Cumplidos en {e.year}", str(e.fulfilled)),
        ("Verificados con archivo", str(e.fulfilled_verified)),
        (f"Vencidos al {format_long(e.day)}", str(e.overdue)),
    )
    return Requirement("1.3", "Grado de complementariedad", (a, b, c), facts)


def due_packages(e: Evidence) -> tuple[PackageFacts, ...]:
    """The packages of the periodic protocol due in the year by the evidence
    day (each version covers the periods that start from its date until the
    next version's, as the daily cycle builds them), with their builds."""
    calendar = calendar_for(e.iso_code)
    builds = {build.period: build for build in e.builds}
    found: list[PackageFacts] = []
    for index, version in enumerate(e.versions):
        ends = e.versions[index + 1].since if index + 1 < len(e.versions) else None
        for period in due_periods(version.every, version.since, e.day, calendar):
            due = due_on(period, calendar)
            if (ends is not None and period.start >= ends) or due.year != e.year:
                continue
            build = builds.get(period.key)
            found.append(
                PackageFacts(
                    period.key,
                    period.label,
                    due,
                    calendar.add(due, PACKAGE_GRACE_BUSINESS_DAYS),
                    build.built_on if build else None,
                    build.sent_on if build else None,
                )
            )
    return tuple(sorted(found, key=lambda p: p.due_on))  # stable: older versions first


def protocol_in_force(e: Evidence) -> ProtocolVersion | None:
    """The periodic protocol's version shown for the year: the latest dated
    by the evidence day, else the first dated within the year (``None``
    when no version is dated on or before 31 December)."""
    during = [v for v in e.versions if v.since.year <= e.year]
    if not during:
        return None
    by_day = [v for v in during if v.since <= e.day]
    return by_day[-1] if by_day else during[0]


def _information(e: Evidence, packages: tuple[PackageFacts, ...]) -> Requirement:
    protocol = protocol_in_force(e)
    has_protocol = protocol is not None
    due = len(packages)
    mailed = sum(p.mailed for p in packages)
    on_time = sum(p.on_time for p in packages)
    every = PERIODICITY_LABELS.get(protocol.every, protocol.every) if protocol else ""
    since = format_long(protocol.since) if protocol else ""
    a = Criterion(
        "a", "protocolo vigente", has_protocol,
        f"Protocolo {every} con el Gobierno Regional vigente desde el {since}."
        if protocol
        else f"La región no tiene protocolo de información periódica con el Gobierno "
        f"Regional en {e.year}.",
        "sin protocolo",
        f"Acordar con el Gobierno Regional un protocolo de información periódica (cumple "
        f"protocol set --region {e.region} --to CORREO --every quarter).",
    )  # fmt: skip
    unsent = [p.period for p in packages if not p.mailed]
    b = Criterion(
        "b", "paquetes elaborados y enviados", has_protocol and not unsent,
        f"Paquetes que vencían en {e.year} al {format_long(e.day)}, elaborados y enviados: "
        f"{mailed} de {due}." if due
        else f"Ningún paquete del protocolo vencía en {e.year} al {format_long(e.day)}.",
        f"{len(unsent)} de {due} sin enviar" if has_protocol else "sin protocolo",
        f"Elaborar y enviar los paquetes pendientes ({words(unsent)}) con cumple report "
        "--send." if unsent else "Acordar el protocolo y enviar cada paquete que venza.",
    )  # fmt: skip
    late = due - on_time
    c = Criterion(
        "c", "paquetes enviados a tiempo", has_protocol and late == 0,
        f"Paquetes enviados dentro de {PACKAGE_GRACE_BUSINESS_DAYS} días hábiles desde su "
        f"vencimiento: {on_time} de {due}." if due
        else "Sin paquetes vencidos que evaluar.",
        f"{late} de {due} fuera de plazo" if has_protocol else "sin protocolo",
        "Ejecutar el ciclo diario cada día hábil (cumple serve o cumple run), para que cada "
        "paquete se envíe el día en que vence.",
    )  # fmt: skip
    facts: list[tuple[str, str]] = [
        ("Protocolo", f"{every}, desde el {since}" if protocol else "sin protocolo"),
    ]  # fmt: skip
    for p in packages:
        sent = f"enviado el {format_long(p.sent_on)}" if p.sent_on else "no enviado"
        timing = "a tiempo" if p.on_time else "fuera de plazo"
        facts.append(
            (f"Paquete {p.period}", f"vencía el {format_long(p.due_on)}; {sent} ({timing})")
        )
    periods = f" ({words(list(e.rectified_periods))})" if e.rectified_periods else ""
    facts.append((f"Rectificaciones registradas en {e.year}", f"{e.rectifications}{periods}"))
    return Requirement("2.1", "Información de interés regional al GORE", (a, b, c), tuple(facts))


@dataclass(frozen=True)
class Evaluation:
    """The year's self-evaluation of a región: its requirements graded,
    the recommendations to complete and the executive report's figures."""

    evidence: Evidence
    requirements: tuple[Requirement, ...]
    packages: tuple[PackageFacts, ...]

    @property
    def title(self) -> str:
        return f"Autoevaluación {self.evidence.year} — {self.evidence.region_official}"

    def recommendations(self) -> list[tuple[str, str]]:
        """(requirement and improvement, suggested recommendation) for every
        improvement not achieved."""
        return [
            (f"{r.code} {c.key}) {c.name}", c.recommendation)
            for r in self.requirements
            for c in r.criteria
            if not c.achieved
        ]

    def key_figures(self) -> list[tuple[str, str]]:
        """The year's figures the Informe Ejecutivo starts from."""
        e = self.evidence
        on_time = sum(p.on_time for p in self.packages)
        mailed = sum(p.mailed for p in self.packages)
        return [
            ("Territorios", str(len(e.territories))),
            (f"Actas de {e.year}", str(e.actas)),
            ("Compromisos formalizados", str(e.commitments)),
            ("Instituciones comprometidas", str(len(e.institutions))),
            ("Monto comprometido", format_clp(e.committed)),
            (f"Monto ejecutado al {format_long(e.day)}", format_clp(e.executed)),
            (f"Compromisos cumplidos en {e.year}", str(e.fulfilled)),
            (f"Compromisos vencidos al {format_long(e.day)}", str(e.overdue)),
            (
                "Paquetes al Gobierno Regional",
                f"enviados: {mailed} de {len(self.packages)}; a tiempo: {on_time}",
            ),
            ("Rectificaciones", str(e.rectifications)),
        ]

    def grades_line(self) -> str:
        return "; ".join(f"{r.code}: {r.grade_label.lower()}" for r in self.requirements)

    def records(self) -> list[dict[str, Any]]:
        """JSON-ready: one object per requirement (with the región, year
        and evidence day), as ``--format json`` prints them."""
        e = self.evidence
        common = {"region": e.region, "anio": e.year, "fecha_evidencia": e.day.isoformat()}
        out = []
        for requirement in self.requirements:
            record = {**common, **requirement.record()}
            if requirement.code == "2.1":
                record["paquetes"] = [p.record() for p in self.packages]
                record["rectificaciones"] = e.rectifications
            out.append(record)
        return out


def evaluate(evidence: Evidence) -> Evaluation:
    """Grade the four requirements from ``evidence``."""
    packages = due_packages(evidence)
    requirements = (
        _territorial(evidence),
        _articulation(evidence),
        _complementarity(evidence),
        _information(evidence, packages),
    )
    return Evaluation(evidence, requirements, packages)


__all__ = [
    "GRADE_LABELS",
    "PACKAGE_GRACE_BUSINESS_DAYS",
    "Criterion",
    "Evaluation",
    "Evidence",
    "Grade",
    "PackageFacts",
    "Requirement",
    "due_packages",
    "evaluate",
    "grade_of",
    "grade_sentence",
    "protocol_in_force",
    "words",
]

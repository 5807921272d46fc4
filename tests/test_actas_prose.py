"""The prose rules of an acta: amounts, due dates, institutions, sentences
and the proposals they make, over realistic sentences written from the
domain (territorios, institutions and comunas of the programme's actas).
Pure functions, no database, except the snapshot of what is on record
(:func:`known_institutions`), read from a real database once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from text_to_num import alpha2digit

from importer.actas.amounts import find_amounts
from importer.actas.due_dates import find_due_date, find_due_dates
from importer.actas.institutions import (
    KnownInstitutions,
    Person,
    find_institutions,
    known_institutions,
    subject_before,
)
from importer.actas.proposal import ActaHeader, Found, Paragraph, Proposal
from importer.actas.prose import proposals_from_paragraphs
from importer.actas.sentences import find_commitments, split_sentences
from importer.columns import COLUMNS
from importer.reader import Sheet
from importer.service import import_sheet
from models.calendar import calendar_for
from tests.helpers import HEADER, row

ACTA = date(2026, 9, 10)  # a Thursday; 18 and 19 September are holidays
G, F, M = Found.GUESSED, Found.FOUND, Found.MISSING
TERRITORY = {
    "Antofagasta": "Loa Emprende",
    "Atacama": "Provincia del Huasco",
    "Coquimbo": "Limarí Emprende",
    "Araucanía": "Araucanía Andina",
    "Aysén": "Cuenca Lago General Carrera",
    "Metropolitana": "Territorio Integrado Poniente",
}
KNOWN = KnownInstitutions(
    names=["FOSIS", "SERCOTEC", "Comunidad Atacameña de Lasana", "Cosmo Andino",
           "Ilustre Municipalidad de Ovalle"],
    ruts={"FOSIS": "60.109.000-7", "Comunidad Atacameña de Lasana": "65.012.345-6"},
    responsables={
        ("02", "fosis"): Person("Marcela Jara", "marcela.jara@fosis.cl.example"),
        ("03", "fosis"): Person("Pablo Rivas", "pablo.rivas@fosis.cl.example"),
    },
    directors={("02", "fosis"): Person("Ana Rojas", "director@fosis.cl.example")},
    gerentes={("02", "loa emprende"): Person(None, "gerente.loa@cumple.example")},
    territories={"loa emprende": "02", "limari emprende": "04"},
)  # fmt: skip


@dataclass(frozen=True)
class Want:
    """What one proposal must hold (``compromiso`` and ``note`` when given)."""

    institucion: str
    monto: str = ""
    plazo: str = ""
    plazo_texto: str = ""
    compromiso: str | None = None
    states: tuple[tuple[str, Found], ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Case:
    text: str
    wants: tuple[Want, ...] = ()
    region: str = "Antofagasta"
    held_on: date = ACTA
    extra: dict[str, str] = field(default_factory=dict)


def header(held_on: date | None = ACTA, territory: str = "Loa Emprende") -> ActaHeader:
    states = {key: F for key in ("kind", "number", "instance", "territory", "place", "held_on")}
    return ActaHeader("acta", "12", "Consejo Público-Privado", territory, "Calama", held_on, states)


def read(case: Case) -> list[Proposal]:
    return proposals_from_paragraphs(
        [Paragraph("párrafo 4", case.text)],
        header(case.held_on, TERRITORY[case.region]),
        KNOWN,
        region=case.region,
        territory=TERRITORY[case.region],
    )


CASES = [
    # What the issue quotes, and the usual forms of amount and deadline.
    Case("FOSIS se compromete a transferir $15.000.000 al convenio Lasana antes del 21 de "
         "septiembre.", (Want("FOSIS", "15000000", "2026-09-21", "antes del 21 de septiembre",
                              "Transferir $15.000.000 al convenio Lasana"),)),
    Case("SERCOTEC aportará M$ 8.500 a más tardar el 30 de octubre.",
         (Want("SERCOTEC", "8500000", "2026-10-30", "a más tardar el 30 de octubre",
               "Aportar M$ 8.500"),)),
    Case("La Municipalidad de Ovalle facilitará la sede en un plazo de 10 días hábiles.",
         (Want("Ilustre Municipalidad de Ovalle", "", "10 días hábiles",
               "en un plazo de 10 días hábiles", "Facilitar la sede"),), "Coquimbo"),
    Case("INDAP financiará 15 millones de pesos para obras de riego en Monte Patria durante "
         "noviembre.", (Want("INDAP", "15000000", "2026-11-30", "durante noviembre",
                             states=(("plazo", G), ("monto", F))),), "Coquimbo"),
    Case("CORFO aportará $ 8,5 millones al Programa de Fomento a fines de octubre.",
         (Want("CORFO", "8500000", "2026-10-30", "a fines de octubre", states=(("plazo", G),),
               note="se leyó como 30 de octubre de 2026"),)),
    Case("El Gobierno Regional transferirá MM$ 1,2 a la Asociación de Municipios durante el "
         "primer semestre de 2027.", (Want("GORE", "1200000", "2027-06-30",
                                           "durante el primer semestre de 2027"),)),
    Case("SENCE se compromete a financiar 20 cupos de capacitación en oficios con cargo a su "
         "presupuesto regular, antes del 15 de diciembre.",
         (Want("SENCE", "", "2026-12-15", "antes del 15 de diciembre",
               "Financiar 20 cupos de capacitación en oficios con cargo a su presupuesto "
               "regular"),), extra={"fuente": "Presupuesto regular"}),
    Case("SERNATUR realizará dos talleres de turismo rural en San Pedro de Atacama el "
         "21/10/2026.", (Want("SERNATUR", "", "2026-10-21", "el 21/10/2026"),)),
    Case("SERNAPESCA entregará el informe de áreas de manejo de Huasco hasta el 30-11-2026.",
         (Want("SERNAPESCA", "", "2026-11-30", "hasta el 30-11-2026"),), "Atacama"),
    Case("Servicio País pondrá a disposición dos profesionales para apoyar a las comunidades de "
         "Alto del Carmen en 15 días.",
         (Want("Servicio País", "", "2026-09-25", "en 15 días",
               "Poner a disposición dos profesionales para apoyar a las comunidades de Alto "
               "del Carmen"),), "Atacama"),
    Case("AMSEC gestionará la firma del convenio con los cinco municipios a más tardar el 5 de "
         "octubre.", (Want("AMSEC", "", "2026-10-05", "a más tardar el 5 de octubre"),)),
    Case("El Fondo de Solidaridad e Inversión Social asume el compromiso de cofinanciar la feria "
         "costumbrista con $ 3.500.000.-, en noviembre.",
         (Want("FOSIS", "3500000", "2026-11-30", "en noviembre",
               "Cofinanciar la feria costumbrista con $ 3.500.000"),)),
    Case("La Dirección Regional de SERCOTEC será responsable de organizar la rueda de negocios "
         "antes del 20 de noviembre de 2026.",
         (Want("SERCOTEC", "", "2026-11-20", "antes del 20 de noviembre de 2026",
               "Organizar la rueda de negocios"),)),
    Case("Acuerdo N° 3: FOSIS transferirá quince millones de pesos a la Municipalidad de Calama "
         "antes del 1 de diciembre.", (Want("FOSIS", "15000000", "2026-12-01",
                                            "antes del 1 de diciembre"),)),
    Case("La Ilustre Municipalidad de Rio Hurtado aportará $2.000.000 para el traslado de los "
         "productores, dentro de 20 días hábiles.",
         (Want("Municipalidad de Río Hurtado", "2000000", "20 días hábiles",
               "dentro de 20 días hábiles", "Aportar $2.000.000 para el traslado de los "
               "productores"),), "Coquimbo"),
    Case("FOSIS y SERCOTEC se comprometen a cofinanciar el Encuentro Empresarial de Limarí con "
         "$6.000.000 antes del 30 de octubre.",
         (Want("FOSIS", "6000000", "2026-10-30", note="también a SERCOTEC"),), "Coquimbo"),
    Case("FOSIS aportará $10.000.000 y SERCOTEC aportará $5.000.000 para el fondo concursable.",
         (Want("FOSIS", "10000000", compromiso="Aportar $10.000.000"),
          Want("SERCOTEC", "5000000", compromiso="Aportar $5.000.000 para el fondo concursable"))),
    Case("INDAP transferirá $4.500.000 de un total de $12.000.000 comprometidos antes del 31 de "
         "diciembre.", (Want("INDAP", "4500000", "2026-12-31", note="$12.000.000"),)),
    Case("CONADI financiará el estudio de riego de la Comunidad Atacameña de Toconce, por "
         "UF 1.200, durante el segundo semestre.",
         (Want("CONADI", "", "2026-12-31", "durante el segundo semestre",
               states=(("monto", M), ("plazo", G)), note="monto en UF"),)),
    Case("SENCE financiará 25 becas del programa Despega MIPE en un plazo de quince días "
         "hábiles.", (Want("SENCE", "", "15 días hábiles",
                           "en un plazo de quince días hábiles"),)),
    Case("CORFO se compromete a abrir la convocatoria del PAR Loa en diez días.",
         (Want("CORFO", "", "2026-09-20", "en diez días", "Abrir la convocatoria del PAR Loa"),)),
    Case("SERCOTEC aportará $15 MM para el Barrio Comercial de Calama a mediados de noviembre.",
         (Want("SERCOTEC", "15000000", "2026-11-16", "a mediados de noviembre"),)),
    Case("La Comunidad Atacameña de Lasana se compromete a facilitar el terreno para el vivero "
         "comunitario.", (Want("Comunidad Atacameña de Lasana", "", "", "",
                               "Facilitar el terreno para el vivero comunitario",
                               (("institucion", F), ("institucion_rut", G), ("plazo", M))),)),
    Case("La Cooperativa Agrícola Valle del Elqui aportará mano de obra para la instalación de "
         "los invernaderos a fines de noviembre.",
         (Want("Cooperativa Agrícola Valle del Elqui", "", "2026-11-30", "a fines de noviembre",
               states=(("institucion", G),), note="institución no registrada"),), "Coquimbo"),
    Case("El operador turístico Cosmo Andino ofreció transporte gratuito para la gira técnica "
         "del 15 de octubre.", (Want("Cosmo Andino", "", "2026-10-15",
                                     states=(("institucion", F),)),)),
    Case("PROLOA entregará un informe de avance en la próxima sesión.",
         (Want("PROLOA", "", "", "en la próxima sesión",
               states=(("plazo", M), ("plazo_texto", F))),)),
    Case("SERNATUR deberá enviar el calendario de ferias a la brevedad.",
         (Want("SERNATUR", "", "", "a la brevedad", "Enviar el calendario de ferias"),)),
    Case("INDAP gestionará la compra de semillas para los agricultores de Combarbalá durante "
         "2027.", (Want("INDAP", "", "2027-12-31", "durante 2027"),), "Coquimbo"),
    Case("FOSIS transferirá $20.000.000 de su oferta regular antes de fin de año.",
         (Want("FOSIS", "20000000", "2026-12-31", "antes de fin de año"),),
         extra={"fuente": "Oferta regular"}),
    Case("SERCOTEC aportará $ 5.000.000 con recursos de la glosa Chile Emprende el 30 de "
         "septiembre.", (Want("SERCOTEC", "5000000", "2026-09-30", "el 30 de septiembre"),),
         extra={"fuente": "Glosa Chile Emprende"}),
    Case("La Municipalidad de Calama financiará la movilización con fondos municipales, a más "
         "tardar el 16 de octubre de 2026.",
         (Want("Municipalidad de Calama", "", "2026-10-16"),),
         extra={"fuente": "Fondos municipales"}),
    Case("Acuerdo N° 5: Enviar a los servicios la planilla de seguimiento antes del 30 de "
         "septiembre.", (Want("", "", "2026-09-30", "antes del 30 de septiembre",
                              "Enviar a los servicios la planilla de seguimiento",
                              (("institucion", M),), "no se identificó la institución"),)),
    Case("b) SERCOTEC: abrir la convocatoria Crece para almaceneros de la provincia, por "
         "M$ 18.000, antes del 15 de enero.",
         (Want("SERCOTEC", "18000000", "2027-01-15", "antes del 15 de enero",
               "Abrir la convocatoria Crece para almaceneros de la provincia, por M$ 18.000"),),
         "Atacama"),
    Case("d) Municipalidad de Freirina: facilitar la sede social de Maitencillo para los "
         "talleres, sin costo, durante octubre.",
         (Want("Municipalidad de Freirina", "", "2026-10-30", "durante octubre"),), "Atacama"),
    Case("3.2. La Municipalidad de Curacautín se obliga a instalar la señalética turística en la "
         "ruta Curacautín–Lonquimay, con un aporte de $5.400.000, a más tardar el 12 de octubre "
         "de 2026.", (Want("Municipalidad de Curacautín", "5400000", "2026-10-12",
                           compromiso="Instalar la señalética turística en la ruta "
                           "Curacautín–Lonquimay, con un aporte de $5.400.000"),), "Araucanía"),
    Case("SÉPTIMO: CORFO y SERCOTEC designarán cada uno un profesional de contraparte técnica "
         "del convenio dentro de los 10 días hábiles siguientes a su firma.",
         (Want("CORFO", "", "10 días hábiles",
               "dentro de los 10 días hábiles siguientes a su firma",
               "Designar un profesional de contraparte técnica del convenio"),
          Want("SERCOTEC", "", "10 días hábiles")), "Aysén"),
    Case("ACUERDO N° 113/2026: La Municipalidad aportará M$ 3.500 como contraparte del programa "
         "Yo Emprendo de FOSIS, a más tardar el 15 de octubre.",
         (Want("Municipalidad de Calama", "3500000", "2026-10-15", states=(("institucion", G),),
               note="el lugar del acta"),)),
    Case("SERCOTEC informó que transferirá $8.000.000 al Centro de Negocios antes del 15 de "
         "octubre.", (Want("SERCOTEC", "8000000", "2026-10-15"),)),
    Case("a) SERNAPESCA capacitará a los pescadores artesanales de Huasco en el uso de la "
         "plataforma, antes del 30 de noviembre.",
         (Want("SERNAPESCA", "", "2026-11-30", "antes del 30 de noviembre",
               "Capacitar a los pescadores artesanales de Huasco en el uso de la plataforma"),),
         "Atacama"),
    Case("La Municipalidad de Vilcún se compromete a aportar $1.500.000 (un millón quinientos mil "
         "pesos) para la feria en la semana del 14 de diciembre.",
         (Want("Municipalidad de Vilcún", "1500000", "2026-12-14"),), "Araucanía"),
    Case("INDAP y la Municipalidad de Cunco financiarán en partes iguales el estudio de suelos, "
         "por un total de $9.000.000.", (Want("INDAP", "9000000",
                                              note="también a Municipalidad de Cunco"),),
         "Araucanía"),
    Case("La Municipalidad de Chile Chico, junto a SERCOTEC, realizará el catastro de "
         "emprendedores de la cuenca en el mes de enero.",
         (Want("Municipalidad de Chile Chico", "", "2027-01-29", "en el mes de enero"),), "Aysén"),
    Case("Con el apoyo de CORFO, la Municipalidad de Quilicura implementará un centro de negocios "
         "durante el segundo semestre de 2027.",
         (Want("Municipalidad de Quilicura", "", "2027-12-31"),), "Metropolitana"),
    Case("SENCE transferirá $ 3.200.000 a la OTEC adjudicada en 10 días hábiles desde la firma "
         "del convenio.", (Want("SENCE", "3200000", "10 días hábiles", states=(("plazo", G),),
                                note="desde otro hecho"),)),
    Case("El Sr. Pedro Soto, presidente de la Asociación Gremial de Comerciantes de Ovalle, se "
         "compromete a convocar a los socios para el 2 de noviembre.",
         (Want("Asociación Gremial de Comerciantes de Ovalle", "", "2026-11-02",
               "para el 2 de noviembre", "Convocar a los socios", (("institucion", G),)),),
         "Coquimbo"),
    Case("FOSIS entregará los resultados del concurso Yo Emprendo el lunes 5 de octubre.",
         (Want("FOSIS", "", "2026-10-05", "el lunes 5 de octubre"),)),
    Case("SERCOTEC aportará 30 millones para el Centro de Desarrollo de Negocios.",
         (Want("SERCOTEC", "30000000", states=(("monto", G),), note="no dice «pesos»"),)),
    Case("CORFO financiará el 50% del proyecto de riego tecnificado, equivalente a $7.250.000, "
         "antes del 30 de noviembre.", (Want("CORFO", "7250000", "2026-11-30"),)),
    Case("INDAP transferirá los recursos comprometidos a la cuenta RUT 65.432.100-K del comité a "
         "fines de octubre.", (Want("INDAP", "", "2026-10-30", "a fines de octubre"),)),
    Case("SERNATUR coordinará la participación en la feria, con el fono 55 2 345678 como "
         "contacto, a más tardar el 20 de octubre.", (Want("SERNATUR", "", "2026-10-20"),)),
    Case("La Municipalidad de Huasco facilitará el muelle fiscal desde el 1 de octubre hasta el "
         "15 de noviembre.", (Want("Municipalidad de Huasco", "", "2026-11-15",
                                   "hasta el 15 de noviembre"),), "Atacama"),
    Case("FOSIS licitará la asistencia técnica del programa Acción en Comunidad en el primer "
         "trimestre de 2027.", (Want("FOSIS", "", "2027-03-31"),), "Atacama"),
    Case("La Municipalidad de Monte Patria se hará cargo de la difusión radial de la feria la "
         "próxima semana.", (Want("Municipalidad de Monte Patria", "", "2026-09-17",
                                  "la próxima semana", "La difusión radial de la feria"),),
         "Coquimbo"),
    Case("SERCOTEC transferirá $4.000.000 antes del 21 de septiembre de 2025.",
         (Want("SERCOTEC", "4000000", "", "antes del 21 de septiembre de 2025",
               note="anterior al acta"),)),
    Case("FOSIS aportará un monto por definir para la segunda etapa del convenio.",
         (Want("FOSIS", "", "", "", "Aportar un monto por definir para la segunda etapa del "
               "convenio"),)),
    Case("Se acuerda que INDAP ejecutará 12 proyectos de riego en las comunas de Melipeuco y "
         "Curacautín.", (Want("INDAP", "", ""),), "Araucanía"),
    Case("La Municipalidad de Lonquimay aportará $800.000 y, además, $1.200.000 en especies.",
         (Want("Municipalidad de Lonquimay", "800000", note="otros montos ($1.200.000)"),),
         "Araucanía"),
    Case("FOSIS enviará a los consejeros el acta N° 12 del 10 de septiembre en 5 días hábiles.",
         (Want("FOSIS", "", "5 días hábiles", "en 5 días hábiles"),), held_on=date(2026, 10, 8)),
    Case("FOSIS informará sobre el estado del convenio; el convenio fue firmado el 3 de agosto.",
         (Want("FOSIS", "", ""),)),
    Case("La Municipalidad de Cerro Navia dispondrá del gimnasio para la feria durante diciembre.",
         (Want("Municipalidad de Cerro Navia", "", "2026-12-31", "durante diciembre",
               "Disponer del gimnasio para la feria"),), "Metropolitana"),
    Case("FOSIS transferirá $6.000.000 a la Comunidad Atacameña de Lasana, y la comunidad "
         "rendirá cuentas antes del 30 de noviembre.",
         (Want("FOSIS", "6000000", "2026-11-30"),)),
    # Not commitments: reports, denials, questions, logistics, attendance.
    Case("Se informó que SERCOTEC abrirá la convocatoria Capital Semilla el 1 de octubre."),
    Case("Se informó que FOSIS transfirió $15.000.000 en agosto."),
    Case("El Director Regional de INDAP expuso los resultados del programa PRODESAL 2025."),
    Case("Se da lectura al acta N° 12 del 10 de septiembre, que se aprueba sin observaciones."),
    Case("SERCOTEC no aportará recursos adicionales este año."),
    Case("¿FOSIS aportará recursos para la segunda etapa?"),
    Case("La próxima sesión se realizará el 15 de octubre en Calama."),
    Case("Asisten representantes de FOSIS, SERCOTEC, INDAP y de la Municipalidad de Ovalle."),
    Case("El 15% de los recursos del convenio se destinará a difusión."),
    Case("FOSIS informó que el convenio N° 2026-145 fue firmado el 3 de agosto de 2026."),
    Case("SERCOTEC podría aportar hasta $5.000.000 si se aprueba el proyecto."),
    Case("Acuerdo N° 1: Se aprueba el acta de la sesión anterior."),
    Case("El acta N° 12 del 10 de septiembre de 2026 fue enviada por correo a todos los "
         "consejeros."),
    Case("Se informa que el concurso estará abierto hasta el 30 de octubre."),
    Case("En la sesión anterior, del 13 de agosto, FOSIS comprometió $20.000.000 de su oferta "
         "regular."),
    Case("El Gerente Territorial informa que la Municipalidad de Combarbalá comprometió "
         "$2.500.000 en la sesión anterior y que a la fecha ha ejecutado $1.100.000.",
         region="Coquimbo"),
    Case("Acuerdo N° 7: Se acuerda solicitar a CORFO que evalúe la postulación del territorio."),
    Case("El representante de SERCOTEC señala que el programa Barrios Comerciales beneficiará a "
         "45 locatarios de Calama."),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.text[:48])
def test_each_sentence_proposes_what_it_states(case: Case) -> None:
    proposals = read(case)
    got = [(p.values["institucion"], p.values["monto"], p.values["plazo"]) for p in proposals]
    assert got == [(w.institucion, w.monto, w.plazo) for w in case.wants]
    for proposal, want in zip(proposals, case.wants, strict=True):
        if want.plazo_texto or not want.plazo:
            assert proposal.values["plazo_texto"] == want.plazo_texto
        if want.compromiso is not None:
            assert proposal.values["compromiso"] == want.compromiso
        for column, state in want.states:
            assert proposal.states[column] == state, column
        if want.note is not None:
            assert [n for n in proposal.notes if want.note in n], proposal.notes
        for column, value in case.extra.items():
            assert proposal.values[column] == value
        assert proposal.values["compromiso"]
        assert proposal.source.text == case.text
        assert proposal.source.location == "párrafo 4" + (
            ", acuerdo n° 3" if case.text.startswith("Acuerdo N° 3")
            else ", acuerdo n° 5" if case.text.startswith("Acuerdo N° 5")
            else ", acuerdo n° 113/2026" if case.text.startswith("ACUERDO")
            else ", punto séptimo" if case.text.startswith("SÉPTIMO")
            else ", punto 3.2" if case.text.startswith("3.2.")
            else f", punto {case.text[0]}" if case.text[1:3] == ") " else ""
        )  # fmt: skip


def test_the_table_is_large_and_mixes_commitments_and_negatives() -> None:
    assert len(CASES) >= 60
    assert sum(1 for case in CASES if not case.wants) >= 12


_STATED_MONEY = re.compile(r"\$|pesos|millones|mill[oó]n|\bUF\b", re.IGNORECASE)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.text[:48])
def test_no_amount_or_date_appears_that_the_sentence_does_not_state(case: Case) -> None:
    """Checked against the text itself, not against the rules: an amount's
    significant digits (or number words) and a currency are in the
    sentence; a deadline's words are a verbatim part of it."""
    digits = re.sub(r"[.,\s]", "", alpha2digit(case.text, "es"))  # words as digits
    for proposal in read(case):
        monto = proposal.values["monto"]
        if monto:
            assert _STATED_MONEY.search(case.text)
            significant = monto.rstrip("0")
            assert significant in digits, monto
        if proposal.values["plazo"]:
            assert proposal.values["plazo_texto"]
            assert proposal.values["plazo_texto"] in case.text
            assert re.search(r"\d|semana|semestre|trimestre|año|enero|febrero|marzo|abril|mayo|"
                             r"junio|julio|agosto|septiembre|octubre|noviembre|diciembre|días",
                             proposal.values["plazo_texto"])  # fmt: skip
        if not re.search(r"\d", digits):
            assert monto == ""


def test_proposals_carry_the_acta_and_the_people_on_record() -> None:
    case = CASES[0]
    (proposal,) = read(case)
    values = proposal.values
    assert {k: values[k] for k in ("region", "territorio", "acta_fecha", "acta_instancia",
                                   "acta_numero", "acta_tipo")} == {
        "region": "Antofagasta", "territorio": "Loa Emprende", "acta_fecha": "2026-09-10",
        "acta_instancia": "Consejo Público-Privado", "acta_numero": "12", "acta_tipo": "acta",
    }  # fmt: skip
    assert values["institucion_rut"] == "60.109.000-7"
    assert (values["responsable"], values["responsable_email"]) == (
        "Marcela Jara", "marcela.jara@fosis.cl.example")  # fmt: skip
    assert values["institucion_director_email"] == "director@fosis.cl.example"
    assert values["territorio_gerente_email"] == "gerente.loa@cumple.example"
    assert proposal.states["responsable_email"] == G
    assert any("Marcela Jara" in note for note in proposal.notes)
    assert proposal.missing() == []
    assert set(proposal.states) >= {c.name for c in COLUMNS} | {"plazo_texto"}
    # The same institution in another región has another responsable.
    (atacama,) = read(Case(case.text, region="Atacama"))
    assert atacama.values["responsable_email"] == "pablo.rivas@fosis.cl.example"
    assert atacama.values["institucion_director_email"] == ""
    # Nobody on record for SERCOTEC: the e-mail is missing and said so.
    (sercotec,) = read(CASES[1])
    assert sercotec.missing() == ["responsable_email"]
    assert sercotec.states["responsable_email"] == M
    assert any("responsable_email" in note for note in sercotec.notes)


def test_a_stated_email_wins_over_the_one_on_record() -> None:
    (proposal,) = read(Case("FOSIS enviará las bases antes del 1 de octubre (contacto: "
                            "Luis.Mena@fosis.cl.example)."))  # fmt: skip
    assert proposal.values["responsable_email"] == "luis.mena@fosis.cl.example"
    assert proposal.states["responsable_email"] == F


def test_region_is_guessed_from_the_territory_or_the_place_when_not_given() -> None:
    paragraph = [Paragraph("párrafo 1", CASES[1].text)]
    (by_territory,) = proposals_from_paragraphs(
        paragraph, header(territory="Limarí Emprende"), KNOWN, region=None, territory=None
    )
    assert (by_territory.values["region"], by_territory.states["region"]) == ("Coquimbo", G)
    (by_place,) = proposals_from_paragraphs(
        paragraph, header(territory="Nuevo Territorio"), KNOWN, region=None, territory=None
    )
    assert (by_place.values["region"], by_place.states["region"]) == ("Antofagasta", G)
    (given,) = proposals_from_paragraphs(
        paragraph, header(), KNOWN, region="Región de Atacama", territory="Huasco Emprende"
    )
    assert (given.values["region"], given.states["region"]) == ("Atacama", F)
    assert given.values["territorio"] == "Huasco Emprende"


def test_an_acta_without_a_date_keeps_the_words_and_states_no_date() -> None:
    paragraphs = [Paragraph("párrafo 1", "SERCOTEC aportará $5.000.000 a fines de octubre y "
                            "entregará el informe en 10 días hábiles.")]  # fmt: skip
    (proposal,) = proposals_from_paragraphs(
        paragraphs, header(held_on=None), KNOWN, region="Antofagasta", territory=None
    )
    assert proposal.values["acta_fecha"] == ""
    assert proposal.states["acta_fecha"] == M
    # "a fines de octubre" needs the acta's year; the business days do not.
    assert proposal.values["plazo"] == "10 días hábiles"
    assert proposal.values["plazo_texto"] == "en 10 días hábiles"
    assert any("«a fines de octubre»" in note for note in proposal.notes)
    assert proposal.values["monto"] == "5000000"
    (alone,) = proposals_from_paragraphs(
        [Paragraph("párrafo 1", "SERCOTEC aportará $5.000.000 a fines de octubre.")],
        header(held_on=None), KNOWN, region="Antofagasta", territory=None,
    )  # fmt: skip
    assert (alone.values["plazo"], alone.values["plazo_texto"]) == ("", "a fines de octubre")
    assert alone.states["plazo"] == M


def test_an_acuerdos_section_and_follow_up_sentences() -> None:
    paragraphs = [
        Paragraph("párrafo 1", "En Calama, a 10 de septiembre de 2026, se reúne el Consejo."),
        Paragraph("párrafo 2", "ACUERDOS"),
        Paragraph("párrafo 3", "1. Enviar a los servicios la planilla de seguimiento antes del "
                  "30 de septiembre."),
        Paragraph("párrafo 4", "2. Se aprueba el acta anterior."),
        Paragraph("párrafo 5", "3) Elaborar el plan de difusión de la feria, a cargo de FOSIS."),
        Paragraph("párrafo 6", "VARIOS"),
        Paragraph("párrafo 7", "4. Se comenta la situación de los caminos."),
        Paragraph("párrafo 8", "La Agrupación de Artesanos de Toconce se compromete a organizar "
                  "la muestra. Esto se hará durante noviembre."),
        Paragraph("párrafo 9", "FOSIS se compromete a transferir $15.000.000 al convenio Lasana "
                  "antes del 21 de septiembre."),
        Paragraph("párrafo 10", "Resumen: FOSIS se compromete a transferir $15.000.000 al "
                  "convenio Lasana antes del 21 de septiembre."),
    ]  # fmt: skip
    proposals = proposals_from_paragraphs(
        paragraphs, header(), KNOWN, region="Antofagasta", territory="Loa Emprende"
    )
    assert [(p.source.location, p.values["institucion"], p.values["plazo"]) for p in proposals] == [
        ("párrafo 3, punto 1", "", "2026-09-30"),
        ("párrafo 5, punto 3", "FOSIS", ""),
        ("párrafo 8", "Agrupación de Artesanos de Toconce", "2026-11-30"),
        ("párrafo 9", "FOSIS", "2026-09-21"),
    ]
    follow_up = proposals[2]
    assert follow_up.states["plazo"] == G
    assert any("frase siguiente" in note for note in follow_up.notes)


AMOUNTS = [
    ("$15.000.000", [15_000_000]),
    ("un aporte de $ 15.000.000.- para la feria", [15_000_000]),
    ("15 millones de pesos", [15_000_000]),
    ("$ 8,5 millones", [8_500_000]),
    ("M$ 8.500", [8_500_000]),
    ("M$8.500.-", [8_500_000]),
    ("MM$ 1,2", [1_200_000]),
    ("$15 MM", [15_000_000]),
    ("$1.200 millones", [1_200_000_000]),
    ("quince millones de pesos", [15_000_000]),
    ("ocho millones quinientos mil pesos", [8_500_000]),
    ("veintiún millones de pesos", [21_000_000]),
    ("150 mil pesos", [150_000]),
    ("$15,000,000", [15_000_000]),
    ("transferir $15. 000.000 al convenio", [15_000_000]),
    ("$15.000.000 (quince millones de pesos)", [15_000_000, 15_000_000]),
    ("UF 300 y 1.500 UF", [None, None]),
    ("US$ 10.000", [None]),
    ("el 15% del total", []),
    ("año 2026", []),
    ("RUT 61.202.000-0", []),
    ("fono +56 9 8765 4321", []),
    ("el 21/09/2026", []),
    ("el acta N° 12", []),
    ("Ley 19.880", []),
    ("2 millones de personas", []),
    ("5 mil visitantes", []),
    ("$ 8,5", []),
    ("doce meses y dos talleres", []),
]


@pytest.mark.parametrize(("text", "pesos"), AMOUNTS)
def test_amounts(text: str, pesos: list[int | None]) -> None:
    assert [amount.pesos for amount in find_amounts(text)] == pesos


def test_an_amount_keeps_its_words_and_span() -> None:
    text = "SERCOTEC aportará M$ 8.500 a más tardar el 30 de octubre"
    (amount,) = find_amounts(text)
    assert (amount.text, amount.span, amount.unit) == ("M$ 8.500", (18, 26), "CLP")
    assert text[slice(*amount.span)] == "M$ 8.500"
    (bare,) = find_amounts("aportará 15 millones para la feria")
    assert (bare.pesos, bare.stated_currency) == (15_000_000, False)
    (uf,) = find_amounts("por UF 1.200")
    assert (uf.pesos, uf.unit) == (None, "UF")


DUE = [
    ("antes del 21 de septiembre", "2026-09-21", F),
    ("el 21 de septiembre de 2026", "2026-09-21", F),
    ("el 10 de septiembre", "2026-09-10", F),
    ("para el 5 de enero", "2027-01-05", F),
    ("el 21 de setiembre", "2026-09-21", F),
    ("el 1° de octubre", "2026-10-01", F),
    ("el 21/09/2026", "2026-09-21", F),
    ("hasta el 21-09-2026", "2026-09-21", F),
    ("en 10 días hábiles", "10 días hábiles", F),
    ("en un plazo de 1 día hábil", "1 día hábil", F),
    ("en 15 días", "2026-09-25", F),
    ("en 2 semanas", "2026-09-24", F),
    ("a fines de octubre", "2026-10-30", G),
    ("durante noviembre", "2026-11-30", G),
    ("antes de octubre", "2026-09-30", G),
    ("primer semestre de 2027", "2027-06-30", G),
    ("el segundo semestre", "2026-12-31", G),
    ("a fin de mes", "2026-09-30", G),
    ("a mediados de noviembre", "2026-11-16", G),
    ("durante el presente año", "2026-12-31", G),
    ("antes de la próxima sesión", "", M),
    ("desde el 1 de octubre hasta el 30 de noviembre", "2026-11-30", F),
    ("2027-06-15", "2027-06-15", F),
    ("11-12- 2026", "2026-12-11", F),
    ("dentro de los 10 días hábiles siguientes a esta sesión", "10 días hábiles", F),
    ("para el año 2027", "2027-12-31", G),
]


@pytest.mark.parametrize(("text", "plazo", "state"), DUE)
def test_due_dates(text: str, plazo: str, state: Found) -> None:
    due = find_due_date(text, ACTA, calendar_for("AN"))
    assert due is not None
    assert (due.plazo, due.state) == (plazo, state)
    assert due.text in text


@pytest.mark.parametrize(
    "text",
    [
        "el acta N° 12 del 10 de septiembre",
        "la sesión ordinaria del Consejo del 10 de septiembre",
        "a partir del 1 de octubre",
        "el convenio firmado el 3 de agosto de 2026",
        "el 1/2 del monto",
        "el 50% del total",
        "una feria de 3 días",
        "el informe de 2025",
        "en la sesión anterior, del 13 de agosto",
    ],
)
def test_words_that_are_not_deadlines(text: str) -> None:
    assert find_due_dates(text, ACTA, calendar_for("AN")) == []


def test_business_days_follow_the_region_calendar_and_a_later_start_is_flagged() -> None:
    due = find_due_date("en 10 días hábiles", ACTA, calendar_for("AN"))
    assert due is not None and due.day == date(2026, 9, 25)  # skips 18 and 19 September
    other = find_due_date(
        "en 10 días hábiles desde la firma del convenio", ACTA, calendar_for("AN")
    )
    assert other is not None and other.state == G and "otro hecho" in other.remark


def test_sentences_are_split_without_cutting_abbreviations_or_amounts() -> None:
    text = (
        "Acuerdos: 1. FOSIS aportará $15.000.000. 2. El Sr. Soto, de Cosmo Andino Ltda. "
        "y de Turismo S.A. informó. La I. Municipalidad de Ovalle facilitará la sede; "
        "Acuerdo N° 3.- INDAP gestionará el crédito. a) CORFO revisará el plan."
    )
    sentences = split_sentences(text)
    assert [(s.label, s.body) for s in sentences] == [
        ("", "Acuerdos:"),
        ("1", "FOSIS aportará $15.000.000."),
        ("2", "El Sr. Soto, de Cosmo Andino Ltda. y de Turismo S.A. informó."),
        ("", "La I. Municipalidad de Ovalle facilitará la sede; Acuerdo N° 3.- INDAP "
             "gestionará el crédito."),
        ("a", "CORFO revisará el plan."),
    ]  # fmt: skip
    assert text[sentences[4].start :].startswith("a) CORFO")


def test_rows_of_an_unrecognised_table_state_commitments() -> None:
    """A table the reader did not take for the import format reaches the
    prose rules a row per paragraph, its cells joined by "; "."""
    rows = [
        "Institución; Responsable; Correo; Compromiso; Monto; Plazo",
        "Municipalidad de Quilicura; Camila Reyes; fomento@quilicura.cl.example; Organizar la "
        "feria de emprendedores del poniente en diciembre; $2.000.000; 11-12-2026",
        "1; SERCOTEC; Instalar un Centro de Desarrollo de Negocios en Pudahuel; MM$ 35; "
        "primer semestre de 2027",
        "FOSIS; Transferencia de $15.000.000 al convenio Lasana; Cumplido el 18 de septiembre",
        "ADI Atacama La Grande; Convocar a las comunidades al taller; sin monto; 6 de noviembre",
    ]
    paragraphs = [Paragraph(f"tabla 2, fila {n}", row) for n, row in enumerate(rows, start=1)]
    proposals = proposals_from_paragraphs(
        paragraphs, header(), KNOWN, region="Metropolitana", territory=None
    )
    got = [(p.source.location, p.values["institucion"], p.values["compromiso"],
            p.values["monto"], p.values["plazo"]) for p in proposals]  # fmt: skip
    assert got == [
        ("tabla 2, fila 2", "Municipalidad de Quilicura",
         "Organizar la feria de emprendedores del poniente en diciembre", "2000000", "2026-12-11"),
        ("tabla 2, fila 3", "SERCOTEC", "Instalar un Centro de Desarrollo de Negocios en Pudahuel",
         "35000000", "2027-06-30"),
        ("tabla 2, fila 5", "ADI Atacama La Grande", "Convocar a las comunidades al taller", "",
         "2026-11-06"),
    ]  # fmt: skip
    quilicura = proposals[0]
    assert (quilicura.values["responsable"], quilicura.values["responsable_email"]) == (
        "Camila Reyes", "fomento@quilicura.cl.example")  # fmt: skip
    assert quilicura.states["responsable"] == F
    assert proposals[2].states["institucion"] == G


def test_a_bare_municipality_is_the_one_of_the_acta_place() -> None:
    (proposal,) = read(Case("La Municipalidad aportará $500.000 para la feria."))
    assert proposal.values["institucion"] == "Municipalidad de Calama"  # the header's place
    assert proposal.states["institucion"] == G
    paragraph = [Paragraph("párrafo 1", "La Municipalidad aportará $500.000 para la feria.")]
    no_place = header()
    no_place.place = ""
    assert proposals_from_paragraphs(paragraph, no_place, KNOWN, region=None, territory=None) == []


def test_institutions_are_matched_without_accents_or_case() -> None:
    text = "la direccion regional de fosis, el Servicio Nacional de Pesca y Acuicultura y la I. "
    text += "Municipalidad de Rio Hurtado; Municipalidad de Gotham"
    assert [(m.name, m.state) for m in find_institutions(text, KNOWN)] == [
        ("FOSIS", F), ("SERNAPESCA", F), ("Municipalidad de Río Hurtado", F)
    ]  # fmt: skip
    guessed = subject_before("El Sr. Soto, presidente de la Cooperativa Campesina Lasana, ", KNOWN)
    assert guessed is not None and (guessed.name, guessed.state) == (
        "Cooperativa Campesina Lasana",
        G,
    )
    assert subject_before("El Sr. Juan Pérez ", KNOWN) is None
    assert subject_before("Además, ", KNOWN) is None


def test_commitment_clauses_and_their_actions() -> None:
    (clause,) = find_commitments("La Municipalidad de Monte Patria se coordinará con INDAP.", KNOWN)
    assert clause.action == "Coordinarse con INDAP"
    (pondra,) = find_commitments("FOSIS pondrá a disposición su equipo técnico.", KNOWN)
    assert pondra.action == "Poner a disposición su equipo técnico"
    (tendra,) = find_commitments("SERCOTEC mantendrá el puesto de atención en Ovalle.", KNOWN)
    assert tendra.action == "Mantener el puesto de atención en Ovalle"
    assert find_commitments("SERCOTEC estará presente en la feria.", KNOWN) == []


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_known_institutions_reads_the_record(engine: Engine) -> None:
    rows = [
        row(),
        row(institucion="FOSIS", region="Atacama", territorio="Provincia del Huasco",
            responsable="Pablo Rivas", responsable_email="pablo.rivas@fosis.cl.example",
            institucion_director_email="director.atacama@fosis.cl.example",
            territorio_gerente_email="gerente.huasco@cumple.example"),
        row(institucion="Comunidad Atacameña de Lasana", institucion_rut="",
            responsable="Rosa Condori", responsable_email="rosa@lasana.cl.example",
            compromiso="Facilitar el terreno", institucion_director_email=""),
    ]  # fmt: skip
    sheet = Sheet(header=list(HEADER), rows=[(n, [r[k] for k in HEADER]) for n, r in
                                              enumerate(rows, start=2)])  # fmt: skip
    import_sheet(engine, sheet, actor="prueba")
    with Session(engine) as session:
        known = known_institutions(session)
    assert sorted(known.names) == ["Comunidad Atacameña de Lasana", "FOSIS"]
    assert known.ruts == {"FOSIS": "60.109.000-7"}
    assert known.responsables[("02", "fosis")] == Person(
        "Marcela Jara", "marcela.jara@fosis.cl.example"
    )
    assert known.responsable("Atacama", "Fondo de Solidaridad e Inversión Social") == Person(
        "Pablo Rivas", "pablo.rivas@fosis.cl.example")  # fmt: skip
    assert known.director("Región de Atacama", "fosis") == Person(
        None, "director.atacama@fosis.cl.example")  # fmt: skip
    assert known.gerente("Antofagasta", "Loa Emprende") == Person(
        None, "gerente.loa@cumple.example")  # fmt: skip
    assert known.territories == {"loa emprende": "02", "provincia del huasco": "03"}
    (proposal,) = proposals_from_paragraphs(
        [Paragraph("párrafo 1", "La comunidad atacameña de Lasana aportará $500.000.")],
        header(), known, region=None, territory=None,
    )  # fmt: skip
    assert proposal.values["institucion"] == "Comunidad Atacameña de Lasana"
    assert proposal.values["responsable_email"] == "rosa@lasana.cl.example"
    assert proposal.values["region"] == "Antofagasta"

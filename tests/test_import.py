"""Import of actas and commitments, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from importer import ImportFailed, UnreadableFile, import_file
from models import Acta, Commitment, CommitmentEvent, Contact, Institution, Territory
from tests.helpers import HEADER, row, write_csv, write_xlsx

ERROR_LINE = re.compile(r"^fila \d+, columna [a-z_]+: .+$")


def counts(engine: Engine) -> dict[str, int]:
    """Rows in every table: the fingerprint of "nothing was written"."""
    with Session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in SQLModel.metadata.sorted_tables
        }


def commitments(engine: Engine) -> list[Commitment]:
    with Session(engine) as session:
        return list(session.scalars(select(Commitment).order_by(Commitment.id)))


def run(engine: Engine, path: Path, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return import_file(engine, path, actor="prueba", dry_run=dry_run)


def test_csv_import_creates_everything_once(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row(),
        row(
            institucion="SERCOTEC",
            institucion_rut="82.174.900-K",
            responsable_email="r.araya@sercotec.cl.example",
            institucion_director_email="",
            compromiso="Abrir convocatoria Capital Semilla",
            monto="20000000",
            plazo="40 días hábiles",
        ),
        row(
            region="Atacama",
            territorio="Provincia del Huasco",
            acta_fecha="04/08/2026",
            acta_instancia="Mesa Territorial",
            acta_numero="5",
            responsable_email="c.villalobos@fosis.cl.example",
            institucion_director_email="director.atacama@fosis.cl.example",
            territorio_gerente_email="gerente.huasco@cumple.example",
            compromiso="Transferir el fondo de apoyo",
            monto="",
            plazo="30-11-2026",
        ),
    ]
    report = run(engine, write_csv(tmp_path / "actas.csv", rows))
    assert (report.actas, report.commitments, report.institutions) == (2, 3, 2)
    assert report.territories == 2
    # responsables 3, directors 2 (FOSIS Antofagasta, FOSIS Atacama), gerentes 2
    assert report.contacts == 7
    stored = commitments(engine)
    assert [c.amount for c in stored] == [15_000_000, 20_000_000, None]
    # 40 business days from 15 June 2026 in Antofagasta.
    assert stored[1].plazo == date(2026, 8, 12)
    assert stored[1].plazo_text == "40 días hábiles"
    assert stored[2].plazo == date(2026, 11, 30)
    with Session(engine) as session:
        directors = session.scalars(
            select(Contact.email).where(Contact.role == "director").order_by(Contact.email)
        ).all()
        assert directors == ["director.atacama@fosis.cl.example", "director@fosis.cl.example"]
        events = session.scalars(select(CommitmentEvent).order_by(CommitmentEvent.id)).all()
        assert [e.field for e in events] == ["created"] * 3
        assert events[0].effective_on == date(2026, 6, 15)
        assert events[0].actor == "prueba"
        fosis = session.scalars(select(Institution).where(Institution.name == "FOSIS")).one()
        assert fosis.rut == "60.109.000-7"


def test_reimport_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "actas.csv", [row(), row(compromiso="Otro compromiso")])
    run(engine, path)
    before = counts(engine)
    report = run(engine, path)
    assert (report.actas, report.commitments, report.institutions, report.contacts) == (0, 0, 0, 0)
    assert report.unchanged == 2
    assert counts(engine) == before


def test_changed_row_is_reported_not_applied(engine: Engine, tmp_path: Path) -> None:
    run(engine, write_csv(tmp_path / "a.csv", [row()]))
    report = run(engine, write_csv(tmp_path / "b.csv", [row(monto="$16.000.000")]))
    assert report.commitments == 0
    assert len(report.warnings) == 1 and "fila 2" in report.warnings[0]
    assert commitments(engine)[0].amount == 15_000_000


def test_dry_run_counts_but_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    report = run(engine, write_csv(tmp_path / "a.csv", [row()]), dry_run=True)
    assert report.dry_run and report.commitments == 1 and report.actas == 1
    assert counts(engine) == before


def test_xlsx_with_date_cells_numbers_and_blank_rows(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row(acta_fecha=datetime(2026, 6, 15), plazo=date(2026, 9, 21), monto=15000000),
        {},  # a blank line inside the sheet
        row(
            compromiso="Capacitación",
            acta_fecha=date(2026, 6, 15),
            monto=2800000.0,
            acta_numero=12,
            plazo="25 dias habiles",
        ),
        row(compromiso="Con fecha en serie Excel", plazo=46290),  # 2026-09-25
    ]
    report = run(engine, write_xlsx(tmp_path / "actas.xlsx", rows))
    assert report.commitments == 3 and report.actas == 1
    stored = commitments(engine)
    assert [c.amount for c in stored] == [15_000_000, 2_800_000, 15_000_000]
    assert stored[0].plazo == date(2026, 9, 21)
    assert stored[1].plazo == date(2026, 7, 22)  # 25 business days after 15 June 2026
    assert stored[2].plazo == date(2026, 9, 25)


def test_xlsx_errors_use_spreadsheet_row_numbers(engine: Engine, tmp_path: Path) -> None:
    rows = [row(), {}, row(compromiso="x", monto="-5")]
    with pytest.raises(ImportFailed) as info:
        run(engine, write_xlsx(tmp_path / "actas.xlsx", rows))
    assert [str(e) for e in info.value.errors] == [
        "fila 4, columna monto: el monto no puede ser negativo"
    ]


def test_headers_match_ignoring_case_accents_and_spaces(engine: Engine, tmp_path: Path) -> None:
    header = [
        " Región ",
        "TERRITORIO",
        "Acta Fecha",
        "acta_instancia",
        "Acta_Número",
        "Institución",
        "institución_rut",
        "Responsable",
        "Responsable Email",
        "institucion_director_email",
        "territorio_gerente_email",
        "COMPROMISO",
        "Monto",
        "Fuente",
        "Plazo",
        "Observaciones",
    ]
    values = row()
    body = [{h: values[k] for h, k in zip(header, [*HEADER, "fuente"], strict=False)}]
    report = run(engine, write_csv(tmp_path / "a.csv", body, header=header, delimiter=","))
    assert report.commitments == 1
    assert report.ignored_columns == ["Observaciones"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("15000000", 15_000_000),
        ("15.000.000", 15_000_000),
        ("$15.000.000", 15_000_000),
        ("$ 8.500.000", 8_500_000),
        ("", None),
    ],
)
def test_amount_forms(engine: Engine, tmp_path: Path, text: str, amount: int | None) -> None:
    run(engine, write_csv(tmp_path / "a.csv", [row(monto=text)]))
    assert commitments(engine)[0].amount == amount


@pytest.mark.parametrize(
    ("region", "region_id"),
    [
        ("Antofagasta", 2),
        ("Región de Antofagasta", 2),
        ("2", 2),
        ("02", 2),
        ("II", 2),
        ("antofagasta ", 2),
        ("REGION DE ANTOFAGASTA", 2),
        ("O'Higgins", 6),
        ("Libertador General Bernardo O'Higgins", 6),
        ("Región del Libertador General Bernardo O'Higgins", 6),
        ("VI", 6),
        ("Metropolitana", 13),
        ("RM", 13),
        ("XVI", 16),
    ],
)
def test_region_forms(engine: Engine, tmp_path: Path, region: str, region_id: int) -> None:
    run(engine, write_csv(tmp_path / "a.csv", [row(region=region)]))
    assert commitments(engine)[0].region_id == region_id


def test_business_days_follow_the_region(engine: Engine, tmp_path: Path) -> None:
    """20 August 2026 is a holiday in Chillán and Chillán Viejo (Ley 20.768),
    not in the rest of Ñuble nor elsewhere: "1 día hábil" from 19 August
    counts in the commitment's own comunas."""
    rows = [
        row(region="Ñuble", acta_fecha="2026-08-19", plazo="1 día hábil", compromiso="a",
            comunas="Chillán"),
        row(region="Ñuble", acta_fecha="2026-08-19", plazo="1 día hábil", compromiso="b",
            comunas="San Carlos"),
        row(region="RM", acta_fecha="2026-08-19", plazo="1 día hábil", compromiso="c"),
    ]  # fmt: skip
    run(engine, write_csv(tmp_path / "a.csv", rows, header=[*HEADER, "comunas"]))
    plazos = {c.text: (c.region_id, c.plazo) for c in commitments(engine)}
    assert plazos == {
        "a": (16, date(2026, 8, 21)),
        "b": (16, date(2026, 8, 20)),
        "c": (13, date(2026, 8, 20)),
    }


def test_due_date_on_a_holiday_moves_to_the_next_business_day(
    engine: Engine, tmp_path: Path
) -> None:
    run(engine, write_csv(tmp_path / "a.csv", [row(plazo="18-09-2026")]))
    stored = commitments(engine)[0]
    assert stored.plazo == date(2026, 9, 18)
    assert stored.due_date == date(2026, 9, 21)


def test_eight_mistakes_are_all_reported_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        row(),  # row 2: valid
        row(region="Narnia", compromiso="a"),  # row 3
        row(acta_fecha="31-02-2026", compromiso="b"),  # row 4
        row(institucion_rut="60.109.000-1", compromiso="c"),  # row 5
        row(responsable_email="no-es-correo", compromiso="d"),  # row 6
        row(monto="15.000.000,50", compromiso="e"),  # row 7
        row(monto="-3000", compromiso="f"),  # row 8
        row(plazo="mañana", compromiso="g"),  # row 9
        row(compromiso=""),  # row 10
    ]
    before = counts(engine)
    with pytest.raises(ImportFailed) as info:
        run(engine, write_csv(tmp_path / "errores.csv", rows))
    located = [(e.row, e.column) for e in info.value.errors]
    assert located == [
        (3, "region"),
        (4, "acta_fecha"),
        (5, "institucion_rut"),
        (6, "responsable_email"),
        (7, "monto"),
        (8, "monto"),
        (9, "plazo"),
        (10, "compromiso"),
    ]
    assert all(ERROR_LINE.match(str(e)) for e in info.value.errors)
    assert counts(engine) == before


def test_missing_and_repeated_columns(engine: Engine, tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("plazo", "responsable_email")] + ["region"]
    with pytest.raises(ImportFailed) as info:
        run(engine, write_csv(tmp_path / "a.csv", [row()], header=header))
    assert {(e.row, e.column) for e in info.value.errors} == {
        (1, "region"),
        (1, "plazo"),
        (1, "responsable_email"),
    }


def test_duplicate_rows_in_one_file(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, write_csv(tmp_path / "a.csv", [row(), row()]))
    assert report.commitments == 1 and report.duplicate_rows == [3]
    with pytest.raises(ImportFailed) as info:
        run(engine, write_csv(tmp_path / "b.csv", [row(), row(monto="1")]))
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "compromiso")]
    assert "fila 2" in info.value.errors[0].message


def test_rut_conflicts_within_the_file_and_with_stored_data(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        run(
            engine,
            write_csv(
                tmp_path / "a.csv",
                [row(), row(compromiso="b", institucion_rut="82.174.900-K")],
            ),
        )
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "institucion_rut")]
    run(engine, write_csv(tmp_path / "b.csv", [row()]))
    before = counts(engine)
    with pytest.raises(ImportFailed) as info:
        run(
            engine,
            write_csv(
                tmp_path / "c.csv",
                [row(compromiso="nuevo"), row(institucion="CORFO", compromiso="otro")],
            ),
        )
    # CORFO cannot take FOSIS's RUT.
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "institucion_rut")]
    assert counts(engine) == before


def test_plazo_before_the_acta_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        run(engine, write_csv(tmp_path / "a.csv", [row(plazo="2026-01-01")]))
    assert "anterior a la fecha del acta" in str(info.value.errors[0])


def test_windows_1252_csv_is_read(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [row(territorio="Limarí Emprende", region="Coquimbo")],
        encoding="cp1252",
    )
    run(engine, path)
    with Session(engine) as session:
        assert session.scalars(select(Territory.name)).one() == "Limarí Emprende"


def test_actas_group_rows_by_their_identity(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row(compromiso="a"),
        row(compromiso="b", acta_instancia="consejo publico-privado"),  # same acta
        row(compromiso="c", acta_numero="13"),  # another acta
    ]
    report = run(engine, write_csv(tmp_path / "a.csv", rows))
    assert report.actas == 2
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Acta)) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", b"hola", "formato"),
        ("a.xlsx", b"esto no es un zip", "XLSX"),
        ("a.csv", b"", "vac"),
    ],
)
def test_unreadable_files(
    engine: Engine, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        run(engine, path)


def test_control_characters_are_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        run(engine, write_csv(tmp_path / "a.csv", [row(compromiso="a\x01b")]))
    assert info.value.errors[0].column == "compromiso"


def test_a_windows_1252_csv_behind_a_utf8_bom_keeps_its_first_column(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bom.csv", [row(territorio="Ñuble Rural")], encoding="cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = import_file(engine, path, actor="prueba")
    assert report.commitments == 1
    with Session(engine) as session:
        assert session.scalars(select(Territory.name)).all() == ["Ñuble Rural"]


def test_a_file_with_only_the_header_row_is_refused(engine: Engine, tmp_path: Path) -> None:
    for path in (write_csv(tmp_path / "vacio.csv", []), write_xlsx(tmp_path / "vacio.xlsx", [])):
        with pytest.raises(UnreadableFile, match="solo tiene la fila de encabezados"):
            import_file(engine, path, actor="prueba")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commitment)) == 0

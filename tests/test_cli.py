"""The ``cumple`` console script, run as a user runs it: a real process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers import Cli, row, write_csv, write_xlsx

CONTRACT_FIELDS = {
    "id",
    "region",
    "territorio",
    "acta_fecha",
    "acta_instancia",
    "institucion",
    "responsable_email",
    "compromiso",
    "monto",
    "monto_ejecutado",
    "fuente",
    "plazo",
    "vencimiento",
    "estado",
}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")


@pytest.fixture
def ready(tmp_path: Path, database_url: str) -> Cli:
    """An initialised database: a SQLite file, then a PostgreSQL database."""
    cli = Cli(tmp_path, database_url)
    assert cli("init").returncode == 0
    return cli


@pytest.fixture
def ready_sqlite(cli: Cli) -> Cli:
    """For tests of the console script's messages, not of the database."""
    assert cli("init").returncode == 0
    return cli


def test_init_is_idempotent(cli: Cli) -> None:
    first = cli("init")
    second = cli("init")
    assert first.returncode == second.returncode == 0
    assert "16 regiones y 346 comunas" in second.stdout


def test_commands_before_init_say_what_to_do(cli: Cli) -> None:
    result = cli("commitments", "list")
    assert result.returncode == 1
    assert "cumple init" in result.stderr
    assert not (cli.folder / "var" / "cumple.db").exists()


def test_usage_errors_exit_2(ready_sqlite: Cli) -> None:
    results = ready_sqlite.batch(
        [["commitments", "list", "--no-such-option"], ["commitments", "show", "not-a-number"],
         ["frobnicate"]]
    )  # fmt: skip
    assert [result.returncode for result in results] == [2, 2, 2]


def test_import_list_show_update_roundtrip(ready: Cli) -> None:
    path = write_csv(
        ready.folder / "actas.csv",
        [row(), row(compromiso="Capacitar", monto="", plazo="20 días hábiles")],
    )
    result, again, listed, table, listed_csv = ready.batch(
        [
            ["import", str(path)],
            ["import", str(path)],
            ["commitments", "list", "--format", "json"],
            ["commitments", "list"],
            ["commitments", "list", "--format", "csv"],
        ]
    )
    assert result.returncode == 0, result.stderr
    assert "Se crearon 1 acta, 2 compromisos, 1 institución y 3 contactos" in result.stdout
    assert "0 actas, 0 compromisos" in again.stdout
    assert "2 compromisos ya estaban registrados" in again.stdout

    records = Cli.records(listed)
    assert len(records) == 2
    assert set(records[0]) >= CONTRACT_FIELDS
    # Ordered by due date: 20 business days from 15 June 2026 come first.
    capacitar, transferir = records
    assert capacitar["monto"] is None and capacitar["plazo"] == "2026-07-14"
    assert transferir["monto"] == 15000000 and transferir["monto_ejecutado"] == 0
    assert transferir["acta_fecha"] == "2026-06-15" and transferir["plazo"] == "2026-09-21"

    assert "$15.000.000" in table.stdout and "Vencido" in table.stdout
    as_csv = list(csv.DictReader(io.StringIO(listed_csv.stdout)))
    assert [r["id"] for r in as_csv] == [str(r["id"]) for r in records]

    commitment_id = str(records[1]["id"])
    update, moved, shown_json, moved_json, text, vencidos_json, on_date_json = ready.batch(
        [
            ["commitments", "update", commitment_id,
             "--status", "cumplido", "--executed-amount", "$14.500.000",
             "--on", "2026-10-05", "--by", "gerente.loa"],
            ["commitments", "update", str(records[0]["id"]),
             "--due-date", "2026-12-08", "--reason", "Resolución en trámite", "--on", "2026-11-02"],
            ["commitments", "show", commitment_id, "--format", "json"],
            ["commitments", "show", str(records[0]["id"]), "--format", "json"],
            ["commitments", "show", str(records[0]["id"])],
            ["commitments", "list", "--status", "cumplido", "--format", "json"],
            ["commitments", "list", "--status", "vencido", "--on", "2026-10-01",
             "--format", "json"],
        ]
    )  # fmt: skip
    assert update.returncode == 0, update.stderr
    assert "5 de octubre de 2026" in update.stdout
    assert moved.returncode == 0, moved.stderr

    [shown] = Cli.records(shown_json)
    assert shown["estado"] == "cumplido" and shown["monto_ejecutado"] == 14500000
    history = shown["historial"]
    assert isinstance(history, list)
    assert [
        (h["campo"], h["anterior"], h["nuevo"], h["fecha_efectiva"], h["autor"])
        for h in history[1:]
    ] == [
        ("status", "pendiente", "cumplido", "2026-10-05", "gerente.loa"),
        ("executed_amount", "0", "14500000", "2026-10-05", "gerente.loa"),
    ]
    [moved_record] = Cli.records(moved_json)
    assert moved_record["plazo"] == "2026-12-08" and moved_record["vencimiento"] == "2026-12-09"
    assert moved_record["historial"][-1]["motivo"] == "Resolución en trámite"  # type: ignore[index]

    assert "9 de diciembre de 2026" in text.stdout and "Resolución en trámite" in text.stdout

    vencidos = Cli.records(vencidos_json)
    assert [r["id"] for r in vencidos] == [records[1]["id"]]
    on_date = Cli.records(on_date_json)
    assert {r["id"] for r in on_date} == {records[0]["id"], records[1]["id"]}


def test_import_with_mistakes_lists_them_all_and_writes_nothing(ready: Cli) -> None:
    rows = [
        row(),
        row(region="Narnia", compromiso="a"),
        row(acta_fecha="31-02-2026", compromiso="b"),
        row(institucion_rut="60.109.000-1", compromiso="c"),
        row(responsable_email="no-es-correo", compromiso="d"),
        row(monto="15.000.000,50", compromiso="e"),
        row(monto="-3000", compromiso="f"),
        row(plazo="mañana", compromiso="g"),
        row(compromiso=""),
    ]
    path = write_xlsx(ready.folder / "errores.xlsx", rows)
    result, listed = ready.batch(
        [["import", str(path)], ["commitments", "list", "--format", "json"]]
    )
    assert result.returncode == 1
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("fila")]
    assert [line.split(":")[0] for line in lines] == [
        "fila 3, columna region",
        "fila 4, columna acta_fecha",
        "fila 5, columna institucion_rut",
        "fila 6, columna responsable_email",
        "fila 7, columna monto",
        "fila 8, columna monto",
        "fila 9, columna plazo",
        "fila 10, columna compromiso",
    ]
    assert "no se importó nada" in result.stderr
    assert Cli.records(listed) == []


def test_dry_run_and_unreadable_file(ready: Cli) -> None:
    path = write_csv(ready.folder / "a.csv", [row()])
    result, listed, missing = ready.batch(
        [
            ["import", str(path), "--dry-run"],
            ["commitments", "list", "--format", "json"],
            ["import", str(ready.folder / "no-existe.csv")],
        ]
    )
    assert result.returncode == 0 and "nada se escribió" in result.stdout
    assert "Se crearían 1 acta, 1 compromiso" in result.stdout
    assert Cli.records(listed) == []
    assert missing.returncode == 1 and "no existe" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["commitments", "show", "99"], "No existe el compromiso N° 99"),
        (["commitments", "update", "1", "--status", "vencido"], "se calcula"),
        (["commitments", "update", "1", "--due-date", "2027-01-01"], "--reason"),
        (["commitments", "update", "1", "--executed-amount", "mucho"], "--executed-amount"),
        (["commitments", "update", "1", "--note", "x", "--on", "2026-13-01"], "--on"),
        (["commitments", "list", "--region", "Narnia"], "no existe"),
        (["commitments", "list", "--status", "atrasado"], "no existe"),
        (["protocol", "set", "--region", "II", "--to", "nadie"], "correo"),
        (
            ["protocol", "set", "--region", "II", "--to", "a@b.cl", "--every", "weekly"],
            "periodicidad",
        ),
    ],
)
def test_user_errors_exit_1_in_spanish(ready_sqlite: Cli, args: list[str], message: str) -> None:
    ready = ready_sqlite
    write_csv(ready.folder / "a.csv", [row()])
    _, result = ready.batch([["import", str(ready.folder / "a.csv")], args])
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr


def test_protocol_set_and_list(ready: Cli) -> None:
    result, listed, table = ready.batch(
        [
            ["protocol", "set", "--region", "Antofagasta",
             "--to", "gobernador@gore.cl.example", "--to", "core@gore.cl.example",
             "--since", "2027-01-01"],
            ["protocol", "list", "--format", "json"],
            ["protocol", "list"],
        ]
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "trimestral" in result.stdout
    [protocol] = Cli.records(listed)
    assert protocol["region"] == "Antofagasta" and protocol["periodicidad"] == "quarter"
    assert protocol["correos"] == ["gobernador@gore.cl.example", "core@gore.cl.example"]
    assert protocol["desde"] == "2027-01-01"
    assert "Gobernador(a) Regional de la Región de Antofagasta" in table.stdout


def test_demo_is_idempotent(cli: Cli) -> None:
    first = cli("demo")
    assert first.returncode == 0, first.stderr
    assert "32 compromisos" in first.stdout and "$15.000.000" in first.stdout
    assert "correos enviados" in first.stdout
    # Status words are the labels, with counts that agree.
    summary = next(line for line in first.stdout.splitlines() if line.startswith("32 compromisos:"))
    assert "vencidos" in summary and "por_vencer" not in summary and "cumplido," not in summary
    assert "gerente.loa@demo.cumple.cl (gerente), contraseña demo-cumple-2026" in first.stdout
    assert list((cli.folder / "var" / "mail").rglob("*.eml"))
    assert len(list((cli.folder / "var" / "reports").glob("*/*/informe.pdf"))) == 3
    second = cli("demo")
    assert second.returncode == 0
    # The demo's own follow-ups (a new due date) are not news the second time.
    assert "Los datos de demostración ya estaban cargados" in second.stdout
    assert "Aviso" not in second.stdout and "fila 20" not in second.stdout
    records = cli.json("commitments", "list")
    assert len(records) == 32
    regions = {r["region"] for r in records}
    assert len(regions) >= 6
    assert any(r["monto"] is None for r in records)
    assert any(r["estado"] == "cumplido" for r in records)


def test_secrets_stay_out_of_messages_and_help(cli: Cli) -> None:
    env = {
        "CUMPLE_DATABASE_URL": "postgresql+psycopg://app:pgsecreto@127.0.0.1:1/cumple",
        "CUMPLE_SMTP_PASSWORD": "smtpsecreto",
        "CUMPLE_SECRET_KEY": "clavesecreta",
    }
    for args in (["commitments", "list"], ["init"], ["--help"], ["commitments", "list", "--help"]):
        result = cli(*args, env=env)
        shown = result.stdout + result.stderr
        for secret in env.values():
            assert secret.split("@")[0].split(":")[-1] not in shown
    failed = cli("commitments", "list", env=env)
    assert failed.returncode == 1 and "base de datos" in failed.stderr


def test_run_twice_and_outbox_shows_failures(ready: Cli) -> None:
    from tests.smtp_server import smtp_server

    rows = [
        row(plazo="2026-09-21", responsable_email="r1@a.cl"),
        row(compromiso="otro", plazo="2026-09-21", responsable_email="r2@a.cl"),
    ]
    with smtp_server() as (handler, port):
        handler.plan["r2@a.cl"] = ["550"]
        # The import reads no mail setting: it shares the process of the runs.
        env = {"CUMPLE_SMTP_HOST": "127.0.0.1", "CUMPLE_SMTP_PORT": str(port)}
        _, first, second = ready.batch(
            [
                ["import", str(write_csv(ready.folder / "a.csv", rows))],
                ["run", "--date", "2026-09-21", "--format", "json"],
                ["run", "--date", "2026-09-21"],
            ],
            env=env,
        )
        assert first.returncode == 0, first.stderr
        [report] = json.loads(first.stdout)
        assert (report["reminders"], report["sent"], report["failed"]) == (2, 1, 1)
        assert second.returncode == 0 and "0 recordatorios en 0 correos" in second.stdout
    assert [r.envelope_to for r in handler.received] == [["r1@a.cl"]]
    failed_json, table, bad = ready.batch(
        [["outbox", "--format", "json"], ["outbox"], ["run", "--date", "mañana"]]
    )
    failed = Cli.records(failed_json)
    assert [(f["destinatario"], str(f["error"])[:3]) for f in failed] == [("r2@a.cl", "550")]
    assert "Cola de salida: 1 enviado, 1 fallido." in table.stdout and "r2@a.cl" in table.stdout
    assert bad.returncode == 1 and "--date" in bad.stderr


def test_report_on_demand(ready: Cli) -> None:
    out = ready.folder / "paquete"
    _, bad, unsent, result = ready.batch(
        [
            ["import", str(write_csv(ready.folder / "a.csv", [row(), row(compromiso="b")]))],
            ["report", "--region", "II", "--period", "2026-Q7"],
            ["report", "--region", "II", "--period", "2026-Q3", "--send"],
            ["report", "--region", "Antofagasta", "--period", "2026-Q3", "--out", str(out)],
        ]
    )
    assert bad.returncode == 1 and "--period" in bad.stderr
    assert unsent.returncode == 1 and "protocol set" in unsent.stderr
    assert result.returncode == 0, result.stderr
    assert "2 compromisos" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["informe.pdf", "planilla.xlsx", "compromisos.csv", "compromisos.json",
         "datapackage.json", "catalogo.jsonld", "manifest.json"]
    )  # fmt: skip


def test_users_add(ready: Cli) -> None:
    refusals = [
        (["x@y.cl", "--role", "gerente", "--password-stdin"], "una-clave-larga\n", "--territory"),
        (["x@y.cl", "--role", "gore", "--password-stdin"], "una-clave-larga\n", "--region"),
        (["x@y.cl", "--role", "jefe", "--password-stdin"], "una-clave-larga\n", "rol"),
        (["x@y.cl", "--role", "admin", "--password-stdin"], "corta\n", "12 caracteres"),
        (["x@y.cl", "--role", "admin"], "una-clave-larga\n", "--password-stdin"),
        (["no-es-correo", "--role", "admin", "--password-stdin"], "una-clave-larga\n", "correo"),
    ]
    _, ok, *refused = ready.batch(
        [
            ["import", str(write_csv(ready.folder / "a.csv", [row()]))],
            ["users", "add", "Gerente@Loa.cl", "--role", "gerente", "--territory", "loa emprende",
             "--password-stdin"],
            *(["users", "add", *args] for args, _, _ in refusals),
        ],
        stdin=["", "una-clave-larga\n", *(stdin for _, stdin, _ in refusals)],
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "gerente@loa.cl (gerente)" in ok.stdout
    for (args, _, message), result in zip(refusals, refused, strict=True):
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)

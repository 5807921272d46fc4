"""Spanish without slips on the command line: every text the console script
prints for a person (messages, tables, CSV, help pages, usage errors, log
lines at a terminal) is Spanish, and every count agrees with its noun. JSON
output keeps its documented machine values and is not swept."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.messages import CATALOG, build_catalog
from tests.helpers import BATCH_RUNNER, CUMPLE, HEADER, Cli, row, write_csv

PLURAL_NOUNS = (
    "compromisos|errores|correos|filas|días|mensajes|paquetes|territorios|vencidos|cumplidos|"
    "pendientes|enviados|fallidos|recordatorios|actas|instituciones|contactos|entradas|"
    "archivos|evidencias|tokens|casos|cadenas|avances|argumentos|cancelados|informados"
)
ONE_WITH_PLURAL = re.compile(rf"(?<![\d.,])1 ({PLURAL_NOUNS})\b")
ENGLISH = re.compile(
    r"\b(Usage|Options|Commands|Arguments|Invalid|Missing|No such|Show this message|Try|"
    r"Did you mean|Got unexpected|Aborted|sent|failed|pending|sending|direct|required|default|"
    r"True|False|None)\b"
)
CHROME = ("Usage", "Options", "Commands", "Arguments", "Show this message", "required", "default")


QUOTED = re.compile(r"«[^«»\n]*»")


def slips(text: str) -> list[str]:
    """Every "1 <plural noun>" and every English word of ``text``; a value
    between «» is something typed (an option's value), not prose."""
    text = QUOTED.sub("«»", text)
    return [found.group(0) for found in ONE_WITH_PLURAL.finditer(text)] + [
        found.group(0) for found in ENGLISH.finditer(text)
    ]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")


HELP_WALKER = """
import contextlib, io, json, sys
from cli.app import main

pages, pending = {}, [[]]
while pending:
    path = pending.pop()
    sys.argv = ["cumple", *path, "--help"]
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
    pages[" ".join(path)] = [code, out.getvalue(), err.getvalue()]
    section = out.getvalue().split("Comandos:\\n", 1)
    for line in section[1].splitlines() if len(section) == 2 else []:
        if line.startswith("  ") and line.strip():
            pending.append([*path, line.split()[0]])
print(json.dumps(pages))
"""


def help_pages(cli: Cli) -> dict[str, list[object]]:
    """``--help`` of every group and command, found from the help pages
    themselves, through the console script's entry point (``cli.app:main``)
    in one process: ``{"commitments show": [exit code, stdout, stderr]}``."""
    result = subprocess.run(
        [sys.executable, "-c", HELP_WALKER], cwd=cli.folder, env=cli.env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout)
    assert isinstance(pages, dict)
    return pages


@pytest.mark.slow
def test_help_of_every_command_is_spanish(cli: Cli) -> None:
    pages = help_pages(cli)
    assert len(pages) > 30 and "commitments show" in pages and "audit verify" in pages
    for path, (code, out, err) in pages.items():
        assert code == 0, (path, err)
        shown = f"{out}{err}"
        assert shown.startswith("Uso: cumple"), (path, shown)
        assert "Muestra esta ayuda y termina." in shown, path
        assert [word for word in CHROME if word in shown] == [], (path, shown)
        assert slips(shown) == [], (path, shown)
    short = cli("commitments", "-h")
    assert short.returncode == 0 and "Comandos:" in short.stdout


def test_usage_errors_are_spanish_and_exit_2(cli: Cli) -> None:
    # One process for the eight mistakes (each is click's own usage error).
    shown, unknown, typo, option, choice, missing, extra, value = cli.batch([
        ["commitments", "show", "abc"], ["nocommand"], ["commitments", "lst"],
        ["commitments", "list", "--formt", "json"], ["commitments", "list", "--format", "xml"],
        ["users", "add", "a@b.cl"], ["commitments", "show", "1", "2"],
        ["commitments", "list", "--on"],
    ])  # fmt: skip
    assert shown.returncode == 2
    assert shown.stderr.startswith(
        "Error: Valor no válido para el argumento «ID»: «abc» no es un número entero.\n"
    )
    assert "Ayuda: cumple commitments show --help" in shown.stderr
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("Error: No existe el comando «nocommand».")
    assert typo.returncode == 2
    assert "No existe el comando «lst». ¿Quiso decir «list»?" in typo.stderr
    assert option.returncode == 2
    assert "No existe la opción «--formt». ¿Quiso decir «--format»?" in option.stderr
    assert choice.returncode == 2
    assert "«xml» no es una de las opciones: table, csv, json" in choice.stderr
    assert missing.returncode == 2 and "Falta la opción «--role»." in missing.stderr
    assert extra.returncode == 2 and "Sobra un argumento: 2." in extra.stderr
    assert value.returncode == 2 and "La opción «--on» necesita un valor." in value.stderr
    for result in (shown, unknown, typo, option, choice, missing, extra, value):
        assert slips(result.stdout + result.stderr) == [], result.stderr


def sweep(cli: Cli) -> Iterator[tuple[tuple[str, ...], str]]:
    """Run a tour of the commands a person uses; yield what each printed."""
    folder = cli.folder
    good = write_csv(folder / "actas.csv", [row(plazo="2026-09-21", responsable_email="r@a.cl")])
    one_error = write_csv(folder / "uno.csv", [row(region="Narnia")])
    two_errors = write_csv(folder / "dos.csv", [row(region="Narnia"), row(monto="x")])
    runs: list[tuple[str, ...]] = [
        ("init",),
        ("import", str(good), "--dry-run"),
        ("import", str(good)),
        ("import", str(good)),
        ("import", str(one_error)),
        ("import", str(two_errors)),
        ("commitments", "list"),
        ("commitments", "list", "--format", "csv"),
        ("commitments", "list", "--status", "cumplido"),
        ("commitments", "show", "1"),
        ("commitments", "show", "1", "--format", "csv"),
        ("run", "--date", "2026-09-21"),
        ("run", "--date", "2026-09-21"),
        ("status",),
        ("outbox",),
        ("outbox", "--status", "sent"),
        ("outbox", "--status", "sent", "--format", "csv"),
        ("deliver",),
        ("report", "--region", "Antofagasta", "--period", "2026-Q3", "--out", "paquete"),
        ("evidence", "list", "1"),
        ("evidence", "add", "1", "--reference", "Resolución Exenta N° 12"),
        ("evidence", "list", "1"),
        ("audit", "verify"),
        ("audit", "verify", "--package", "paquete"),
        ("protocol", "list"),
        ("commitments", "update", "1", "--status", "cumplido", "--on", "2026-09-20"),
        ("commitments", "show", "1"),
        (
            "users",
            "add",
            "gerente@a.cl",
            "--role",
            "gerente",
            "--territory",
            "Loa Emprende",
            "--password-stdin",
        ),
        ("users", "tokens", "gerente@a.cl"),
        ("users", "token", "gerente@a.cl", "--name", "bi"),
        ("users", "tokens", "gerente@a.cl"),
        ("users", "revoke", "gerente@a.cl"),
        ("users", "disable", "gerente@a.cl"),
        ("commitments", "show", "99"),
        ("commitments", "update", "1", "--status", "vencido"),
    ]
    # One process runs the console script's entry point for every command
    # (as the help walker does): 35 interpreter start-ups cost a minute.
    result = subprocess.run(
        [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=folder, env=cli.env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for args, (code, out, err) in zip(runs, json.loads(result.stdout), strict=True):
        assert "Traceback" not in err, (args, err)
        assert code in (0, 1), (args, err)
        # Logs go to a pipe here: JSON for a collector, not swept.
        yield args, out + ("" if args[0] in ("run", "deliver") else err)


@pytest.mark.slow
def test_sweep_every_text_is_spanish_with_agreeing_counts(cli: Cli) -> None:
    printed = list(sweep(cli))
    texts: dict[tuple[str, ...], str] = {}
    for args, text in printed:  # a command run twice: both of its texts
        texts[args] = texts.get(args, "") + text
    everything = "\n".join(text for _, text in printed).replace(str(cli.folder), "CARPETA")
    assert slips(everything) == [], everything
    # The counts of one are there, and agree.
    assert "Se crearon 1 acta, 1 compromiso, 1 institución y 3 contactos" in everything
    assert "1 compromiso ya estaba registrado" in everything
    one_error = texts[("import", str(cli.folder / "uno.csv"))]
    assert "El archivo tiene 1 error; no se importó nada:" in one_error
    assert "Corrija el error y vuelva a importar el archivo." in one_error
    assert "El archivo tiene 2 errores; no se importó nada:" in everything
    assert "1 compromiso al " in everything
    assert "1 recordatorio en 1 correo; 1 enviado, 0 en reintento, 0 fallidos" in everything
    assert (
        "Cola de salida: 0 pendientes (0 por enviar ahora), 0 en envío, 1 enviado, 0 fallidos."
        in everything
    )
    assert "(directo); 0 correos, 0 enviados, 0 fallidos." in everything
    assert "Cola de salida: 1 enviado." in everything
    assert "1 compromiso, 1 vencido al cierre." in everything
    assert "1 evidencia agregada al compromiso N° 1" in everything
    assert "1 token revocado." in everything
    assert "Registro íntegro: 1 compromiso, " in everything
    # CSV for people names the outbox state in Spanish.
    assert ",enviado," in texts[("outbox", "--status", "sent", "--format", "csv")]
    # Status words are the labels, never the machine values.
    assert "Vencido" in texts[("commitments", "list")]
    assert "Cumplido" in texts[("commitments", "show", "1")]


def test_json_keeps_its_machine_values(cli: Cli) -> None:
    actas = str(write_csv(cli.folder / "a.csv", [row(plazo="2026-09-21")]))
    init, imported, ran, outbox, status_run, listed = cli.batch([
        ["init"], ["import", actas], ["run", "--date", "2026-09-21"],
        ["outbox", "--status", "sent", "--format", "json"], ["status", "--format", "json"],
        ["commitments", "list", "--format", "json"],
    ])  # fmt: skip
    assert (init.returncode, imported.returncode, ran.returncode) == (0, 0, 0), ran.stderr
    [message] = Cli.records(outbox)
    assert message["estado"] == "sent"
    [status] = Cli.records(status_run)
    last = status["ultimo_ciclo_exitoso"]
    assert isinstance(last, dict) and last["orquestador"] == "direct"
    [commitment] = Cli.records(listed)
    assert commitment["estado"] == "vencido"


def run_at_a_terminal(cli: Cli, *args: str, env: dict[str, str] | None = None) -> str:
    """Run the console script with its standard error on a pseudo-terminal
    (as a person runs it) and return what it wrote there."""
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [CUMPLE, *args], cwd=cli.folder, env={**cli.env, **(env or {})},
            stdout=subprocess.PIPE, stderr=terminal, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)


def test_logs_at_a_terminal_are_spanish_lines_and_json_when_asked(cli: Cli) -> None:
    assert cli("init").returncode == 0
    cli("import", str(write_csv(cli.folder / "a.csv", [row(plazo="2026-09-21")])))
    lines = run_at_a_terminal(cli, "run", "--date", "2026-09-21").splitlines()
    finished = [line for line in lines if " ciclo terminado " in line]
    assert len(finished) == 1, lines
    assert re.match(r"^\d\d:\d\d:\d\d aviso ciclo terminado \(fecha=2026-09-21, ", finished[0])
    assert "orquestador=directo" in finished[0] and "enviados=1" in finished[0]
    assert not any(line.startswith("{") for line in lines)
    assert slips("\n".join(lines)) == []
    asked = run_at_a_terminal(cli, "run", "--date", "2026-09-22", env={"CUMPLE_LOG_FORMAT": "json"})
    assert asked.splitlines() and all(line.startswith("{") for line in asked.splitlines())


def test_a_file_with_only_its_header_is_refused(cli: Cli) -> None:
    empty = str(write_csv(cli.folder / "vacio.csv", []))
    init, result, listed = cli.batch(
        [["init"], ["import", empty], ["commitments", "list", "--format", "json"]]
    )
    assert init.returncode == 0
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: No se pudo leer el archivo: el archivo solo tiene la fila de encabezados"
    )
    assert Cli.records(listed) == []


def test_data_dir_alone_keeps_the_database_in_it(tmp_path: Path) -> None:
    cli = Cli(tmp_path, "sqlite:///unused.db")
    del cli.env["CUMPLE_DATABASE_URL"], cli.env["CUMPLE_DATA_DIR"]
    result = cli("init", "--data-dir", "datos")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "datos" / "cumple.db").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datos"]
    listed = cli("commitments", "list", env={"CUMPLE_DATA_DIR": str(tmp_path / "datos")})
    assert listed.returncode == 0, listed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datos"]


def test_windows_1252_csv_with_a_utf8_bom_keeps_its_first_column(cli: Cli) -> None:
    path = cli.folder / "excel.csv"
    values = row(compromiso="Capacitación en gestión", responsable="Íñigo Muñoz")
    text = ";".join(HEADER) + "\r\n" + ";".join(str(values[k]) for k in HEADER) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("cp1252"))
    init, result, listed = cli.batch(
        [["init"], ["import", str(path)], ["commitments", "list", "--format", "json"]]
    )
    assert init.returncode == 0
    assert result.returncode == 0, result.stderr
    [stored] = Cli.records(listed)
    assert stored["compromiso"] == "Capacitación en gestión"


def test_the_catalog_is_current() -> None:
    assert build_catalog() == CATALOG.read_bytes()

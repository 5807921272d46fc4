"""Issue 12, operations: database URLs that say what is wrong, backups that
restore only what is a backup of this product, and a data folder closed to
other users of the machine."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine, make_url

from config import ConfigError, load_settings
from importer import import_file
from models.commitments import Commitment
from operations.backup import BackupError, backup, inspect_backup, restore
from tests.helpers import Cli, row, write_csv
from tests.test_operations import commitment_text

ORIGINAL = "Transferir $15.000.000"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:clave@db:5432/cumple", "postgresql+psycopg://u:clave@db:5432/cumple"),
        ("postgresql://u@db/cumple", "postgresql+psycopg://u@db/cumple"),
        ("postgresql+psycopg2://u@db/cumple", "postgresql+psycopg://u@db/cumple"),
        ("sqlite:///./var/cumple.db", "sqlite:///./var/cumple.db"),
    ],
)
def test_database_urls_are_normalised_to_the_installed_driver(given: str, expected: str) -> None:
    assert load_settings(database_url=given).database_url == expected


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("mysql://root@127.0.0.1/cumple", "«mysql» no está soportada"),
        ("mssql+pyodbc://sa@db/cumple", "«mssql» no está soportada"),
        ("esto no es una url", "no es una URL de base de datos válida"),
    ],
)
def test_unsupported_database_urls_are_refused_in_spanish(given: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_settings(database_url=given)


def test_the_console_script_names_an_unsupported_database_in_one_line(tmp_path: Path) -> None:
    cli = Cli(tmp_path, "mysql://root@127.0.0.1:3306/test")
    result = cli("status")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "«mysql» no está soportada" in lines[0]


@pytest.mark.postgres
def test_a_postgres_scheme_url_works_end_to_end(postgres_url: str, tmp_path: Path) -> None:
    plain = make_url(postgres_url).set(drivername="postgres").render_as_string(False)
    assert plain.startswith("postgres://")
    cli = Cli(tmp_path, plain)
    assert cli("import", str(write_csv(tmp_path / "a.csv", [row()]))).returncode == 0
    assert cli.json("commitments", "list")[0]["monto"] == 15_000_000


def _seed(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write_csv(tmp_path / "a.csv", [row()]), actor="prueba")
    engine.dispose()


def _tamper(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(update(Commitment.__table__).values(text="cambiado después"))  # type: ignore[attr-defined]
    engine.dispose()


def _sqlite_without_schema(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notas (texto TEXT)")
    connection.commit()
    connection.close()
    return path


def _sqlite_of_revision(source: Path, path: Path, revision: str) -> Path:
    path.write_bytes(source.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.commit()
    connection.close()
    return path


def test_restore_refuses_what_is_not_a_backup_and_leaves_the_database_untouched(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    _seed(engine, tmp_path)
    made = backup(database_url, tmp_path / "respaldo")
    _tamper(engine)
    empty = tmp_path / "vacio.db"
    empty.write_bytes(b"")
    text = tmp_path / "texto.db"
    text.write_text("esto no es un respaldo\n" * 50, encoding="utf-8")
    truncated = tmp_path / "truncado"
    truncated.write_bytes(made.path.read_bytes()[: made.size // 2])
    cases: list[tuple[Path, str]] = [
        (empty, "está vacío"),
        (text, "no es una base SQLite ni un archivo de pg_dump"),
        (truncated, "no es"),
        (_sqlite_without_schema(tmp_path / "ajena.db"), "no tiene la tabla alembic_version"),
    ]
    if made.backend == "sqlite":
        future = _sqlite_of_revision(made.path, tmp_path / "futuro.db", "9999")
        cases.append((future, "esquema 9999"))
    for source, words in cases:
        with pytest.raises(BackupError, match=words):
            restore(database_url, source)
        assert commitment_text(engine) == "cambiado después", source.name
        engine.dispose()
    restore(database_url, made.path)
    assert commitment_text(engine).startswith(ORIGINAL)


def test_a_backup_of_one_backend_is_not_restored_into_the_other(
    sqlite_url: str, tmp_path: Path
) -> None:
    made = backup(sqlite_url, tmp_path / "copia.db")
    assert inspect_backup(made.path)[0] == "sqlite"
    with pytest.raises(BackupError, match="respaldo de SQLite y la base configurada es PostgreSQL"):
        restore("postgresql+psycopg://postgres@127.0.0.1:5432/no_se_toca", made.path)


def test_a_sqlite_backup_leaves_only_the_finished_file(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "respaldos"
    made = backup(sqlite_url, folder / "copia.db")
    assert sorted(path.name for path in folder.iterdir()) == ["copia.db"]
    assert inspect_backup(made.path)[0] == "sqlite"


def test_restore_of_an_empty_file_exits_1_and_keeps_the_database(tmp_path: Path) -> None:
    cli = Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")
    assert cli("init").returncode == 0
    assert cli("import", str(write_csv(tmp_path / "a.csv", [row()]))).returncode == 0
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    refused = cli("restore", str(empty), "--yes")
    assert refused.returncode == 1
    assert "no es un respaldo de cumple: está vacío" in refused.stderr
    assert cli.json("commitments", "list")[0]["monto"] == 15_000_000


def _loose(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def test_what_cumple_writes_in_its_data_folder_is_for_its_owner_only(tmp_path: Path) -> None:
    """Database, mail with valid links, packages and backups: no file or
    folder readable by others, even when the caller's umask allows it."""
    cli = Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    assert cli("demo").returncode == 0
    assert cli("backup").returncode == 0
    written = [data, *data.rglob("*")]
    assert any(path.suffix == ".eml" for path in written)
    assert any(path.name == "informe.pdf" for path in written)
    assert any(path.parent.name == "respaldos" for path in written)
    assert [str(path) for path in written if _loose(path)] == []

"""Settings: CLI option > environment > cumple.toml > defaults; validated;
secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings

ENV_VARS = [
    "CUMPLE_DATABASE_URL",
    "CUMPLE_DATA_DIR",
    "CUMPLE_TIMEZONE",
    "CUMPLE_SMTP_HOST",
    "CUMPLE_SMTP_PORT",
    "CUMPLE_SMTP_PASSWORD",
    "CUMPLE_SMTP_SECURITY",
    "CUMPLE_SECRET_KEY",
    "CUMPLE_BASE_URL",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_match_the_contract() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///./var/cumple.db"
    assert settings.data_dir == Path("./var")
    assert settings.timezone == "America/Santiago"
    assert settings.smtp_host is None
    assert settings.smtp_port == 25
    assert settings.smtp_security == "none"
    assert settings.mail_from == "Seguimiento de Compromisos <no-responder@localhost>"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.mail_dir == Path("./var/mail")


def test_precedence_option_over_env_over_toml(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    (clean_env / "cumple.toml").write_text(
        'database_url = "sqlite:///toml.db"\nsmtp_port = 2525\ntimezone = "America/Punta_Arenas"\n',
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.database_url == "sqlite:///toml.db"
    assert settings.smtp_port == 2525
    monkeypatch.setenv("CUMPLE_DATABASE_URL", "sqlite:///env.db")
    settings = load_settings()
    assert settings.database_url == "sqlite:///env.db"
    assert settings.timezone == "America/Punta_Arenas"
    settings = load_settings(database_url="sqlite:///option.db", data_dir=None)
    assert settings.database_url == "sqlite:///option.db"


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("CUMPLE_SMTP_PORT", "abc", "smtp_port (CUMPLE_SMTP_PORT)"),
        ("CUMPLE_SMTP_PORT", "70000", "smtp_port"),
        ("CUMPLE_SMTP_SECURITY", "ssl", "smtp_security"),
        ("CUMPLE_TIMEZONE", "Marte/Olympus", "zona horaria"),
        ("CUMPLE_DATABASE_URL", "not a url", "URL de base de datos válida"),
        ("CUMPLE_BASE_URL", "ftp://x", "http://"),
    ],
)
def test_invalid_values_get_a_spanish_message(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert fragment in str(info.value)
    assert str(info.value).startswith("Configuración inválida")


def test_unknown_toml_key_and_broken_toml(clean_env: Path) -> None:
    (clean_env / "cumple.toml").write_text('databse_url = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="opción desconocida"):
        load_settings()
    (clean_env / "cumple.toml").write_text("database_url = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no es TOML válido"):
        load_settings()


def test_secrets_are_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUMPLE_SMTP_PASSWORD", "hunter2-secreto")
    monkeypatch.setenv("CUMPLE_SECRET_KEY", "clave-super-secreta")
    monkeypatch.setenv("CUMPLE_DATABASE_URL", "postgresql+psycopg://app:pgsecreto@db/cumple")
    settings = load_settings()
    shown = repr(settings) + str(settings) + settings.safe_database_url()
    for secret in ("hunter2-secreto", "clave-super-secreta", "pgsecreto"):
        assert secret not in shown
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "hunter2-secreto"
    # A failing setting beside a secret does not echo the secret.
    monkeypatch.setenv("CUMPLE_SMTP_PORT", "hunter2-secreto")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "hunter2-secreto" not in str(info.value)


def test_secret_key_is_generated_once(clean_env: Path) -> None:
    settings = load_settings(data_dir=clean_env / "data")
    first = settings.resolved_secret_key()
    assert len(first) >= 48
    assert (clean_env / "data" / "secret.key").stat().st_mode & 0o077 == 0
    assert load_settings(data_dir=clean_env / "data").resolved_secret_key() == first


def test_loading_settings_touches_nothing(clean_env: Path) -> None:
    load_settings()
    assert list(clean_env.iterdir()) == []


def test_a_data_folder_alone_holds_the_database_too(tmp_path: Path) -> None:
    """Given only ``--data-dir``, nothing is created in ./var of the working
    directory; an explicit database URL still wins."""
    folder = tmp_path / "datos"
    assert load_settings(data_dir=folder).database_url == f"sqlite:///{folder / 'cumple.db'}"
    explicit = load_settings(data_dir=folder, database_url="sqlite:///otra.db")
    assert explicit.database_url == "sqlite:///otra.db"

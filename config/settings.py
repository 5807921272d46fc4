"""The application's settings: one pydantic-settings object.

Precedence, highest first: command-line options (passed to
:func:`load_settings` as keyword arguments) > ``CUMPLE_*`` environment
variables > ``cumple.toml`` in the working directory > defaults.

Nothing is read at import time: callers build a :class:`Settings` with
:func:`load_settings` when they need one.
"""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

CONFIG_FILE = "cumple.toml"
ENV_PREFIX = "CUMPLE_"


class ConfigError(Exception):
    """Invalid configuration; the message is Spanish and names the setting."""


class Settings(BaseSettings):
    """Every setting of cumple. Secrets are ``SecretStr`` and never printed."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        toml_file=CONFIG_FILE,
        extra="forbid",
        validate_default=True,
    )

    database_url: str = "sqlite:///./var/cumple.db"
    data_dir: Path = Path("./var")
    timezone: str = "America/Santiago"
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    mail_from: str = "Seguimiento de Compromisos <no-responder@localhost>"
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr | None = None
    orchestration: Literal["auto", "direct", "prefect"] = "auto"
    cycle_time: str = "07:00"
    smtp_concurrency: int = Field(default=4, ge=1, le=32)
    report_sender: str = "Coordinación Regional de Seguimiento de Compromisos"
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError:
            raise ValueError(
                "no es una URL de SQLAlchemy válida (ejemplo: sqlite:///./var/cumple.db "
                "o postgresql+psycopg://usuario@127.0.0.1:5432/cumple)"
            ) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("no es una zona horaria IANA (ejemplo: America/Santiago)") from None
        return value

    @field_validator("cycle_time")
    @classmethod
    def _valid_cycle_time(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and len(minute) == 2):
            raise ValueError("debe tener la forma HH:MM (ejemplo: 07:00)")
        # Between 01:00 and 23:00 local time a daily job neither skips nor
        # runs twice on the days America/Santiago changes its clocks.
        if not (1 <= int(hour) <= 22 and int(minute) < 60):
            raise ValueError("debe estar entre 01:00 y 22:59 (hora local)")
        return f"{int(hour):02d}:{minute}"

    @field_validator("base_url")
    @classmethod
    def _valid_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("debe comenzar con http:// o https://")
        return value.rstrip("/")

    def __repr_args__(self) -> Any:
        # A database URL may carry a password: show it masked.
        for name, value in super().__repr_args__():
            yield name, (self.safe_database_url() if name == "database_url" else value)

    @property
    def zone(self) -> ZoneInfo:
        """The local time zone of every schedule and of "today"."""
        return ZoneInfo(self.timezone)

    @property
    def mail_dir(self) -> Path:
        """Where the local SMTP sink stores one ``.eml`` per message."""
        return self.data_dir / "mail"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def evidence_dir(self) -> Path:
        """Evidence files, stored by their SHA-256 (never overwritten)."""
        return self.data_dir / "evidencias"

    def safe_database_url(self) -> str:
        """The database URL with any password masked, for messages and logs."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    def resolved_secret_key(self) -> str:
        """The signing key: the configured one, or one generated once into
        ``DATA_DIR/secret.key`` (readable by the owner only)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret.key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key + "\n", encoding="utf-8")
        return key


def _describe(error: dict[str, Any]) -> str:
    field = ".".join(str(part) for part in error.get("loc", ())) or "configuración"
    variable = ENV_PREFIX + field.upper()
    message = error.get("msg", "valor inválido")
    message = message.removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        return f"{field}: opción desconocida en {CONFIG_FILE}"
    if error.get("type") == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"valor no permitido; use uno de {expected}"
    elif error.get("type", "").startswith(("int_", "greater_", "less_")):
        message = "debe ser un número entero válido (puerto entre 1 y 65535)"
    # The offending value is not echoed: it may be a secret.
    return f"{field} ({variable}): {message}"


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; ``overrides`` are command-line options (``None``
    means "not given"). Raises :class:`ConfigError` with a Spanish message."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"Configuración inválida: {problems}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"El archivo {CONFIG_FILE} no es TOML válido: {exc}.") from None

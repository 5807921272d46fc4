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
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
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


SUPPORTED_DATABASES = "sqlite:///ruta/cumple.db o postgresql://usuario@servidor:5432/base"


def normalise_database_url(value: str) -> str:
    """``value`` as the URL the installed drivers open: ``postgres://`` and
    ``postgresql://`` (any driver) become ``postgresql+psycopg://``;
    SQLite stays as it is. Raises ``ValueError`` (Spanish) for anything that
    is not a URL or names a database cumple does not support."""
    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(
            f"no es una URL de base de datos válida (ejemplo: {SUPPORTED_DATABASES})"
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return url.render_as_string(hide_password=False)
    raise ValueError(
        f"la base de datos «{backend}» no está soportada; use SQLite o PostgreSQL "
        f"(ejemplo: {SUPPORTED_DATABASES})"
    )


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
    reply_to: str | None = None
    """Where gerentes and directors reply (the coordination's address);
    unset means the address of ``mail_from``. Responsables reply to their
    territory's gerente."""
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr | None = None
    orchestration: Literal["auto", "direct", "prefect"] = "auto"
    cycle_time: str = "07:00"
    smtp_concurrency: int = Field(default=4, ge=1, le=32)
    smtp_rate_per_minute: int | None = Field(default=None, ge=1)
    """Most messages handed to the SMTP server in any minute (the relay's
    own cap, e.g. 30 for Microsoft 365); unset means no cap."""
    smtp_daily_quota: int | None = Field(default=None, ge=1)
    """Most messages handed to the server per local day (``timezone``);
    what does not fit waits, queued, for the next day. Unset: no quota."""
    report_sender: str = "Coordinación Regional de Seguimiento de Compromisos"
    log_format: Literal["auto", "json", "text"] = "auto"
    """``auto``: short Spanish lines on a terminal, JSON otherwise."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Limits on what users send (README, "Seguridad"). A file or request over
    # one of them is refused with a message that names the limit.
    import_max_rows: int = Field(default=200_000, ge=1)
    import_max_columns: int = Field(default=100, ge=1)
    import_max_mb: int = Field(default=100, ge=1)
    """Uncompressed size of a workbook, or size of a CSV, in MB."""
    import_max_line_kb: int = Field(default=64, ge=1)
    """Longest CSV line, and longest text of one workbook cell, in KB."""
    max_request_mb: int = Field(default=50, ge=1)
    """Largest request body the web accepts, refused before it is read."""
    preview_minutes: int = Field(default=60, ge=1)
    """How long an unconfirmed import preview is kept before it is removed."""
    feed_days: int = Field(default=365, ge=1)
    """How long a calendar feed link works before a new one is needed."""
    login_attempts: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    login_concurrency: int = Field(default=2, ge=1, le=64)
    """Password checks (argon2, ~100 MB each) running at once per process."""
    trusted_proxies: str = ""
    """Comma-separated addresses or networks of reverse proxies whose
    ``X-Forwarded-For`` is believed (e.g. ``127.0.0.1,10.0.0.0/8``)."""

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
        return normalise_database_url(value)

    @model_validator(mode="after")
    def _database_in_data_dir(self) -> Settings:
        # Given only a data folder, everything lives in it, the database too
        # (nothing is left in ./var of the working directory).
        if "database_url" not in self.model_fields_set and "data_dir" in self.model_fields_set:
            self.database_url = f"sqlite:///{self.data_dir / 'cumple.db'}"
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: str) -> str:
        for part in filter(None, (item.strip() for item in value.split(","))):
            try:
                ip_network(part, strict=False)
            except ValueError:
                raise ValueError(
                    f"«{part}» no es una dirección o red IP (ejemplo: 127.0.0.1,10.0.0.0/8)"
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
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The networks of :attr:`trusted_proxies`, parsed."""
        parts = (item.strip() for item in self.trusted_proxies.split(","))
        return tuple(ip_network(part, strict=False) for part in parts if part)

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

    def prepare_data_dir(self) -> Path:
        """Create ``DATA_DIR`` readable by its owner only (0700), or close an
        existing one to others; it holds the database, mail with valid links,
        evidence, packages and backups."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        return self.data_dir

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
        message = "debe ser un número entero válido" + (
            " (puerto entre 1 y 65535)" if field == "smtp_port" else ""
        )
        if error.get("type") == "greater_than_equal" and field != "smtp_port":
            message += f" (mínimo {error.get('ctx', {}).get('ge')})"
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

"""``cumple users``: accounts for the web application, their API tokens,
and ending access (disabling an account, revoking tokens)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlmodel import Session

from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime
from config.i18n import plural
from tracking.accounts import add_user

app = typer.Typer(help="Usuarios de la aplicación web.", no_args_is_help=True)


@app.command("add")
def add_command(
    email: Annotated[
        str, typer.Argument(help="Correo con que la persona inicia sesión.", metavar="CORREO")
    ],
    role: Annotated[str, typer.Option("--role", help="admin, gerente o gore.")],
    territory: Annotated[
        list[str] | None,
        typer.Option("--territory", help="Territorio de un gerente (repetible)."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Región de un usuario gore.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Lee la contraseña de la entrada estándar.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option("--update", help="Cambia el rol o el alcance de un usuario existente."),
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Crea un usuario, o cambia la contraseña de uno existente (y con --update, su rol y
    alcance); una contraseña nueva cierra todas sus sesiones."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt("Contraseña", hide_input=True, confirmation_prompt=True)
    else:
        raise UserError("Indique la contraseña con --password-stdin.")
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        user = add_user(
            session,
            email=email,
            password=password,
            role=role,
            territories=territory or [],
            region=region,
            update=update,
        )
        session.commit()
        typer.echo(f"Usuario {user.email} ({user.role}) listo.")


@app.command("token")
def token_command(
    email: Annotated[str, typer.Argument(help="Usuario dueño del token.", metavar="CORREO")],
    name: Annotated[str, typer.Option("--name", help="Para qué sistema es el token.")] = "api",
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Crea un token para la API (/api/...); se muestra una sola vez."""
    from tracking.accounts import new_api_token

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        token = new_api_token(session, email, name)
        session.commit()
    typer.echo(token)


@app.command("disable")
def disable_command(
    email: Annotated[
        str, typer.Argument(help="Usuario que deja de tener acceso.", metavar="CORREO")
    ],
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Desactiva un usuario de inmediato: cierra sus sesiones, anula sus enlaces de
    calendario y revoca sus tokens de la API."""
    from tracking.accounts import disable_user

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        revoked = disable_user(session, email)
        session.commit()
    typer.echo(
        f"Usuario {email.strip().lower()} desactivado: sesiones cerradas, enlaces de "
        f"calendario anulados y {plural(revoked, '{n} token revocado', '{n} tokens revocados')}."
    )


@app.command("tokens")
def tokens_command(
    email: Annotated[str, typer.Argument(help="Usuario dueño de los tokens.", metavar="CORREO")],
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Lista los tokens de la API de un usuario (nombre, creación, estado); nunca el token."""
    from tracking.accounts import list_tokens

    runtime = open_runtime(database_url, data_dir)
    zone = runtime.settings.zone
    with Session(runtime.engine) as session:
        tokens = list_tokens(session, email)
    if not tokens:
        typer.echo(f"{email.strip().lower()} no tiene tokens.")
    for token in tokens:
        created = token.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        state = (
            f"revocado el {token.revoked_at.astimezone(zone):%Y-%m-%d %H:%M}"
            if token.revoked_at
            else "activo"
        )
        typer.echo(f"{token.name}\tcreado el {created}\t{state}")


@app.command("revoke")
def revoke_command(
    email: Annotated[str, typer.Argument(help="Usuario dueño de los tokens.", metavar="CORREO")],
    name: Annotated[
        str | None, typer.Option("--name", help="Solo el token con este nombre (si no, todos).")
    ] = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Revoca un token de la API de un usuario (--name) o todos los suyos."""
    from tracking.accounts import revoke_tokens

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        revoked = revoke_tokens(session, email, name)
        session.commit()
    typer.echo(plural(revoked, "{n} token revocado.", "{n} tokens revocados."))

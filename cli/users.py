"""``cumple users add``: accounts for the web application."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlmodel import Session

from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime
from tracking.accounts import add_user

app = typer.Typer(help="Usuarios de la aplicación web.", no_args_is_help=True)


@app.command("add")
def add_command(
    email: Annotated[str, typer.Argument(help="Correo con que la persona inicia sesión.")],
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
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Crea un usuario (o cambia la contraseña, el rol y el alcance de uno existente)."""
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
        )
        session.commit()
        typer.echo(f"Usuario {user.email} ({user.role}) listo.")


@app.command("token")
def token_command(
    email: Annotated[str, typer.Argument(help="Usuario dueño del token.")],
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

"""The command line's own words in Spanish: the help pages (usage line,
section titles, the help option, defaults and required marks) and the usage
errors Click raises (unknown command or option, a missing or invalid
argument), translated from the exceptions' classes and attributes.

Typer renders help with Click's plain formatter here (``rich_markup_mode``
is ``None``); :func:`install` replaces that formatter once, when the
application is created, and also sets Typer's Rich strings in case Rich
help is ever turned on."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from difflib import get_close_matches
from typing import Any

from typer import _click as click
from typer._click.exceptions import (
    BadArgumentUsage,
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)

from config.i18n import number, plural

HELP_TEXT = "Muestra esta ayuda y termina."
SECTIONS = {"Arguments": "Argumentos", "Options": "Opciones", "Commands": "Comandos"}
USAGE_PIECES = {"[OPTIONS]": "[OPCIONES]", "COMMAND [ARGS]...": "COMANDO [ARGUMENTOS]..."}
TYPE_NAMES = {
    "str": "TEXTO",
    "int": "ENTERO",
    "int range": "ENTERO",
    "path": "RUTA",
    "list[str]": "TEXTO",
    "list[path]": "RUTA",
}
_TYPE = re.compile(r"<([^<>]+)>")
_REQUIRED_ARGUMENT = re.compile(r"\{([^{}]+)\}")
_EXTRA = re.compile(r"\[([^\[\]]*)\]\s*$")
_RANGE = re.compile(r"^(-?\d+)<=x<=(-?\d+)$")


def _extra_part(part: str) -> str:
    if part == "required":
        return "obligatorio"
    if part.startswith("default: "):
        return "por defecto: " + part.removeprefix("default: ")
    if part.startswith("env var: "):
        return "variable de entorno: " + part.removeprefix("env var: ")
    bounds = _RANGE.match(part)
    if bounds:
        return f"de {number(int(bounds[1]))} a {number(int(bounds[2]))}"
    return part


def help_text(text: str) -> str:
    """An option's or argument's help with Click's bracketed notes
    (``[default: table; required]``) in Spanish."""
    if text.strip() == "Show this message and exit.":
        return HELP_TEXT
    extra = _EXTRA.search(text)
    if extra is None:
        return text
    parts = "; ".join(_extra_part(part) for part in extra[1].split("; "))
    return f"{text[: extra.start()]}[{parts}]"


def term_text(term: str) -> str:
    """``--on <str>`` → ``--on TEXTO``: type names a person understands."""
    return _TYPE.sub(lambda found: TYPE_NAMES.get(found[1].lower(), found[1]), term)


def usage_text(args: str) -> str:
    for english, spanish in USAGE_PIECES.items():
        args = args.replace(english, spanish)
    return _REQUIRED_ARGUMENT.sub(lambda found: found[1].upper(), args)


class SpanishHelpFormatter(click.HelpFormatter):
    """Click's help formatter with its fixed English words in Spanish."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, usage_text(args), "Uso: " if prefix is None else prefix)

    def section(self, name: str) -> AbstractContextManager[None]:
        return super().section(SECTIONS.get(name, name))

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        translated = [(term_text(term), help_text(text)) for term, text in rows]
        super().write_dl(translated, col_max, col_spacing)


def install() -> None:
    """Spanish help pages and messages for every command (once, at start)."""
    click.Context.formatter_class = SpanishHelpFormatter
    from typer import rich_utils

    rich_utils.DEPRECATED_STRING = "(obsoleto) "
    rich_utils.DEFAULT_STRING = "[por defecto: {}]"
    rich_utils.ENVVAR_STRING = "[variable de entorno: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[obligatorio]"
    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumentos"
    rich_utils.OPTIONS_PANEL_TITLE = "Opciones"
    rich_utils.COMMANDS_PANEL_TITLE = "Comandos"
    rich_utils.ERRORS_PANEL_TITLE = "Error"
    rich_utils.ABORTED_TEXT = "Interrumpido."
    rich_utils.RICH_HELP = "Vea la ayuda con [blue]«{command_path} {help_option}»[/]."


def _quoted(names: Iterable[str]) -> str:
    items = [f"«{name}»" for name in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " o " + items[-1]


def _suggestion(candidates: Iterable[str]) -> str:
    found = sorted(set(candidates))
    return f" ¿Quiso decir {_quoted(found)}?" if found else ""


def _param_name(param: Any) -> str:
    """``--format`` for an option, ``ID`` for an argument."""
    if getattr(param, "param_type_name", "") == "option" and param.opts:
        return str(max(param.opts, key=len))
    return str(param.metavar or param.name or "").upper()


def _param_label(param: Any) -> str:
    kind = "la opción" if getattr(param, "param_type_name", "") == "option" else "el argumento"
    return f"{kind} «{_param_name(param)}»"


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not getattr(descriptor, "is_choice", False):
        return []
    return [str(getattr(choice, "value", choice)) for choice in descriptor.choices or ()]


def _why(exc: BadParameter) -> str:
    """What was wrong with the value, from the validation error behind it."""
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if not errors:
        return "el valor no es válido"
    error = errors[0]
    value = error.get("input")
    shown = f"«{value}»" if isinstance(value, str) else "el valor"
    kind = str(error.get("type", ""))
    limits = error.get("ctx", {})
    choices = _choices(exc.param)
    if choices:
        return f"{shown} no es una de las opciones: {', '.join(choices)}"
    if kind == "int_parsing":
        return f"{shown} no es un número entero"
    if kind in ("greater_than_equal", "greater_than"):
        bound = limits.get("ge", limits.get("gt"))
        return f"{shown} es menor que el mínimo ({bound})"
    if kind in ("less_than_equal", "less_than"):
        bound = limits.get("le", limits.get("lt"))
        return f"{shown} es mayor que el máximo ({number(int(bound))})"
    if kind == "bool_parsing":
        return f"{shown} no es sí ni no"
    return f"{shown} no es un valor válido"


def _group_commands(ctx: click.Context | None) -> list[str]:
    commands = getattr(ctx.command, "commands", None) if ctx is not None else None
    return sorted(commands) if isinstance(commands, dict) else []


def _no_such_command(exc: UsageError) -> str | None:
    found = re.match(r"No such command (.+?)\.(?: Did you mean .*)?$", exc.message)
    if found is None:
        return None
    try:
        name = str(ast.literal_eval(found[1]))
    except (ValueError, SyntaxError):
        name = found[1]
    commands = _group_commands(exc.ctx)
    return f"No existe el comando «{name}».{_suggestion(get_close_matches(name, commands))}"


def _extra_arguments(exc: UsageError) -> str | None:
    found = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", exc.message)
    if found is None:
        return None
    extra = found[1].split()
    return plural(
        len(extra),
        "Sobra un argumento: {extra}.",
        "Sobran {n} argumentos: {extra}.",
    ).replace("{extra}", " ".join(extra))


def usage_message(exc: UsageError) -> str:
    """The Spanish sentence for a usage error."""
    if isinstance(exc, NoSuchOption):
        return f"No existe la opción «{exc.option_name}».{_suggestion(exc.possibilities or ())}"
    if isinstance(exc, BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"La opción «{exc.option_name}» no lleva valor."
        return f"La opción «{exc.option_name}» necesita un valor."
    if isinstance(exc, MissingParameter):
        return f"Falta {_param_label(exc.param)}." if exc.param else "Falta un parámetro."
    if isinstance(exc, BadParameter):
        if exc.param is None:
            return "Valor no válido."
        return f"Valor no válido para {_param_label(exc.param)}: {_why(exc)}."
    if isinstance(exc, BadArgumentUsage):
        return "Uso incorrecto de un argumento."
    if exc.message == "Missing command.":
        commands = _group_commands(exc.ctx)
        return "Falta el comando" + (f"; use uno de: {', '.join(commands)}." if commands else ".")
    return _no_such_command(exc) or _extra_arguments(exc) or f"Uso incorrecto: {exc.message}"


def usage_error(exc: UsageError) -> str:
    """What the user reads on standard error for ``exc``: the help page when
    a group was called without a command, otherwise the message, the usage
    line and where to find help."""
    if isinstance(exc, NoArgsIsHelpError):
        return exc.ctx.get_help()
    lines = [f"Error: {usage_message(exc)}"]
    if exc.ctx is not None:
        lines.append(exc.ctx.get_usage())
        if exc.ctx.command.get_help_option(exc.ctx) is not None:
            lines.append(f"Ayuda: {exc.ctx.command_path} {exc.ctx.help_option_names[0]}")
    return "\n".join(lines)


__all__ = ["HELP_TEXT", "SpanishHelpFormatter", "install", "usage_error"]

"""``cumple commitments list|show|update``."""

from __future__ import annotations

from typing import Annotated

import typer
from babel.dates import format_datetime
from rich.table import Table
from sqlmodel import Session

from cli.render import (
    FormatOption,
    OutputFormat,
    commitments_table,
    console,
    long_date,
    plain,
    print_csv,
    print_json,
    size_label,
)
from cli.runtime import (
    ActorOption,
    DatabaseUrlOption,
    DataDirOption,
    UserError,
    actor_name,
    open_runtime,
    option_date,
)
from config.i18n import plural
from models.commitments import STATUS_LABELS
from models.money import AmountError, format_clp, parse_clp
from tracking.history import event_value, field_label
from tracking.queries import CommitmentView, Filters, get_commitment, list_commitments
from tracking.updates import Change, apply_change, decide

app = typer.Typer(help="Consultar y actualizar compromisos.", no_args_is_help=True)

OnOption = Annotated[
    str | None,
    typer.Option("--on", help="Fecha AAAA-MM-DD (por defecto, hoy).", show_default=False),
]


@app.command("list")
def list_command(
    region: Annotated[
        str | None, typer.Option("--region", help="Nombre, número o numeral.")
    ] = None,
    territory: Annotated[str | None, typer.Option("--territory", help="Territorio.")] = None,
    institution: Annotated[
        str | None, typer.Option("--institution", help="Institución (sigla, nombre o RUT).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="pendiente, por_vencer, vencido, informado, cumplido o cancelado.",
        ),
    ] = None,
    on: OnOption = None,
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Lista compromisos con su estado en una fecha (hoy por defecto)."""
    runtime = open_runtime(database_url, data_dir)
    day = option_date(on, "--on") or runtime.today()
    filters = Filters(region=region, territory=territory, institution=institution, status=status)
    with Session(runtime.engine) as session:
        views = list_commitments(session, filters, day)
    records = [view.record() for view in views]
    if output is OutputFormat.JSON:
        print_json(records)
    elif output is OutputFormat.CSV:
        print_csv(records, list(CommitmentView.__dataclass_fields__))
    else:
        console().print(commitments_table(views))
        count = plural(len(views), "{n} compromiso", "{n} compromisos")
        typer.echo(f"{count} al {long_date(day)}.")


def comunas_words(view: CommitmentView) -> str:
    """``Ovalle ($10.000.000), Punitaqui ($5.000.000)``: where it lands and
    the pesos planned in each comuna."""
    if not view.comunas:
        return "sin comunas registradas"
    return ", ".join(
        comuna.nombre + (f" ({format_clp(comuna.monto)})" if comuna.monto is not None else "")
        for comuna in view.comunas
    )


@app.command("show")
def show_command(
    commitment_id: Annotated[
        int, typer.Argument(help="Número del compromiso.", metavar="ID", min=1, max=2**31 - 1)
    ],
    on: OnOption = None,
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Muestra un compromiso con su historial completo."""
    runtime = open_runtime(database_url, data_dir)
    day = option_date(on, "--on") or runtime.today()
    with Session(runtime.engine) as session:
        view, history = get_commitment(session, commitment_id, day)
    if output is OutputFormat.JSON:
        record = view.record()
        record["historial"] = [event.record() for event in history]
        print_json([record])
        return
    if output is OutputFormat.CSV:
        print_csv([event.record() for event in history], list(history[0].record()))
        return
    out = console()
    out.print(f"[bold]Compromiso N° {view.id}[/bold] — {STATUS_LABELS[view.estado]}")
    acta = f"{view.acta_instancia}"
    if view.acta_numero:
        acta += f" N° {view.acta_numero}"
    acta += f" ({view.acta_tipo}) del {long_date(view.acta_fecha)}"
    rows = [
        ("Región", view.region),
        ("Territorio", view.territorio),
        ("Comunas", comunas_words(view)),
        ("Acta", acta),
        (
            "Institución",
            view.institucion + (f" (RUT {view.institucion_rut})" if view.institucion_rut else ""),
        ),
        ("Responsable", f"{view.responsable or ''} <{view.responsable_email}>".strip()),
        ("Compromiso", view.compromiso),
        ("Monto comprometido", format_clp(view.monto)),
        ("Monto ejecutado", format_clp(view.monto_ejecutado)),
        ("Fuente", view.fuente or "—"),
        ("Plazo acordado", long_date(view.plazo)),
    ]
    if view.plazo_original != view.plazo or view.plazo_texto != view.plazo_original.isoformat():
        rows.append(("Plazo en el acta", f"{view.plazo_texto} ({long_date(view.plazo_original)})"))
    if view.vencimiento != view.plazo:
        rows.append(
            ("Vencimiento efectivo", f"{long_date(view.vencimiento)} (día hábil siguiente)")
        )
    if view.informado_el:
        rows.append(("Informado el", long_date(view.informado_el)))
    if view.cumplido_el:
        rows.append(("Cumplido el", long_date(view.cumplido_el)))
    if view.verificado_el:
        rows.append(("Verificado", f"el {long_date(view.verificado_el)} por {view.verificado_por}"))
    if view.cancelado_el:
        rows.append(("Cancelado el", long_date(view.cancelado_el)))
    if view.sobre_ejecucion:
        rows.append(("Aviso", "sobre-ejecución: el monto ejecutado supera el comprometido"))
    for evidence in view.evidencias:
        detail = (
            f"{evidence.referencia}"
            if evidence.referencia
            else f"{evidence.nombre} ({size_label(evidence.bytes)}, sha256 {evidence.sha256})"
        )
        origin = " — del acta" if evidence.del_acta else ""
        rows.append(("Evidencia", f"{detail}{origin}, {long_date(evidence.agregado_el)}"))
    details = Table(show_header=False, box=None, padding=(0, 1))
    details.add_column(style="bold")
    details.add_column()
    for label, value in rows:
        details.add_row(label, plain(value))
    out.print(details)
    table = Table(title="Historial", header_style="bold")
    for column in (
        "Registrado",
        "Fecha del hecho",
        "Autor",
        "Cambio",
        "Anterior",
        "Nuevo",
        "Motivo",
    ):
        table.add_column(column)
    table.add_column("Rectifica")
    zone = runtime.settings.zone
    for event in history:
        table.add_row(
            format_datetime(event.recorded_at, "dd-MM-yyyy HH:mm", tzinfo=zone, locale="es_CL"),
            long_date(event.effective_on),
            plain(event.actor),
            field_label(event.field),
            plain(event_value(event, event.old_value)),
            plain(event_value(event, event.new_value)),
            plain(event.reason or ""),
            plain(event.rectifies or ""),
        )
    out.print(table)


@app.command("update")
def update_command(
    commitment_id: Annotated[
        int, typer.Argument(help="Número del compromiso.", metavar="ID", min=1, max=2**31 - 1)
    ],
    status: Annotated[
        str | None, typer.Option("--status", help="pendiente, cumplido o cancelado.")
    ] = None,
    executed_amount: Annotated[
        str | None,
        typer.Option(
            "--executed-amount", help="Monto ejecutado en pesos (15000000 o $15.000.000)."
        ),
    ] = None,
    due_date: Annotated[
        str | None, typer.Option("--due-date", help="Nuevo plazo acordado (requiere --reason).")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Motivo del cambio.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Nota para el historial.")] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Fecha en que ocurrió el hecho, si no fue hoy (AAAA-MM-DD)."),
    ] = None,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Registra un cambio; queda en el historial con quién, cuándo y qué."""
    runtime = open_runtime(database_url, data_dir)
    amount = None
    if executed_amount is not None:
        try:
            amount = parse_clp(executed_amount)
        except AmountError as exc:
            raise UserError(f"--executed-amount: {exc}.") from None
        if amount is None:
            raise UserError("--executed-amount: indique un monto en pesos.")
    change = Change(
        status=status,
        executed_amount=amount,
        due_date=option_date(due_date, "--due-date"),
        reason=reason,
        note=note,
        on=option_date(on, "--on"),
    )
    today = runtime.today()
    with Session(runtime.engine) as session:
        plan = apply_change(session, commitment_id, change, actor_name(by), today)
        session.commit()
    changed = ", ".join(field_label(entry.field).lower() for entry in plan.entries)
    typer.echo(
        f"Compromiso N° {commitment_id} actualizado ({changed}), "
        f"con fecha {long_date(plan.effective_on)}."
    )


CommitmentId = Annotated[
    int, typer.Argument(help="Número del compromiso.", metavar="ID", min=1, max=2**31 - 1)
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Motivo (queda en el historial).")]


def _decide(
    commitment_id: int,
    decision: str,
    reason: str | None,
    by: str | None,
    database_url: str | None,
    data_dir: object,
) -> str:
    runtime = open_runtime(database_url, data_dir)  # type: ignore[arg-type]
    with Session(runtime.engine) as session:
        plan = decide(session, commitment_id, decision, actor_name(by), runtime.today(), reason)
        session.commit()
    return long_date(plan.effective_on)


@app.command("verify")
def verify_command(
    commitment_id: CommitmentId,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Verifica un cumplimiento informado: queda cumplido en la fecha informada."""
    day = _decide(commitment_id, "verify", None, by, database_url, data_dir)
    typer.echo(f"Compromiso N° {commitment_id} verificado el {day}: queda cumplido.")


@app.command("return")
def return_command(
    commitment_id: CommitmentId,
    reason: ReasonOption,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Devuelve un cumplimiento informado al responsable, con el motivo."""
    day = _decide(commitment_id, "return", reason, by, database_url, data_dir)
    typer.echo(
        f"Compromiso N° {commitment_id} devuelto el {day}: vuelve a estar abierto y el "
        "responsable verá el motivo en su próximo resumen."
    )


@app.command("reopen")
def reopen_command(
    commitment_id: CommitmentId,
    reason: ReasonOption,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Reabre un compromiso cumplido o cancelado, con el motivo."""
    day = _decide(commitment_id, "reopen", reason, by, database_url, data_dir)
    typer.echo(f"Compromiso N° {commitment_id} reabierto el {day}.")

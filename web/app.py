"""App factory. ``cumple serve`` runs this app and the embedded scheduler in
one process; the scheduler starts and stops with the app."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from config import Settings
from models.db import make_engine

log = logging.getLogger("cumple.web")


def create_app(settings: Settings, *, with_scheduler: bool = True) -> FastAPI:
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = None
        if with_scheduler:
            from flows.jobs import daily_cycle_job
            from flows.scheduler import build_scheduler, missed_today

            scheduler = build_scheduler(settings)
            scheduler.start()
            app.state.scheduler = scheduler
            if missed_today(engine, settings):
                log.info("ciclo de hoy no ejecutado: se ejecuta ahora")
                threading.Thread(target=daily_cycle_job, name="catch-up", daemon=True).start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            engine.dispose()

    app = FastAPI(title="cumple", lifespan=lifespan)

    @app.get("/health")
    def health() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not healthy"
            return JSONResponse({"estado": "sin base de datos"}, status_code=503)
        return JSONResponse({"estado": "ok"})

    return app

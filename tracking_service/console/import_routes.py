"""``/console/import``: a CSV of parcels uploaded, checked whole, then registered chunk by chunk with a
progress bar (the page's script asks for the next chunk; without JavaScript a "continue" button does)."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web

from tracking_service.console.common import Agent, check_csrf, post_form, render, require_agent
from tracking_service.console.csv_import import COLUMNS, MAX_BYTES, MAX_ROWS, FileRefused, parse
from tracking_service.console.import_jobs import CHUNK_ROWS, IMPORT_JOBS, ImportJob, import_next_chunk
from tracking_service.services import Services, services
from tracking_service.usecases.console import agent_shops

routes = web.RouteTableDef()
IMPORT_COLUMNS = ("order_id", "tracking_number", "carrier", "buyer_name", "buyer_phone", "buyer_email")


async def _import_tenants(svc: Services, agent: Agent) -> list[str]:
    """The shops an import may go to: the key's (all of them for an admin key)."""
    return sorted(await agent_shops(svc, agent.principal))


def _render_import(request: web.Request, agent: Agent, status: int = 200, **context: Any) -> web.Response:
    return render(
        request,
        "import.html",
        agent,
        status,
        page="import",
        columns=IMPORT_COLUMNS,
        max_rows=MAX_ROWS,
        chunk=CHUNK_ROWS,
        aliases=COLUMNS,
        **context,
    )


@routes.get("/console/import")
async def import_page(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    return _render_import(request, agent, tenants=await _import_tenants(services(request), agent))


@routes.post("/console/import")
async def import_upload(request: web.Request) -> web.Response:
    """Parse and check the whole file, keep it for its session, and send the browser to its progress page."""
    agent = await require_agent(request)
    svc = services(request)
    tenants = await _import_tenants(svc, agent)
    if request.content_type != "multipart/form-data":
        return _render_import(
            request, agent, 400, error="请选择一个 CSV 文件 / choose a CSV file to upload", tenants=tenants
        )
    form, data = await _upload(request)
    check_csrf(form.get("csrf", ""), agent.csrf)
    tenant = tenants[0] if len(tenants) == 1 else form.get("tenant")
    try:
        if not data:
            raise FileRefused("请选择一个 CSV 文件 / choose a CSV file to upload (the file is empty)")
        if tenant not in tenants:
            raise FileRefused("请选择店铺 / choose the shop to import into")
        items = parse(data, tenant)
    except FileRefused as refused:
        status = 413 if data is not None and len(data) > MAX_BYTES else 400
        return _render_import(request, agent, status, error=str(refused), tenants=tenants)
    job = request.app[IMPORT_JOBS].add(agent.csrf, items, svc.clock.now())
    raise web.HTTPSeeOther(f"/console/import/{job.id}")


async def _upload(request: web.Request) -> tuple[dict[str, str], bytes | None]:
    """The form's small fields and the file's bytes (read no further than one byte past ``MAX_BYTES``)."""
    fields: dict[str, str] = {}
    data: bytes | None = None
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.name != "file":
            fields[part.name] = (await part.read_chunk(1024)).decode("utf-8", "replace")
            continue
        buffer = bytearray()
        while len(buffer) <= MAX_BYTES and (chunk := await part.read_chunk(65536)):
            buffer += chunk
        data = bytes(buffer)
        if len(buffer) > MAX_BYTES:
            break
    return fields, data


def _job(request: web.Request, csrf: str) -> ImportJob:
    job = request.app[IMPORT_JOBS].get(csrf, request.match_info["job"], services(request).clock.now())
    if job is None:
        raise web.HTTPNotFound(text="no such import (imports are kept 30 minutes); upload the file again")
    return job


@routes.get("/console/import/{job}")
async def import_job(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    job = _job(request, agent.csrf)
    return _render_import(request, agent, job=job, progress=job.progress(job.errors))


@routes.post("/console/import/{job}/next")
async def import_next(request: web.Request) -> web.Response:
    """Register the next chunk: JSON for the page's script (CSRF in ``X-CSRF-Token``), else (the "continue"
    button of a page without JavaScript) back to the progress page."""
    agent = await require_agent(request)
    scripted = "X-CSRF-Token" in request.headers
    if scripted:
        check_csrf(request.headers["X-CSRF-Token"], agent.csrf)
    else:
        await post_form(request, agent.csrf)
    job = _job(request, agent.csrf)
    errors = await import_next_chunk(services(request), agent.principal, job)
    if scripted:
        return web.json_response(job.progress(errors))
    raise web.HTTPSeeOther(f"/console/import/{job.id}")

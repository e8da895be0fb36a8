"""Admin pages: API keys (create shows the key once, list, revoke) and console users (list, add)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.apikeys import ALL_SCOPES
from bot.console.auth import InvalidUser, create_user, list_users
from bot.console.keys import InvalidApiKey, create_key, list_keys, revoke_key
from bot.console.models import ROLES
from bot.console.web import Admin, CsrfAdmin, now, redirect, render


def admin_router() -> APIRouter:
    """Routes under ``/console/admin``; every one needs the admin role (an SDR gets 403)."""
    router = APIRouter(prefix="/admin")

    async def keys_page(request: Request, *, new_key: str = "", error: str = "", status: int = 200) -> Response:
        async with request.app.state.sessionmaker() as session:
            keys = await list_keys(session)
        return render(request, "api_keys.html", status=status, keys=keys, scopes=ALL_SCOPES, new_key=new_key, error=error)

    @router.get("/api-keys")
    async def api_keys(request: Request, me: Admin) -> Response:
        return await keys_page(request)

    @router.post("/api-keys")
    async def create(request: Request, me: CsrfAdmin) -> Response:
        form = await request.form()
        async with request.app.state.sessionmaker() as session:
            try:
                _, key = await create_key(
                    session, name=str(form.get("name", "")), scopes=[str(s) for s in form.getlist("scopes")], now=now()
                )
            except InvalidApiKey as exc:
                return await keys_page(request, error=exc.message, status=422)
            await session.commit()
        return await keys_page(request, new_key=key, status=201)

    @router.post("/api-keys/{key_id}/revoke")
    async def revoke(request: Request, key_id: int, me: CsrfAdmin) -> Response:
        async with request.app.state.sessionmaker() as session:
            await revoke_key(session, key_id, now())
            await session.commit()
        return redirect("/console/admin/api-keys")

    async def users_page(request: Request, *, error: str = "", status: int = 200) -> Response:
        async with request.app.state.sessionmaker() as session:
            users = await list_users(session)
        return render(request, "users.html", status=status, users=users, roles=ROLES, error=error)

    @router.get("/users")
    async def users(request: Request, me: Admin) -> Response:
        return await users_page(request)

    @router.post("/users")
    async def add_user(request: Request, me: CsrfAdmin) -> Response:
        form = await request.form()
        async with request.app.state.sessionmaker() as session:
            try:
                await create_user(
                    session, email=str(form.get("email", "")), password=str(form.get("password", "")),
                    role=str(form.get("role", "")), now=now(),
                )
            except InvalidUser as exc:
                return await users_page(request, error=exc.message, status=422)
            await session.commit()
        return redirect("/console/admin/users")

    return router

"""Console access: sign-in, session cookies, CSRF on every form, rate limits, roles, logout, headers."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import httpx
from fastapi.routing import APIRoute

from bot.console.router import page_routers
from tests.console.conftest import PASSWORD, Site, add_user


def test_logged_out_user_is_sent_to_the_login_page(site: Site) -> None:
    with site.client() as client:
        for path in ("/console/", "/console/analytics", "/console/leads/nope", "/console/admin/api-keys"):
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/console/login?next=")
        assert client.get("/console/leads.csv").status_code == 303


def test_sign_in_sets_a_strict_session_cookie_and_returns_to_the_page(site: Site) -> None:
    add_user(site.settings, "dana@example.com")
    with site.client() as client:
        page = client.get("/console/login?next=/console/analytics")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        response = client.post(
            "/console/login",
            data={"email": "Dana@Example.com", "password": PASSWORD, "csrf_token": token, "next": "/console/analytics"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/console/analytics"
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("qb_console="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
        assert "Secure" not in cookie, "plain HTTP in auto mode: no Secure flag"
        assert client.get("/console/analytics").status_code == 200


def test_secure_flag_when_configured(make_site: Callable[..., Site]) -> None:
    site = make_site(secure_cookies="always")
    add_user(site.settings, "dana@example.com")
    with site.client() as client:
        page = client.get("/console/login")
        assert "Secure" in page.headers["set-cookie"]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        # The client keeps Secure cookies for HTTPS; send the form's cookie back by hand over loopback HTTP.
        response = client.post(
            "/console/login",
            data={"email": "dana@example.com", "password": PASSWORD, "csrf_token": token},
            headers={"Cookie": f"qb_login_csrf={token}"},
        )
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("qb_console="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_redirect_after_login_never_leaves_the_console(site: Site) -> None:
    add_user(site.settings, "dana@example.com")
    for target in ("https://evil.example/", "//evil.example/", "/api/leads"):
        with site.client() as client:
            page = client.get("/console/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            response = client.post(
                "/console/login", data={"email": "dana@example.com", "password": PASSWORD, "csrf_token": token, "next": target}
            )
            assert response.headers["location"] == "/console/"


def test_wrong_password_and_missing_csrf_are_refused(site: Site) -> None:
    add_user(site.settings, "dana@example.com")
    with site.client() as client:
        assert client.login("dana@example.com", "wrong password!").status_code == 401
        assert "do not match" in client.login("nobody@example.com").text
        client.get("/console/login")
        forged = client.post("/console/login", data={"email": "dana@example.com", "password": PASSWORD, "csrf_token": "x"})
        assert forged.status_code == 403
        assert "qb_console" not in client.cookies


def test_failed_logins_are_limited_per_account(make_site: Callable[..., Site]) -> None:
    site = make_site(console_login_limit_account="3 per 5 minutes")
    add_user(site.settings, "dana@example.com")
    with site.client() as client:
        for _ in range(3):
            assert client.login("dana@example.com", "guess guess guess").status_code == 401
        blocked = client.login("dana@example.com")  # even the right password waits
        assert blocked.status_code == 429
        assert "Too many failed sign-in attempts" in blocked.text
        assert int(blocked.headers["retry-after"]) > 0
        add_user(site.settings, "sam@example.com")
        assert client.login("sam@example.com").status_code == 303, "another account is not blocked"


def test_failed_logins_are_limited_per_address(make_site: Callable[..., Site]) -> None:
    site = make_site(console_login_limit_ip="4 per 5 minutes")
    add_user(site.settings, "dana@example.com")
    with site.client() as client:
        for n in range(4):
            assert client.login(f"user{n}@example.com", "guess guess guess").status_code == 401
        assert client.login("dana@example.com").status_code == 429


def test_every_console_form_checks_the_csrf_token(site: Site) -> None:
    routes = [
        "/console" + r.path for router in page_routers(site.settings) for r in router.routes
        if isinstance(r, APIRoute) and "POST" in r.methods and r.path != "/login"
    ]
    assert len(routes) >= 10
    with site.signed_in("admin@example.com", "admin") as client:
        for route in routes:
            path = re.sub(r"\{[^}]+\}", "1", route)
            for data in ({}, {"csrf_token": "not-the-token"}):
                response = client.post(path, data=data)
                assert response.status_code == 403, f"{path} without a valid CSRF token: {response.status_code}"
        assert client.get("/console/").status_code == 200, "still signed in: the forged logout did nothing"


def test_logout_ends_the_session(site: Site) -> None:
    with site.signed_in("dana@example.com") as client:
        cookie = client.cookies.get("qb_console")
        assert client.submit("/console/logout").headers["location"] == "/console/login"
        assert client.get("/console/").status_code == 303
    with httpx.Client(base_url=site.base_url, cookies={"qb_console": cookie}) as replay:
        assert replay.get("/console/").status_code == 303, "the old cookie is dead on the server too"


def test_an_sdr_cannot_open_admin_pages(site: Site) -> None:
    with site.signed_in("sam@example.com", "sdr") as sdr:
        for path in ("/console/admin/api-keys", "/console/admin/users"):
            response = sdr.get(path)
            assert response.status_code == 403 and "administrators" in response.text
        assert sdr.submit("/console/admin/users", {"email": "x@example.com", "password": "p" * 12, "role": "admin"}).status_code == 403
        assert "API keys" not in sdr.get("/console/").text, "no admin links for an SDR"
    with site.signed_in("ada@example.com", "admin") as admin:
        assert admin.get("/console/admin/users").status_code == 200
        assert "x@example.com" not in admin.get("/console/admin/users").text


def test_pages_carry_a_strict_csp_and_no_inline_script(site: Site) -> None:
    with site.signed_in("ada@example.com", "admin") as client:
        for path in ("/console/login", "/console/", "/console/live", "/console/analytics", "/console/admin/api-keys", "/console/admin/users"):
            response = client.get(path)
            csp = response.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
            assert response.headers["x-frame-options"] == "DENY"
            assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", response.text) == [], f"inline script on {path}"
            assert not re.search(r"\son[a-z]+\s*=", response.text), f"inline event handler on {path}"
            assert not re.search(r"\sstyle\s*=", response.text), f"inline style on {path} (blocked by the CSP)"


def test_admin_manages_api_keys(site: Site) -> None:
    with site.signed_in("ada@example.com", "admin") as admin:
        created = admin.submit("/console/admin/api-keys", {"name": "CRM sync", "scopes": ["leads:read"]})
        assert created.status_code == 201
        key = re.search(r'id="new-key" value="(qb_[^"]+)"', created.text).group(1)  # type: ignore[union-attr]
        listing = admin.get("/console/admin/api-keys").text
        assert key not in listing, "the key is shown once, never again"
        assert f"{key[:8]}…" in listing and "CRM sync" in listing
        with httpx.Client(base_url=site.base_url, headers={"Authorization": f"Bearer {key}"}) as api:
            assert api.get("/api/leads").status_code == 200
            assert api.post("/api/conversations/x/takeover", json={"agent": "A"}).status_code == 403, "scope leads:read only"
            key_id = re.search(r'/console/admin/api-keys/(\d+)/revoke', admin.get("/console/admin/api-keys").text).group(1)  # type: ignore[union-attr]
            assert admin.submit(f"/console/admin/api-keys/{key_id}/revoke").status_code == 303
            assert api.get("/api/leads").status_code == 401
        assert admin.submit("/console/admin/api-keys", {"name": "", "scopes": ["leads:read"]}).status_code == 422


def test_cli_adds_and_lists_users(site: Site) -> None:
    env = {"QUALBOT_DATABASE_URL": site.settings.database_url, "PATH": "/usr/bin:/bin"}

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "users", *args], input=stdin, text=True, capture_output=True, env=env, timeout=60)

    added = cli("add", "--email", "Rep@Example.com", "--role", "sdr", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert cli("add", "--email", "rep@example.com", "--role", "sdr", "--password-stdin", stdin=PASSWORD + "\n").returncode == 1
    assert cli("list").stdout.splitlines() == ["rep@example.com\tsdr"]
    with site.client() as client:
        assert client.login("rep@example.com").status_code == 303

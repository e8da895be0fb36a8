"""The REST API refuses requests without a valid bearer key, with a JSON error."""

from __future__ import annotations

import httpx
import pytest

from tests.support.server import LiveServer


def test_missing_and_wrong_keys_get_401_json(live_server: LiveServer) -> None:
    missing = httpx.get(f"{live_server.base_url}/api/leads")
    wrong = httpx.get(f"{live_server.base_url}/api/leads", headers={"Authorization": "Bearer qb_wrong"})
    basic = httpx.get(f"{live_server.base_url}/api/leads", headers={"Authorization": "Basic abc"})
    for response, code in ((missing, "missing_api_key"), (wrong, "invalid_api_key"), (basic, "missing_api_key")):
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["error"]["code"] == code
    with live_server.api() as api:
        assert api.get("/api/leads").status_code == 200
        unknown = api.get("/api/leads/doesnotexist")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "lead_not_found"


@pytest.mark.database
def test_generated_key_is_written_for_the_operator(tmp_path) -> None:
    server = LiveServer(tmp_path)
    del server.env["QUALBOT_API_KEY"]
    server.start()
    try:
        key_file = tmp_path / "api-key.txt"
        key = key_file.read_text().strip()
        assert key.startswith("qb_") and len(key) > 30
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        assert "cat " + str(key_file) in server.log() and key not in server.log()
        ok = httpx.get(f"{server.base_url}/api/leads", headers={"Authorization": f"Bearer {key}"})
        assert ok.status_code == 200
    finally:
        server.stop()

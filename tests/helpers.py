"""Helpers and constants shared by the test modules (fixtures live in conftest.py)."""

MANAGER_KEY = "test-key"


def assert_json_error(response, status, code=None):
    """The answer is our JSON error: ``{"error": code, "detail": "<text>"}``; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"error", "detail"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["error"] == code
    return body

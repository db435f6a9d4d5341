"""Manager API, access: keys, unknown paths, wrong methods and CSRF — every refusal is JSON."""

from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.utils.crypto import constant_time_compare

from supportportal import http
from tests.helpers import MANAGER_KEY as KEY
from tests.helpers import assert_json_error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client)


# --- keys -------------------------------------------------------------------------------------


ROUTES = [
    ("get", "/manager/tickets"),
    ("get", "/manager/tickets/{id}"),
    ("post", "/manager/tickets/{id}/comment"),
    ("post", "/manager/tickets/{id}/status"),
]


def _call(http, method, path):
    if method == "get":
        return http.get(path)
    return http.post(path, {"text": "Ответ", "status": "closed"}, content_type="application/json")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_missing_key_is_401_json(ticket, method, path):
    response = _call(HttpClient(), method, path.format(id=ticket.pk))

    assert_json_error(response, 401, "unauthorized")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_wrong_key_is_401_json_and_changes_nothing(ticket, method, path):
    wrong = HttpClient(headers={"X-Manager-Key": "test-kez"})  # same length, one letter off

    response = _call(wrong, method, path.format(id=ticket.pk))

    assert_json_error(response, 401, "unauthorized")
    ticket.refresh_from_db()
    assert ticket.status == "new" and not ticket.messages.exists()


@pytest.mark.parametrize("key", ["TEST-KEY", "test-key ", "test-ke", "test-key2", "тест-ключ"])
def test_a_key_that_is_almost_right_is_401(ticket, key):
    response = HttpClient(headers={"X-Manager-Key": key}).get("/manager/tickets")

    assert_json_error(response, 401, "unauthorized")


def test_the_key_is_not_accepted_as_a_query_parameter(ticket):
    response = HttpClient().get("/manager/tickets", {"X-Manager-Key": KEY, "key": KEY})

    assert_json_error(response, 401, "unauthorized")


@pytest.mark.parametrize("header", [None, "", " "])
def test_an_unset_server_key_refuses_everyone(settings, ticket, header):
    settings.MANAGER_API_KEY = ""
    headers = {} if header is None else {"X-Manager-Key": header}

    response = HttpClient(headers=headers).get("/manager/tickets")

    assert_json_error(response, 401, "unauthorized")


@pytest.mark.parametrize(("given", "status"), [(KEY, 200), ("test-kez", 401)])
def test_keys_are_compared_in_constant_time(ticket, given, status):
    with mock.patch.object(http, "constant_time_compare", wraps=constant_time_compare) as compare:
        response = HttpClient(headers={"X-Manager-Key": given}).get("/manager/tickets")

    assert response.status_code == status
    compare.assert_called_once_with(given, KEY)


def test_key_check_uses_djangos_constant_time_compare():
    assert http.constant_time_compare is constant_time_compare


# --- unknown things are JSON 404s -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/manager/tickets/{id}", "/manager/tickets/{id}/"])
def test_unknown_ticket_is_404_json(api, ticket, path):
    response = api.get(path.format(id=ticket.pk + 1000))

    assert_json_error(response, 404, "not_found")


@pytest.mark.parametrize("path", [
    "/manager/tickets/abc",
    "/manager/tickets/-1",
    "/manager/tickets/1.5",
    "/manager/tickets/1234567890123456789012",
    "/manager/tickets/1/comments",
    "/manager/tickets//",
    "/manager/nope",
    "/manager/",
    "/manager",
    "/integrations/anything",
    "/integrations/bitrix/unknown",
    "/integrations",
])
def test_unknown_paths_under_the_api_are_404_json(api, path):
    assert_json_error(api.get(path), 404, "not_found")


def test_unknown_paths_under_the_api_are_404_json_without_a_key_too():
    assert_json_error(HttpClient().post("/manager/nope"), 404, "not_found")


# --- 405 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("POST", "/manager/tickets", "GET"),
    ("DELETE", "/manager/tickets/", "GET"),
    ("PUT", "/manager/tickets/{id}", "GET"),
    ("DELETE", "/manager/tickets/{id}", "GET"),
    ("GET", "/manager/tickets/{id}/comment", "POST"),
    ("PUT", "/manager/tickets/{id}/comment/", "POST"),
    ("PATCH", "/manager/tickets/{id}/status", "POST"),
    ("GET", "/manager/tickets/{id}/status", "POST"),
    ("POST", "/manager/openapi.json", "GET"),
    ("DELETE", "/manager/openapi.json", "GET"),
])
def test_wrong_method_is_405_json_with_allow(api, ticket, method, path, allowed):
    response = api.generic(method, path.format(id=ticket.pk), "{}",
                           content_type="application/json")

    assert_json_error(response, 405, "method_not_allowed")
    assert allowed in response["Allow"]


# --- CSRF -------------------------------------------------------------------------------------


@pytest.fixture
def csrf_api():
    return HttpClient(enforce_csrf_checks=True, headers={"X-Manager-Key": KEY})


def test_api_posts_need_no_csrf_token(csrf_api, ticket):
    comment = csrf_api.post(f"/manager/tickets/{ticket.pk}/comment", {"text": "Смотрим."},
                            content_type="application/json")
    status = csrf_api.post(f"/manager/tickets/{ticket.pk}/status", {"status": "closed"},
                           content_type="application/json")

    assert (comment.status_code, status.status_code) == (201, 200)


def test_any_post_under_manager_answers_json_without_a_csrf_token(csrf_api):
    assert_json_error(csrf_api.post("/manager/openapi.json"), 405, "method_not_allowed")
    assert_json_error(csrf_api.post("/manager/nope"), 404, "not_found")
    assert_json_error(csrf_api.post("/integrations/nope"), 404, "not_found")


def test_client_pages_still_need_a_csrf_token(csrf_api):
    response = csrf_api.post("/login/", {"phone": "+79991234567"})

    assert response.status_code == 403

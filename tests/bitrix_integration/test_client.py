"""The HTTP client: request shape, every row of the error table, transport faults, batch."""

import socket
import time
from urllib.parse import parse_qsl

import pytest
import requests
import responses

from bitrix_integration.client import BitrixClient, BitrixError, build_query

from .helpers import WEBHOOK, ok, sent, url

# (error, description, HTTP status, expected flag): flag is retryable / config / permanent.
ERROR_TABLE = [
    ("QUERY_LIMIT_EXCEEDED", "Too many requests", 503, "retryable"),
    ("OVERLOAD_LIMIT", "REST API is blocked due to overload.", 503, "refusal"),
    ("PORTAL_DELETED", "Portal was deleted", 500, "refusal"),
    ("INTERNAL_SERVER_ERROR", "Internal server error", 500, "retryable"),
    ("ERROR_UNEXPECTED_ANSWER", "Server returned an unexpected response.", 500, "retryable"),
    ("INVALID_CREDENTIALS", "Invalid request credentials", 401, "refusal"),
    ("insufficient_scope", "The request requires higher privileges.", 401, "refusal"),
    ("NO_AUTH_FOUND", "Wrong authorization data", 401, "refusal"),
    ("ERROR_METHOD_NOT_FOUND", "Method not found!", 404, "config"),
    ("ACCESS_DENIED", "Access denied.", 403, "refusal"),
    ("invalid_credentials", "Invalid request credentials", 401, "refusal"),
    ("", "Access denied.", 400, "refusal"),
    ("", 'Поле "ИНН" обязательно для заполнения.', 400, "refusal"),
    ("", "Not found", 400, "permanent"),
    ("", "ID is not defined or invalid.", 400, "permanent"),
    ("NOT_FOUND", "Element not found.", 400, "permanent"),
    ("OWNER_NOT_FOUND", "Owner not found.", 400, "permanent"),
    ("INVALID_ARG_VALUE", "Empty comment.", 400, "permanent"),
]
FLAGS = ("retryable", "config", "refusal", "permanent")


@pytest.fixture
def client():
    return BitrixClient(WEBHOOK)


def _raised(client, method="crm.lead.get", params=None) -> BitrixError:
    with pytest.raises(BitrixError) as info:
        client.call(method, params or {"id": 1})
    return info.value


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("code", "description", "status", "flag"), ERROR_TABLE,
                         ids=[f"{row[0] or 'empty'}-{row[2]}-{row[1][:12]}" for row in ERROR_TABLE])
def test_error_table_row_maps_to_one_bitrix_error(bitrix, client, code, description, status,
                                                  flag):
    bitrix.post(url("crm.lead.get"), status=status,
                json={"error": code, "error_description": description})

    error = _raised(client)

    assert (error.code, error.description, error.http_status) == (code, description, status)
    assert {name: getattr(error, name) for name in FLAGS} == {name: name == flag
                                                               for name in FLAGS}
    assert error.pause_until is None


def test_operation_time_limit_pauses_until_the_reset_of_the_last_successful_answer(bitrix,
                                                                                   client):
    reset = int(time.time()) + 300
    bitrix.post(url("crm.lead.add"), json={"result": 7, "time": {"operating": 480.2,
                                                                 "operating_reset_at": reset}})
    client.call("crm.lead.add", {"fields": {"TITLE": "t"}})
    bitrix.replace(responses.POST, url("crm.lead.add"), status=429, json={
        "error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked due to "
        "operation time limit."})  # as real Bitrix: no time block with an error

    error = _raised(client, "crm.lead.add")

    assert error.code == "OPERATION_TIME_LIMIT" and error.http_status == 429
    assert error.pause_until == reset
    assert not (error.retryable or error.config or error.permanent)


def test_operation_time_limit_takes_the_reset_of_that_method_only(bitrix, client):
    reset = int(time.time()) + 300
    bitrix.post(url("crm.lead.get"), json={"result": {}, "time": {"operating_reset_at": reset}})
    client.call("crm.lead.get", {"id": 1})
    bitrix.post(url("crm.lead.add"), status=429, json={"error": "operation_time_limit",
                                                       "error_description": "blocked"})

    error = _raised(client, "crm.lead.add")

    assert error.pause_until != reset and error.pause_until > time.time() + 55


def test_operation_time_limit_without_reset_time_pauses_about_a_minute(bitrix, client):
    bitrix.post(url("crm.lead.add"), status=429,
                json={"error": "OPERATION_TIME_LIMIT", "error_description": "blocked"})

    before = time.time()
    error = _raised(client, "crm.lead.add")

    assert before + 55 <= error.pause_until <= time.time() + 65
    assert not error.permanent


def test_timeout_is_retryable(bitrix, client):
    bitrix.post(url("crm.lead.get"), body=requests.Timeout("read timed out"))

    error = _raised(client)

    assert error.retryable and not error.config and error.code == "TIMEOUT"


def test_connection_error_is_retryable(bitrix, client):
    bitrix.post(url("crm.lead.get"), body=requests.ConnectionError("Connection refused"))

    assert _raised(client).retryable


def test_refused_connection_on_a_real_closed_port_is_retryable():
    client = BitrixClient(f"http://127.0.0.1:{_closed_port()}/rest/1/secret", timeout=2)

    error = _raised(client)

    assert error.retryable and error.code == "CONNECTION"


def test_non_json_502_from_a_proxy_is_retryable(bitrix, client):
    bitrix.post(url("crm.lead.get"), status=502, body="<html>Bad Gateway</html>",
                content_type="text/html")

    error = _raised(client)

    assert error.retryable and error.http_status == 502


def test_call_posts_json_to_method_url_and_returns_result(bitrix, client):
    bitrix.post(url("crm.lead.add"), json=ok(215))

    result = client.call("crm.lead.add", {"fields": {"TITLE": "Заявка"}})

    assert result == 215
    (call,) = bitrix.calls
    assert call.request.method == "POST"
    assert call.request.url == "https://portal.example/rest/1/secret/crm.lead.add.json"
    assert call.request.headers["Content-Type"] == "application/json"
    assert sent(call) == {"fields": {"TITLE": "Заявка"}}


@pytest.mark.parametrize("base", [WEBHOOK, WEBHOOK + "/"], ids=["no-slash", "trailing-slash"])
def test_webhook_url_works_with_and_without_trailing_slash(bitrix, base):
    bitrix.post(url("crm.lead.get"), json=ok({"ID": "1"}))

    assert BitrixClient(base).call("crm.lead.get", {"id": 1}) == {"ID": "1"}
    assert bitrix.calls[0].request.url == url("crm.lead.get")


def test_empty_webhook_url_is_a_config_error_without_http(bitrix):
    client = BitrixClient("")

    error = _raised(client)

    assert error.config and not client.configured and not bitrix.calls


def test_call_full_keeps_total_and_next_of_a_list(bitrix, client):
    bitrix.post(url("crm.lead.list"), json=ok([{"ID": "1"}], total=120, next=50))

    answer = client.call_full("crm.lead.list", {"start": 0})

    assert (answer["total"], answer["next"], answer["result"]) == (120, 50, [{"ID": "1"}])


def test_build_query_encodes_fields_like_php():
    query = build_query({"fields": {"ENTITY_ID": 1, "ENTITY_TYPE": "lead",
                                    "COMMENT": "Hi&bye"}})

    assert query == "fields[ENTITY_ID]=1&fields[ENTITY_TYPE]=lead&fields[COMMENT]=Hi%26bye"


def test_build_query_encodes_nested_phone_list():
    query = build_query({"fields": {"PHONE": [{"VALUE": "+79991234567",
                                               "VALUE_TYPE": "MOBILE"}]}})

    assert parse_qsl(query) == [("fields[PHONE][0][VALUE]", "+79991234567"),
                                ("fields[PHONE][0][VALUE_TYPE]", "MOBILE")]


def test_batch_sends_encoded_commands_in_one_request(bitrix, client):
    bitrix.post(url("batch"), json=ok({"result": {"k1": {"ID": "1"}, "k2": 7},
                                       "result_error": [], "result_total": [],
                                       "result_next": [], "result_time": {}}))

    client.batch({"k1": ("crm.lead.get", {"id": 1}),
                  "k2": ("crm.timeline.comment.add", {"fields": {
                      "ENTITY_ID": 1, "ENTITY_TYPE": "lead", "COMMENT": "Hi&bye"}})})

    (call,) = bitrix.calls
    assert sent(call) == {"halt": 0, "cmd": {
        "k1": "crm.lead.get?id=1",
        "k2": "crm.timeline.comment.add?fields[ENTITY_ID]=1&fields[ENTITY_TYPE]=lead"
              "&fields[COMMENT]=Hi%26bye"}}


def test_batch_maps_results_and_errors_per_key(bitrix, client):
    bitrix.post(url("batch"), json=ok({
        "result": {"a": 7},
        "result_error": {"b": {"error": "", "error_description": "Not found"},
                         "c": {"error": "QUERY_LIMIT_EXCEEDED",
                               "error_description": "Too many requests"}},
        "result_total": [], "result_next": [], "result_time": {}}))

    results, errors = client.batch({key: ("crm.lead.get", {"id": 1}) for key in "abc"})

    assert results == {"a": 7}
    assert set(errors) == {"b", "c"}
    assert errors["b"].permanent and errors["b"].description == "Not found"
    assert errors["c"].retryable


def test_batch_with_every_command_failing_reads_empty_result_list(bitrix, client):
    bitrix.post(url("batch"), json=ok({
        "result": [], "result_error": {"a": {"error": "NOT_FOUND", "error_description": "x"}},
        "result_total": [], "result_next": [], "result_time": []}))

    results, errors = client.batch({"a": ("crm.timeline.comment.add", {"fields": {}})})

    assert results == {} and errors["a"].permanent


def test_batch_command_without_any_answer_is_retryable(bitrix, client):
    bitrix.post(url("batch"), json=ok({"result": [], "result_error": []}))

    results, errors = client.batch({"a": ("crm.lead.get", {"id": 1})})

    assert results == {} and errors["a"].retryable


def test_batch_refuses_more_than_fifty_commands(bitrix, client):
    with pytest.raises(ValueError, match="50"):
        client.batch({f"k{n}": ("crm.lead.get", {"id": n}) for n in range(51)})

    assert not bitrix.calls


def test_batch_failure_of_the_outer_call_raises(bitrix, client):
    bitrix.post(url("batch"), status=503,
                json={"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})

    with pytest.raises(BitrixError) as info:
        client.batch({"a": ("crm.lead.get", {"id": 1})})

    assert info.value.retryable


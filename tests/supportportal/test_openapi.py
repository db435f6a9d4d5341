"""The OpenAPI document at /manager/openapi.json is valid, complete and true.

Valid: openapi-spec-validator accepts it. Complete: every JSON route under /manager/ and
/integrations/ (and each of its methods) is documented. True: every documented operation answers
its documented success to a valid example, and a bounded schemathesis run finds no 5xx, no
undocumented status and no answer that breaks its schema.
"""

import itertools
import json
import re

import hypothesis
import pytest
import schemathesis
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import urlencode
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from supportportal.http import not_found
from supportportal.wsgi import application
from tickets import services
from tickets.models import Message

MANAGER_KEY = "test-key"
BITRIX_KEY = "test-bitrix-key"
TELEGRAM_SECRET = "test-telegram-secret"
KEY_HEADERS = {"managerKey": {"X-Manager-Key": MANAGER_KEY},
               "bitrixKey": {"X-Bitrix-Key": BITRIX_KEY},
               "telegramSecret": {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

EVENT_TOKEN = "test-event-token"
JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def _example_request(operation, ticket):
    """(content type, body) that the operation must accept. Operations this file does not know
    are driven by the `example` of their request body: document one."""
    known = {
        "addComment": (JSON, {"author": "Ирина", "text": "Уточните, пожалуйста, номер договора"}),
        "changeStatus": (JSON, {"status": "В работе"}),
        # the seed's second curl example, aimed at a ticket that exists
        "bitrixInbound": (JSON, {"action": "status", "local_ticket_id": ticket.pk,
                                 "status": "Решена"}),
        "bitrixEvents": (FORM, {"event": "ONCRMLEADUPDATE",
                                "data[FIELDS][ID]": str(ticket.bitrix_entity_id),
                                "auth[application_token]": EVENT_TOKEN}),
    }
    if operation["operationId"] in known:
        return known[operation["operationId"]]
    content_type, media = next(iter(operation["requestBody"]["content"].items()))
    body = media.get("example", media["schema"].get("example"))
    assert body is not None, f"document an example body for {operation['operationId']}"
    return content_type, body


@pytest.fixture(autouse=True)
def api_keys(settings):
    settings.MANAGER_API_KEY = MANAGER_KEY
    settings.BITRIX_INBOUND_KEY = BITRIX_KEY
    settings.BITRIX_EVENT_TOKEN = EVENT_TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = TELEGRAM_SECRET


@pytest.fixture
def document():
    response = HttpClient().get("/manager/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _headers(operation, document):
    headers = {}
    for requirement in operation.get("security", document.get("security", [])):
        for scheme in requirement:
            headers.update(KEY_HEADERS[scheme])
    return headers


# --- valid ------------------------------------------------------------------------------------


def test_the_served_document_is_valid_openapi_3(document):
    validate(document)

    assert document["openapi"].startswith("3.")


def test_the_document_is_served_without_a_key(document):
    assert "/manager/tickets" in document["paths"]


def test_every_operation_has_a_unique_operation_id(document):
    ids = [operation["operationId"] for _path, _method, operation in _operations(document)]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", ["/manager/tickets", "/manager/tickets/{ticket_id}",
                                  "/manager/tickets/{ticket_id}/comment",
                                  "/manager/tickets/{ticket_id}/status"])
def test_manager_operations_document_the_key_and_json_errors(document, path):
    for operation in document["paths"][path].values():
        assert operation["security"] == [{"managerKey": []}]
        assert {"401", "404"} <= set(operation["responses"])
        assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}


# --- complete ---------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    """(regex of the whole path, view) for every route of the URLconf."""
    for entry in patterns:
        regex = prefix + _regex(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, regex)
        elif isinstance(entry, URLPattern):
            yield regex, entry.callback


def _regex(pattern):
    if hasattr(pattern, "_route"):  # path(): <int:ticket_id> → a named group
        return re.sub(r"<(?:\w+:)?(\w+)>", r"(?P<\1>[^/]+)", pattern._route)
    return pattern.regex.pattern.lstrip("^").rstrip("$")


def _as_openapi_path(regex):
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)(\{[^}]*\})?", r"{\1}", regex)
    path = path.replace("\\", "").removesuffix("/?").removesuffix("/")
    return "/" + path


def _json_routes():
    for regex, view in _walk(get_resolver().url_patterns):
        if regex.startswith(("manager", "integrations")) and view is not not_found:
            yield _as_openapi_path(regex)


def test_the_url_walk_finds_the_manager_routes():
    assert {"/manager/tickets", "/manager/tickets/{ticket_id}",
            "/manager/tickets/{ticket_id}/comment", "/manager/tickets/{ticket_id}/status",
            "/manager/openapi.json"} <= set(_json_routes())


def test_every_json_route_is_in_the_document(document):
    undocumented = set(_json_routes()) - set(document["paths"])

    assert not undocumented, f"add these routes to their app's openapi.py: {undocumented}"


@pytest.mark.django_db
def test_every_method_a_route_accepts_is_documented(document):
    # A method the route does not take is a 405 whose Allow header lists the ones it does.
    for path in set(_json_routes()):
        response = HttpClient().generic("TRACE", re.sub(r"\{\w+\}", "1", path))
        assert response.status_code == 405, path
        accepted = {m.strip().lower() for m in response["Allow"].split(",")} - {"head", "options"}
        documented = {method for method in METHODS if method in document["paths"][path]}
        assert accepted == documented, path


# --- true: examples ---------------------------------------------------------------------------


@pytest.fixture
def ticket(make_ticket, portal_client, tag):
    ticket = make_ticket(portal_client, tag=tag)
    ticket.bitrix_entity_type, ticket.bitrix_entity_id = "LEAD", 215  # the seed's lead
    ticket.save(update_fields=["bitrix_entity_type", "bitrix_entity_id"])
    services.message_add(ticket=ticket, author_kind="client", text="Не работает", source="portal")
    return ticket


@pytest.mark.django_db
def test_every_documented_operation_answers_its_success_to_an_example(document, ticket):
    for path, method, operation in _operations(document):
        url = path.replace("{ticket_id}", str(ticket.pk))
        http = HttpClient(headers=_headers(operation, document))
        if "requestBody" in operation:
            content_type, body = _example_request(operation, ticket)
            data = json.dumps(body) if content_type == JSON else urlencode(body)
            response = http.generic(method.upper(), url, data, content_type=content_type)
        else:
            response = http.generic(method.upper(), url)
        documented = {int(code) for code in operation["responses"] if code.startswith("2")}
        assert response.status_code in documented, (method, path, response.content[:300])


# --- true: schemathesis -----------------------------------------------------------------------

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES_PER_RUN = 20  # per operation, per mode, per kind of ticket id: the file stays < 60 s


def _fuzz(strategy):
    @hypothesis.settings(max_examples=EXAMPLES_PER_RUN, deadline=None, database=None,
                         derandomize=True, suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=strategy)
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.mark.django_db(transaction=True)  # the WSGI app's requests must see the test's tickets
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    document, ticket, make_ticket, portal_client
):
    make_ticket(portal_client, criticality="critical")
    schema = schemathesis.openapi.from_wsgi("/manager/openapi.json", application)
    headers = {**KEY_HEADERS["managerKey"], **KEY_HEADERS["bitrixKey"],
               **KEY_HEADERS["telegramSecret"]}
    fuzzed = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        ids = [None]
        if any(p.name == "ticket_id" for p in operation.path_parameters):
            ids.append(ticket.pk)  # random ids are mostly 404s: also aim at a ticket that exists
        for ticket_id, mode in itertools.product(ids, schemathesis.GenerationMode):
            fixed = {} if ticket_id is None else {"path_parameters": {"ticket_id": ticket_id}}
            negatable = len(operation.query) or len(operation.body) or not fixed
            if mode is schemathesis.GenerationMode.NEGATIVE and not negatable:
                continue  # nothing left to break: the key header and the id are fixed
            _fuzz(operation.as_strategy(generation_mode=mode, headers=headers, **fixed))
            fuzzed.add((operation.method.lower(), operation.path))
    # schemathesis leaves out only the operation that serves the document itself
    assert fuzzed == {(method, path) for path, method, _op in _operations(document)} - {
        ("get", "/manager/openapi.json")}


def test_documented_lengths_are_the_models(document):
    author_max = Message._meta.get_field("author_name").max_length
    for path in ("/manager/tickets/{ticket_id}/comment", "/integrations/bitrix/inbound"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"]["properties"]["author"]["maxLength"] == author_max, path

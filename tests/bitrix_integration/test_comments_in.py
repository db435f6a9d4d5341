"""Comments written in Bitrix reach the client: event → read job → a manager message, once."""

import pytest
from django.test import Client as HttpClient

from bitrix_integration import bbcode, outbox
from bitrix_integration.models import OutboxJob
from tests.fakes.bitrix_server import event_body
from tickets.models import Message

from .helpers import EVENT_TOKEN, client_says, methods_called, ok, sent, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State


def _event(comment_id, data_key="data[FIELDS][ID]", name="ONCRMTIMELINECOMMENTADD"):
    return HttpClient().post("/integrations/bitrix/events",
                             event_body(name, comment_id, token=EVENT_TOKEN, data_key=data_key),
                             content_type="application/x-www-form-urlencoded")


def _batch_answer(comment, users):
    return ok({"result": {f"j{OutboxJob.objects.get(kind=Kind.COMMENT_READ).pk}": comment,
                          f"u{OutboxJob.objects.get(kind=Kind.COMMENT_READ).pk}": users},
               "result_error": [], "result_total": [], "result_next": [], "result_time": []})


def _comment(text="[b]Готово[/b], счёт [url=https://b.ru/x]здесь[/url]", entity_id=215):
    return {"ID": "9001", "ENTITY_ID": str(entity_id), "ENTITY_TYPE": "lead",
            "CREATED": "2026-12-06T12:00:00+03:00", "COMMENT": text, "AUTHOR_ID": "7",
            "FILES": []}


def test_bbcode_becomes_plain_text():
    assert bbcode.to_text("[b]Готово[/b], см. [url=https://x.ru]счёт[/url][br][i]а[/i] &quot;б&quot;"
                          " [user=7]Ирина[/user]") == 'Готово, см. счёт (https://x.ru)\nа "б" Ирина'


@pytest.mark.parametrize("data_key", ["data[FIELDS][ID]", "data[ID]"])
def test_comment_event_enqueues_a_read_with_a_key_of_its_own(linked_ticket, data_key):
    response = _event(9001, data_key=data_key)

    assert response.status_code == 200
    job = OutboxJob.objects.get(kind=Kind.COMMENT_READ)
    assert (job.key, job.payload) == ("comment:9001:in", {"id": 9001})


def test_event_name_is_compared_case_insensitively(linked_ticket):
    _event(9001, name="onCrmTimelineCommentAdd")

    assert OutboxJob.objects.filter(kind=Kind.COMMENT_READ).count() == 1


def test_read_comment_becomes_a_manager_message_with_the_bitrix_users_name(bitrix, deliver,
                                                                          linked_ticket):
    _event(9001)
    bitrix.post(url("batch"), json=_batch_answer(
        _comment(), [{"ID": "7", "NAME": "Ирина", "LAST_NAME": "Петрова"}]))

    deliver()

    (call,) = bitrix.calls
    pk = OutboxJob.objects.get(kind=Kind.COMMENT_READ).pk
    assert sent(call)["cmd"] == {f"j{pk}": "crm.timeline.comment.get?id=9001",
                                 f"u{pk}": f"user.get?ID=%24result%5Bj{pk}%5D%5BAUTHOR_ID%5D"}
    message = Message.objects.get(ticket=linked_ticket, source=Message.Source.BITRIX)
    assert (message.author_kind, message.author_name, message.text, message.external_id) == (
        Message.AuthorKind.MANAGER, "Ирина Петрова", "Готово, счёт здесь (https://b.ru/x)",
        "comment:9001")
    assert not OutboxJob.objects.filter(kind=Kind.COMMENT_ADD).exists()  # never echoed back


def test_the_same_comment_twice_makes_one_message(bitrix, deliver, linked_ticket):
    _event(9001)
    bitrix.post(url("batch"), json=_batch_answer(_comment(), []))
    deliver()
    _event(9001)
    job = OutboxJob.objects.filter(kind=Kind.COMMENT_READ).latest("id")
    bitrix.replace("POST", url("batch"), json=ok({
        "result": {f"j{job.pk}": _comment(), f"u{job.pk}": []}, "result_error": []}))

    deliver()

    assert Message.objects.filter(ticket=linked_ticket, external_id="comment:9001").count() == 1
    assert job.__class__.objects.get(pk=job.pk).state == State.DONE


def test_our_own_comment_is_skipped(bitrix, deliver, linked_ticket):
    _event(9001)
    own = f"Клиент: Алексей {outbox.comment_marker(55)}\nпривет"
    bitrix.post(url("batch"), json=_batch_answer(_comment(own), []))

    deliver()

    assert not Message.objects.filter(source=Message.Source.BITRIX).exists()
    assert OutboxJob.objects.get(kind=Kind.COMMENT_READ).result["skipped"] == "own"


def test_without_the_user_scope_the_comment_still_arrives(bitrix, deliver, linked_ticket):
    _event(9001)
    pk_answer = _batch_answer(_comment("Принято"), None)
    pk_answer["result"]["result_error"] = {
        next(k for k in pk_answer["result"]["result"] if k.startswith("u")): {
            "error": "insufficient_scope", "error_description": "no user scope"}}
    pk_answer["result"]["result"] = {k: v for k, v in pk_answer["result"]["result"].items()
                                     if k.startswith("j")}
    bitrix.post(url("batch"), json=pk_answer)

    deliver()

    message = Message.objects.get(source=Message.Source.BITRIX)
    assert (message.text, message.author_name) == ("Принято", "Менеджер (Битрикс24)")


def test_a_failed_read_never_holds_the_tickets_outgoing_comment(bitrix, deliver, linked_ticket):
    outbox.enqueue_lead_read(linked_ticket, lead_id=215)
    client_says(linked_ticket)
    bitrix.post(url("batch"), json=ok({
        "result": {f"j{OutboxJob.objects.get(kind=Kind.COMMENT_ADD).pk}": 77},
        "result_error": {f"j{OutboxJob.objects.get(kind=Kind.LEAD_READ).pk}": {
            "error": "", "error_description": "Not found"}}}))

    deliver()

    assert OutboxJob.objects.get(kind=Kind.COMMENT_ADD).state == State.DONE
    assert OutboxJob.objects.get(kind=Kind.LEAD_READ).state == State.DEAD
    assert methods_called(bitrix) == ["batch.json"]


@pytest.mark.parametrize(("text", "own"), [
    ("Клиент: Алексей (сообщение портала №12)\nНе печатает", True),
    ("[QUOTE]Клиент: Алексей (сообщение портала №12)\nНе печатает[/QUOTE]\nПроверьте драйвер",
     False),
    ("Проверьте драйвер\n> Клиент: Алексей (сообщение портала №12)", False),
])
def test_only_a_comment_that_starts_with_our_marker_is_ours(text, own):
    assert outbox.is_own_comment(text) is own

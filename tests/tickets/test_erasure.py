"""Erasure of a client's data (152-FZ): what goes, what stays, and who may do it."""

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from analytics.selectors import by_manager, daily, period_parse, report, tickets_in
from tests.helpers import client_logged_in
from tickets import services
from tickets.models import Attachment, Client, ErasureRequest, Message, OneTimeCode, Ticket
from tickets.services.erasure import ERASED_NAME, ERASED_TEXT, erased_phone

from .data_fixtures import attachments, store  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    return get_user_model().objects.create_user(username="lead", first_name="Ольга",
                                                last_name="Петрова", is_staff=True)



@pytest.fixture
def story(make_client, make_ticket, make_message, attachments, manager_user, tag):  # noqa: F811
    """Two clients; Алексей's tickets are answered, resolved, rated and have files."""
    alexey = make_client(phone="+79991234567", name="Алексей")
    boris = make_client(phone="+79997654321", name="Борис")
    files = []
    for index, client in enumerate((alexey, alexey, boris)):
        ticket = make_ticket(client, title=f"Заявка {client.name}", tag=tag if index else None,
                             description=f"Описание от {client.name}")
        question = make_message(ticket, f"Вопрос от {client.name}", author_kind="client",
                                source="portal")
        reply = make_message(ticket, "Ответ менеджера", author_user=manager_user)
        make_message(ticket, "Заметка", is_internal=True, author_user=manager_user)
        services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED,
                                      source="admin", actor_name="Ирина")
        make_message(ticket, "Снова не работает", author_kind="client", source="portal")
        services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED,
                                      source="admin", actor_name="Ирина")
        services.ticket_rate(ticket=ticket, rating=3 + index % 3, comment="Долго, но решили")
        files += [attachments(ticket, name="description.png", thumbnail=b"thumb"),
                  attachments(ticket, question, name="question.pdf"),
                  attachments(ticket, reply, name="instructions.pdf")]
    OneTimeCode.objects.create(phone=alexey.phone, code_hash="x", expires_at=alexey.created_at)
    return {"alexey": alexey, "boris": boris, "files": files}


def _figures():
    period = period_parse()
    return report(period), by_manager(period, tickets_in(period)), daily(period)


def _erase(client, by, capture):
    erasure = services.erasure_request(client=client)
    with capture(execute=True):
        return services.client_erase(erasure=erasure, by=by)


def test_erasure_replaces_the_clients_data_and_keeps_the_rest(
        story, lead, store, django_capture_on_commit_callbacks):  # noqa: F811
    alexey, boris = story["alexey"], story["boris"]

    erasure = _erase(alexey, lead, django_capture_on_commit_callbacks)

    alexey.refresh_from_db()
    assert str(alexey.phone) == erased_phone(alexey.pk)
    assert alexey.name == ERASED_NAME and alexey.erased_at is not None
    tickets = Ticket.objects.filter(client=alexey)
    assert {(t.title, t.description, t.rating_comment) for t in tickets} == {
        (ERASED_TEXT, ERASED_TEXT, "")}
    assert sorted(t.rating for t in tickets) == [3, 4]  # the figures stay
    # The list's preview of the client's last word goes too.
    assert {(t.last_public_text, t.last_public_name) for t in tickets} == {
        (ERASED_TEXT, ERASED_NAME)}
    client_messages = Message.objects.filter(ticket__client=alexey, author_kind="client")
    assert {(m.text, m.author_name) for m in client_messages} == {(ERASED_TEXT, ERASED_NAME)}
    assert set(Message.objects.filter(ticket__client=alexey, author_kind="manager")
               .values_list("text", flat=True)) == {"Ответ менеджера", "Заметка"}
    assert not Ticket.objects.filter(client=alexey).filter(
        status_changes__actor_name__in=["Алексей", "+7 999 123-45-67"]).exists()
    assert not OneTimeCode.objects.filter(phone="+79991234567").exists()
    # The record: who, when, how much.
    assert (erasure.confirmed_by, erasure.confirmed_by_name) == (lead, "Ольга Петрова")
    assert erasure.summary == {"tickets": 2, "messages": 4, "files": 4}
    # Boris is untouched.
    boris.refresh_from_db()
    assert (str(boris.phone), boris.name, boris.erased_at) == ("+79997654321", "Борис", None)
    assert Message.objects.filter(ticket__client=boris, text="Вопрос от Борис").exists()
    assert Ticket.objects.get(client=boris).last_public_text == "Снова не работает"


def test_the_clients_files_are_deleted_from_the_storage_and_the_managers_stay(
        story, lead, store, django_capture_on_commit_callbacks):  # noqa: F811
    names = {a.pk: (a.file.name, a.thumbnail.name) for a in story["files"]}

    _erase(story["alexey"], lead, django_capture_on_commit_callbacks)

    for attachment in Attachment.objects.select_related("message", "ticket"):
        file_name, thumb_name = names[attachment.pk]
        by_manager_ = attachment.message is not None and attachment.message.author_kind == "manager"
        theirs = attachment.ticket.client_id == story["alexey"].pk and not by_manager_
        assert (attachment.removed_at is not None) is theirs
        assert store.exists(file_name) is not theirs
        if thumb_name:
            assert store.exists(thumb_name) is not theirs
        assert (attachment.file.name == "") is theirs


def test_analytics_totals_are_identical_before_and_after(
        story, lead, store, django_capture_on_commit_callbacks):  # noqa: F811
    before = _figures()

    _erase(story["alexey"], lead, django_capture_on_commit_callbacks)

    assert _figures() == before
    assert before[0]["tickets_total"] == 3


def test_the_clients_sessions_end(story, lead, store, django_capture_on_commit_callbacks):  # noqa: F811
    alexey = story["alexey"]
    http = client_logged_in(alexey)
    ticket = Ticket.objects.filter(client=alexey).first()
    assert http.get(f"/tickets/{ticket.pk}/").status_code == 200

    _erase(alexey, lead, django_capture_on_commit_callbacks)

    for path in ("/tickets/", f"/tickets/{ticket.pk}/", "/me/", "/me/export/"):
        response = http.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/")


def test_the_placeholder_phone_is_unique_and_unreachable(make_client, lead):
    first, second = make_client(), make_client()
    phones = {erased_phone(first.pk), erased_phone(second.pk)}

    assert len(phones) == 2
    for phone in phones:
        assert len(phone) == 16  # "+" and E.164's fifteen digits
        with pytest.raises(phonenumbers.NumberParseException):
            phonenumbers.parse(phone)  # +999 belongs to no country
    assert Client.objects.filter(phone=erased_phone(first.pk)).count() == 0


def test_an_erased_phone_cannot_log_in(client):
    response = client.post("/login/", {"phone": erased_phone(42)})

    assert response.status_code == 400


def test_a_request_is_recorded_once_and_confirmed_once(story, lead, store,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    alexey = story["alexey"]
    first = services.erasure_request(client=alexey)
    assert services.erasure_request(client=alexey) == first

    with django_capture_on_commit_callbacks(execute=True):
        services.client_erase(erasure=first, by=lead)
    with pytest.raises(ValidationError, match="уже выполнен"):
        services.client_erase(erasure=first, by=lead)
    with pytest.raises(ValidationError, match="уже удалены"):
        services.erasure_request(client=Client.objects.get(pk=alexey.pk))
    assert ErasureRequest.objects.count() == 1

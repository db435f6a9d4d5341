"""A manager's day in the admin, as a staff user who is only in «Менеджеры»:
replies, notes, status and assignment through the real change form."""

import pytest
from django import forms
from django.contrib.auth import get_user_model

from tickets import services
from tickets.models import Department, Message, StatusChange, Ticket

from .admin_helpers import FULL_NAME, change_url

pytestmark = pytest.mark.django_db

Status = Ticket.Status


def rendered_form_data(http, ticket):
    """What a browser sends back for an untouched change form: every field's initial value."""
    response = http.get(change_url(ticket))
    assert response.status_code == 200
    data = {}
    for field in response.context["adminform"].form:
        value = "" if field.value() is None else field.value()
        if field.field.show_hidden_initial:  # the page also renders <input type=hidden>
            data[field.html_initial_name] = value
        if isinstance(field.field.widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = value
    return data


def save_form(http, ticket, **changes):
    data = {**rendered_form_data(http, ticket), **changes, "_save": "Сохранить"}
    response = http.post(change_url(ticket), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def ticket(portal_client, make_ticket, make_message):
    ticket = make_ticket(portal_client, title="Не печатаются счета")
    make_message(ticket, "Кнопка не работает", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)
    return ticket


def test_rendered_form_has_reply_note_status_and_assignee_fields(manager_client, ticket):
    data = rendered_form_data(manager_client, ticket)

    assert {"reply_text", "status", "assignee", "criticality", "department", "tag"} <= set(data)
    assert data["status"] == Status.NEW and data["reply_text"] == ""
    assert "reply_internal" not in data  # an unchecked box is not sent


def test_change_page_renders_the_values_it_was_opened_with(manager_client, ticket):
    body = manager_client.get(change_url(ticket)).content.decode()

    assert '<input type="hidden" name="initial-status" value="new"' in body
    assert '<input type="hidden" name="initial-assignee"' in body


def test_change_page_shows_the_dialog_with_internal_notes_marked(manager_client, ticket,
                                                                 make_message):
    make_message(ticket, "Похоже на драйвер принтера", is_internal=True)

    body = manager_client.get(change_url(ticket)).content.decode()

    assert "Кнопка не работает" in body
    assert "Похоже на драйвер принтера" in body
    assert "[внутренняя заметка]" in body


def test_public_reply_creates_manager_message_signed_with_staff_full_name(
    manager_client, manager_user, ticket
):
    save_form(manager_client, ticket, reply_text="Здравствуйте! Уже смотрим.")

    reply = ticket.messages.get(author_kind=Message.AuthorKind.MANAGER)
    assert reply.text == "Здравствуйте! Уже смотрим."
    assert (reply.source, reply.author_user, reply.author_name) == (
        Message.Source.ADMIN, manager_user, FULL_NAME)
    assert reply.is_internal is False


def test_public_reply_sets_first_response_at(manager_client, ticket):
    save_form(manager_client, ticket, reply_text="Здравствуйте! Уже смотрим.")

    ticket.refresh_from_db()
    reply = ticket.messages.get(author_kind=Message.AuthorKind.MANAGER)
    assert ticket.first_response_at == reply.created_at


def test_internal_note_is_stored_as_internal_and_does_not_set_first_response_at(
    manager_client, ticket
):
    save_form(manager_client, ticket, reply_text="Проверить драйвер", reply_internal="on")

    note = ticket.messages.get(author_kind=Message.AuthorKind.MANAGER)
    assert note.is_internal is True
    assert note.author_name == FULL_NAME
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_client_card_shows_the_public_reply_but_not_the_internal_note(
    manager_client, ticket, logged_in
):
    save_form(manager_client, ticket, reply_text="Проверить драйвер", reply_internal="on")
    save_form(manager_client, ticket, reply_text="Отправили счёт повторно.")

    body = logged_in.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "Отправили счёт повторно." in body
    assert FULL_NAME in body
    assert "Проверить драйвер" not in body


def test_status_change_writes_status_change_from_admin_with_full_name(manager_client, ticket):
    save_form(manager_client, ticket, status=Status.IN_PROGRESS)

    change = StatusChange.objects.get(ticket=ticket)
    assert (change.from_status, change.to_status) == (Status.NEW, Status.IN_PROGRESS)
    assert (change.source, change.actor_name) == (Message.Source.ADMIN, FULL_NAME)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_status_resolved_sets_resolved_at(manager_client, ticket):
    save_form(manager_client, ticket, status=Status.RESOLVED)

    ticket.refresh_from_db()
    change = StatusChange.objects.get(ticket=ticket)
    assert ticket.status == Status.RESOLVED
    assert ticket.resolved_at == change.at


def test_assignee_change_assigns_the_ticket(manager_client, manager_user, ticket):
    save_form(manager_client, ticket, assignee=manager_user.pk)

    ticket.refresh_from_db()
    assert ticket.assignee == manager_user


def test_clearing_the_assignee_unassigns_the_ticket(manager_client, manager_user, ticket):
    services.ticket_assign(ticket=ticket, assignee=manager_user)

    save_form(manager_client, ticket, assignee="")

    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_inactive_staff_is_refused_next_to_the_field_and_the_reply_is_kept(manager_client,
                                                                            ticket):
    retired = get_user_model().objects.create_user(username="retired", is_staff=True,
                                                   is_active=False)
    data = {**rendered_form_data(manager_client, ticket), "assignee": retired.pk,
            "reply_text": "Передаю коллеге", "_save": "Сохранить"}

    response = manager_client.post(change_url(ticket), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["assignee"]
    assert form["reply_text"].value() == "Передаю коллеге"
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not ticket.messages.filter(text="Передаю коллеге").exists()
    assert retired.pk not in [user.pk for user in form.fields["assignee"].queryset]


def test_reply_and_status_in_one_save_both_happen(manager_client, ticket):
    save_form(manager_client, ticket, reply_text="Уточните версию браузера",
              status=Status.WAITING)

    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert ticket.messages.filter(author_kind=Message.AuthorKind.MANAGER,
                                  text="Уточните версию браузера").exists()
    assert ticket.first_response_at is not None
    assert StatusChange.objects.filter(ticket=ticket, to_status=Status.WAITING).count() == 1


def test_classification_change_updates_criticality_department_and_clears_tag(
    manager_client, portal_client, make_ticket, tag
):
    ticket = make_ticket(portal_client, tag=tag)
    billing = Department.objects.create(name="Бухгалтерия", slug="billing")

    save_form(manager_client, ticket, criticality=Ticket.Criticality.CRITICAL,
              department=billing.pk, tag="")

    ticket.refresh_from_db()
    assert (ticket.criticality, ticket.department, ticket.tag) == (
        Ticket.Criticality.CRITICAL, billing, None)


def test_saving_an_unchanged_form_creates_no_message_and_no_status_change(
    manager_client, ticket
):
    before = Ticket.objects.filter(pk=ticket.pk).values().get()

    save_form(manager_client, ticket)

    assert ticket.messages.count() == 1  # only the client's
    assert not StatusChange.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.filter(pk=ticket.pk).values().get() == before


def test_blank_reply_creates_no_message(manager_client, ticket):
    save_form(manager_client, ticket, reply_text="   \n  ")

    assert ticket.messages.count() == 1


# --- a form opened before someone else changed the ticket ----------------------
def post_form(http, ticket, data, **changes):
    response = http.post(change_url(ticket), {**data, **changes, "_save": "Сохранить"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_reply_on_a_stale_form_keeps_the_status_the_client_reopened(manager_client, ticket,
                                                                    make_message):
    services.ticket_change_status(ticket=ticket, status=Status.RESOLVED, source="admin")
    opened = rendered_form_data(manager_client, ticket)  # shows «Решена»
    make_message(ticket, "Снова не печатает", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)  # reopens: in_progress

    post_form(manager_client, ticket, opened, reply_text="Посмотрим ещё раз")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert not StatusChange.objects.filter(ticket=ticket, actor_name=FULL_NAME).exists()
    assert ticket.messages.filter(text="Посмотрим ещё раз").exists()


def test_reply_on_a_stale_form_keeps_the_assignee_set_meanwhile(manager_client, ticket):
    opened = rendered_form_data(manager_client, ticket)  # no assignee yet
    colleague = get_user_model().objects.create_user(username="petr", is_staff=True)
    services.ticket_assign(ticket=ticket, assignee=colleague)

    post_form(manager_client, ticket, opened, reply_text="Передала Петру")

    ticket.refresh_from_db()
    assert ticket.assignee == colleague

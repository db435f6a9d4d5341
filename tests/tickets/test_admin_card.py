"""The ticket card as a manager uses it: reply buttons that stay on the card, saved
replies, the client's other tickets, and messages in correct Russian."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import Message, ReplyTemplate, StatusChange, Ticket

from .admin_helpers import change_url
from .test_admin_workspace import rendered_form_data

pytestmark = pytest.mark.django_db

Status = Ticket.Status


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client, title="Не печатаются счета")


def press(http, ticket, button, **changes):
    data = {**rendered_form_data(http, ticket), **changes, "_reply": button}
    return http.post(change_url(ticket), data)


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_send_and_wait_replies_sets_waiting_and_stays_on_the_card(manager_client, ticket,
                                                                  manager_user):
    response = press(manager_client, ticket, "wait", reply_text="Какой у вас браузер?")

    assert response.status_code == 302 and response["Location"] == change_url(ticket)
    assert said(response) == ["Ответ отправлен клиенту. Заявка ждёт ответа клиента."]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.WAITING, manager_user)
    reply = Message.objects.get(ticket=ticket)
    assert (reply.text, reply.is_internal) == ("Какой у вас браузер?", False)
    assert list(StatusChange.objects.filter(ticket=ticket).order_by("id")
                .values_list("from_status", "to_status")) == [
        ("new", "in_progress"), ("in_progress", "waiting")]


def test_send_replies_takes_a_new_ticket_in_progress(manager_client, ticket):
    response = press(manager_client, ticket, "send", reply_text="Смотрим")

    assert said(response) == ["Ответ отправлен клиенту."]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_send_and_resolve_resolves(manager_client, ticket):
    response = press(manager_client, ticket, "resolve", reply_text="Исправили")

    assert said(response) == ["Ответ отправлен клиенту. Заявка решена."]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_note_button_saves_an_internal_note_and_moves_nothing(manager_client, ticket):
    response = press(manager_client, ticket, "note", reply_text="Похоже на драйвер")

    assert said(response) == ["Заметка сохранена. Клиент её не видит."]
    assert Message.objects.get(ticket=ticket).is_internal
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_a_reply_button_with_an_empty_box_is_a_form_error(manager_client, ticket):
    response = press(manager_client, ticket, "wait", reply_text="  ")

    assert response.status_code == 200
    assert "Напишите ответ или приложите файл: поле пустое." in response.content.decode()
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_plain_save_says_so_in_russian_without_the_stock_sentence(manager_client, ticket):
    data = {**rendered_form_data(manager_client, ticket), "status": "in_progress",
            "_save": "Сохранить"}

    response = manager_client.post(change_url(ticket), data)

    assert said(response) == [f"Заявка №{ticket.pk} сохранена."]


def test_card_offers_saved_replies_filled_in_for_this_ticket(manager_client, ticket):
    ReplyTemplate.objects.create(title="Приветствие",
                                 text="Здравствуйте, {client_name}! Заявка №{ticket_id}.")
    ReplyTemplate.objects.create(title="Старый", text="…", is_active=False)

    body = manager_client.get(change_url(ticket)).content.decode()

    assert f'data-text="Здравствуйте, Алексей! Заявка №{ticket.pk}.">Приветствие</option>' in body
    assert "Старый" not in body


def test_saved_reply_without_javascript_fills_the_box(manager_client, ticket):
    template = ReplyTemplate.objects.create(title="Т", text="{client_name}, <b>{nope}</b> "
                                                           "{ticket_id.__class__}")

    response = manager_client.get(change_url(ticket), {"reply_template": template.pk})

    assert response.context["adminform"].form["reply_text"].value() == (
        "Алексей, <b>{nope}</b> {ticket_id.__class__}")
    assert "Алексей, &lt;b&gt;{nope}&lt;/b&gt;" in response.content.decode()


def test_a_reply_sent_from_a_saved_reply_page_does_not_fill_the_box_again(manager_client,
                                                                          ticket):
    # Without JavaScript «Вставить» opens ?reply_template=…; the card's form posts back to
    # that address, and the card shown after sending must not offer the same text again.
    template = ReplyTemplate.objects.create(title="Т", text="Перезагрузите принтер.")
    back = "_changelist_filters=turn%3Dus"  # the queue's filters stay
    url = f"{change_url(ticket)}?reply_template={template.pk}&{back}"
    data = {**rendered_form_data(manager_client, ticket), "_reply": "send",
            "reply_text": "Перезагрузите принтер."}

    response = manager_client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == f"{change_url(ticket)}?{back}"
    after = manager_client.get(response["Location"])
    assert after.context["adminform"].form["reply_text"].value() in (None, "")


def test_the_saved_reply_picker_without_javascript_keeps_the_queues_filters(manager_client,
                                                                            ticket):
    ReplyTemplate.objects.create(title="Т", text="Перезагрузите принтер.")
    html = manager_client.get(change_url(ticket),
                              {"_changelist_filters": "turn=us"}).content.decode()

    picker = html[html.index('<form id="reply-template-form"'):]
    picker = picker[:picker.index("</form>")]
    assert '<input type="hidden" name="_changelist_filters" value="turn=us">' in picker


@pytest.mark.parametrize("value", ["abc", "999999", "²"])
def test_saved_reply_that_does_not_exist_leaves_the_box_empty(manager_client, ticket, value):
    response = manager_client.get(change_url(ticket), {"reply_template": value})

    assert response.status_code == 200
    assert response.context["adminform"].form["reply_text"].value() in (None, "")


def test_card_lists_the_clients_other_tickets_in_bounded_queries(manager_client, ticket,
                                                                 portal_client, make_ticket):
    make_ticket(portal_client, title="Акт сверки")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            body = manager_client.get(change_url(ticket)).content.decode()
        return len(captured), body

    queries()  # warm-up: a cold ContentType cache costs one query once, not per ticket
    few, body = queries()
    assert "Другие заявки клиента" in body and "Акт сверки" in body
    Ticket.objects.bulk_create(Ticket(client=portal_client, department=ticket.department,
                                      title=f"Заявка {i}", description="…") for i in range(20))
    many, body = queries()
    assert many == few
    assert body.count('class="client-block__tickets"') == 1
    block = body[body.index('class="client-block__tickets"'):]
    assert block[:block.index("</ul>")].count("<li>") == 8  # the last eight


def test_first_screen_is_the_queue_and_every_section_stays_reachable(manager_client):
    response = manager_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/tickets/ticket/"

    sections = manager_client.get("/admin/", {"sections": "1"}).content.decode()
    assert "Последние действия" not in sections
    assert "/admin/tickets/client/" in sections
    queue = manager_client.get("/admin/tickets/ticket/").content.decode()
    assert 'href="/admin/?sections=1"' in queue and 'href="/admin/analytics/"' in queue


def test_staff_without_tickets_rights_gets_the_list_of_sections(django_user_model):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(django_user_model.objects.create_user("ops", is_staff=True))

    assert http.get("/admin/").status_code == 200


def test_clients_pages_speak_russian_and_show_phones_formatted(manager_client, ticket,
                                                               portal_client):
    listing = manager_client.get("/admin/tickets/client/").content.decode()
    assert "Выберите клиента" in listing and "Выберите клиент " not in listing
    assert '<span class="phone">+7 999 123-45-67</span>' in listing
    assert "Всего: 1" in listing and "1 клиент\n" not in listing

    url = f"/admin/tickets/client/{portal_client.pk}/change/"
    response = manager_client.post(url, {"name": "Алексей Петров", "_save": "Сохранить"})
    assert said(response) == ["Сохранено: клиент «Алексей Петров»."]


def test_a_manager_keeps_saved_replies_in_admin(manager_client):
    response = manager_client.post("/admin/tickets/replytemplate/add/", {
        "title": "Приветствие", "text": "Здравствуйте, {client_name}!", "is_active": "on",
        "_save": "Сохранить"})

    assert response.status_code == 302
    assert said(response) == ["Добавлено: шаблон ответа «Приветствие»."]
    assert ReplyTemplate.objects.get().text == "Здравствуйте, {client_name}!"


@pytest.mark.parametrize(("path", "title"), [
    ("/admin/tickets/statuschange/", "Смены статусов"),  # Django: «Выберите смена статуса…»
    ("/admin/tickets/department/", "Отделы"),
    ("/admin/tickets/replytemplate/", "Шаблоны ответов"),
    ("/admin/tickets/ticket/", "Очередь заявок"),
])
def test_lists_are_titled_with_their_plural_name(manager_client, path, title):
    body = manager_client.get(path).content.decode()

    assert f"<h1>{title}</h1>" in body


def test_a_record_page_is_titled_with_the_models_name(manager_client, ticket, portal_client):
    body = manager_client.get(f"/admin/tickets/client/{portal_client.pk}/change/").content.decode()

    assert "<h1>Клиент</h1>" in body and "<h2>Алексей</h2>" in body

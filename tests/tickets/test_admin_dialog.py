"""The dialog and the summary on the ticket change page: a template, classes
from the admin's stylesheet, and every piece of user text escaped."""

import pytest
from django.urls import reverse

from tickets.models import Message, Ticket

from .admin_helpers import change_url

pytestmark = pytest.mark.django_db


SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client, title="Не печатаются счета")


def test_dialog_is_rendered_from_its_template(manager_client, ticket, make_message):
    make_message(ticket, "Кнопка не работает", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)

    response = manager_client.get(change_url(ticket))

    assert "admin/tickets/ticket/dialog.html" in [t.name for t in response.templates]


def test_dialog_marks_each_kind_of_message_with_its_class(manager_client, ticket,
                                                          make_message):
    make_message(ticket, "Кнопка не работает", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)
    make_message(ticket, "Уже смотрим")
    make_message(ticket, "Похоже на драйвер", is_internal=True)

    body = manager_client.get(change_url(ticket)).content.decode()

    for kind in ("client", "manager", "internal"):
        assert body.count(f"ticket-dialog__item--{kind}") == 1
    assert "[внутренняя заметка]" in body


def test_change_page_and_queue_use_the_stylesheet_not_inline_styles(manager_client, ticket,
                                                                    make_message):
    make_message(ticket, "Уже смотрим", is_internal=True)
    Ticket.objects.filter(pk=ticket.pk).update(criticality=Ticket.Criticality.CRITICAL)

    change = manager_client.get(change_url(ticket)).content.decode()
    queue = manager_client.get(reverse("admin:tickets_ticket_changelist")).content.decode()

    for body in (change, queue):
        assert "admin/tickets/ticket.css" in body
    assert 'class="ticket-dialog"' in change and "ticket-dialog__item--description" in change
    assert 'class="criticality criticality--critical"' in queue
    dialog = change[change.index('class="ticket-dialog"'):change.index("</ol>")]
    assert "style=" not in dialog


def test_ticket_without_replies_shows_the_description_as_the_first_message(manager_client,
                                                                          ticket):
    body = manager_client.get(change_url(ticket)).content.decode()

    dialog = body[body.index('class="ticket-dialog"'):body.index("</ol>")]
    assert "ticket-dialog__item--description" in dialog
    assert "Кнопка «Печать» молчит." in dialog
    assert "Ответов пока нет." in body


def test_the_title_is_shown_once(manager_client, ticket):
    body = manager_client.get(change_url(ticket)).content.decode()

    assert body.count("Не печатаются счета") == 2  # <title> and the heading


def test_user_text_in_the_dialog_and_summary_is_escaped(manager_client, portal_client,
                                                        make_ticket, make_message):
    ticket = make_ticket(portal_client, title=f"Заголовок {SCRIPT}",
                         description=f"Описание {SCRIPT}")
    make_message(ticket, f"Клиент пишет {SCRIPT}", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)
    make_message(ticket, f"Заметка {SCRIPT}", author_name=f"Ирина {SCRIPT}", is_internal=True)

    body = manager_client.get(change_url(ticket)).content.decode()

    assert SCRIPT not in body
    for text in (f"Заголовок {ESCAPED}", f"Описание {ESCAPED}", f"Клиент пишет {ESCAPED}",
                 f"Заметка {ESCAPED}", f"Ирина {ESCAPED}"):
        assert text in body

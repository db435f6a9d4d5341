"""Idempotent demo data for ``manage.py seed_demo`` (and ``make run``)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import services
from .models import Client, Department, Message, ReplyTemplate, Tag, Ticket
from .permissions import MANAGERS_GROUP
from .selectors import display_name

DEPARTMENTS = [("Техническая поддержка", "support", "ошибки, доступ, настройка кабинета"),
               ("Бухгалтерия", "billing", "счета, акты, оплата"),
               ("Отдел продаж", "sales", "тарифы, договор, новые услуги")]
TAGS = [("Ошибка", "bug"), ("Вопрос", "question"), ("Доступ", "access"), ("Счета", "invoices")]
MANAGER_USERNAME = "manager"
MANAGER_PASSWORD = "manager-demo-password"
CLIENT_PHONE = "+79991234567"
REPLY_TEMPLATES = [
    ("Приветствие", "Здравствуйте, {client_name}! Спасибо за обращение №{ticket_id}, "
                    "уже разбираемся."),
    ("Нужны подробности", "{client_name}, уточните, пожалуйста: когда это началось и "
                          "что вы видите на экране? Снимок экрана очень поможет."),
    ("Решено", "{client_name}, всё исправили. Если вопрос остался, просто ответьте "
               "в этой заявке.\n\n{manager_name}"),
]


@dataclass(frozen=True)
class DemoResult:
    manager_username: str
    manager_password: str
    client_phone: str


@transaction.atomic
def seed_demo() -> DemoResult:
    departments = {slug: Department.objects.get_or_create(
                       slug=slug, defaults={"name": name, "description": description})[0]
                   for name, slug, description in DEPARTMENTS}
    tags = {slug: Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for name, slug in TAGS}

    manager, created = get_user_model().objects.get_or_create(
        username=MANAGER_USERNAME,
        defaults={"first_name": "Ирина", "last_name": "Смирнова", "is_staff": True,
                  "email": "manager@example.com"},
    )
    if created:
        manager.set_password(MANAGER_PASSWORD)
        manager.save(update_fields=["password"])
    manager.groups.add(Group.objects.get(name=MANAGERS_GROUP))  # made after migrate

    for title, text in REPLY_TEMPLATES:
        ReplyTemplate.objects.get_or_create(title=title, defaults={"text": text})

    client, _ = Client.objects.get_or_create(phone=CLIENT_PHONE, defaults={"name": "Алексей"})
    if not client.tickets.exists():
        printer = services.ticket_create(
            client=client, title="Не печатаются счета из личного кабинета",
            description="С утра кнопка «Печать» в разделе «Счета» ничего не делает. Браузер Chrome.",
            criticality=Ticket.Criticality.HIGH, department=departments["support"],
            tag=tags["bug"],
        )
        services.message_add(ticket=printer, author_kind=Message.AuthorKind.MANAGER,
                             author_name=display_name(manager), author_user=manager,
                             text="Здравствуйте! Уже смотрим. Подскажите, какая версия браузера?",
                             source=Message.Source.ADMIN)
        services.ticket_change_status(ticket=printer, status=Ticket.Status.WAITING,
                                      source=Message.Source.ADMIN,
                                      actor_name=display_name(manager))
        act = services.ticket_create(
            client=client, title="Нужен акт сверки за квартал",
            description="Пришлите, пожалуйста, акт сверки за III квартал.",
            criticality=Ticket.Criticality.NORMAL, department=departments["billing"],
            tag=tags["invoices"],
        )
        services.message_add(ticket=act, author_kind=Message.AuthorKind.MANAGER,
                             author_name=display_name(manager), author_user=manager,
                             text="Акт отправили на почту из договора.", source=Message.Source.ADMIN)
        services.ticket_change_status(ticket=act, status=Ticket.Status.RESOLVED,
                                      source=Message.Source.ADMIN,
                                      actor_name=display_name(manager))
        services.ticket_create(
            client=client, title="Как добавить сотрудника в кабинет?",
            description="Хочу дать доступ бухгалтеру.", criticality=Ticket.Criticality.LOW,
            department=departments["sales"], tag=tags["access"],
        )
    return DemoResult(MANAGER_USERNAME, MANAGER_PASSWORD, CLIENT_PHONE)

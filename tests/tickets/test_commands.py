import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tickets.models import Client, Department, Message, Tag, Ticket

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Department, Tag, Client, Ticket, Message,
                                                get_user_model())]


def test_seed_demo_creates_departments_tags_manager_and_client_with_tickets(capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "логин manager" in out and "пароль manager-demo-password" in out
    manager = get_user_model().objects.get(username="manager")
    assert manager.is_staff and manager.check_password("manager-demo-password")
    client = Client.objects.get(phone="+79991234567")
    assert client.tickets.count() == 3
    assert Department.objects.filter(is_active=True).count() == 3
    assert Tag.objects.count() == 4


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo")
    before = counts()

    call_command("seed_demo")

    assert counts() == before

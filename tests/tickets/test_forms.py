"""Client forms: phone normalisation and Russian error messages."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from tickets.forms import LoginForm, TicketForm, normalize_phone
from tickets.models import Client, Department, Tag
from tickets.selectors import SESSION_CLIENT_KEY

PHONE_ERROR = "Не похоже на номер телефона. Введите его полностью, например +7 912 345-67-89."
SPELLINGS = ["+7 999 123-45-67", "8 (999) 123-45-67", "79991234567"]


@pytest.mark.parametrize("raw", SPELLINGS + [" +7(999)1234567 "])
def test_phone_spellings_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+79991234567"


@pytest.mark.parametrize("raw", ["123", "abc", "", "+7 999", None])
def test_invalid_phone_gives_the_russian_error(raw):
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone(raw)

    assert excinfo.value.messages == [PHONE_ERROR]


@pytest.mark.parametrize("raw", ["123", "abc", "+7 999"])
def test_login_form_shows_the_phone_error_next_to_the_field(raw):
    form = LoginForm({"phone": raw})

    assert not form.is_valid()
    assert form.errors == {"phone": [PHONE_ERROR]}


def test_login_form_asks_for_a_phone_when_empty():
    form = LoginForm({"phone": "  "})

    assert not form.is_valid()
    assert form.errors == {"phone": ["Введите номер телефона."]}


def test_login_form_cleans_the_phone_to_e164():
    form = LoginForm({"phone": "8 (999) 123-45-67"})

    assert form.is_valid()
    assert form.cleaned_data["phone"] == "+79991234567"


@pytest.mark.django_db
def test_every_phone_spelling_logs_in_as_the_same_client(sms_outbox, settings):
    settings.OTP_RESEND_SECONDS = 0  # three logins of one number in a row
    client_ids = set()
    for raw in SPELLINGS:
        browser = Browser()
        assert browser.post("/login/", {"phone": raw}).status_code == 302
        phone, text = sms_outbox()[-1]
        assert phone == "+79991234567"
        code = re.search(r"\d{6}", text).group()
        assert browser.post("/login/verify/", {"code": code}).status_code == 302
        client_ids.add(browser.session[SESSION_CLIENT_KEY])

    assert len(client_ids) == 1
    assert Client.objects.get().pk in client_ids


@pytest.mark.django_db
def test_ticket_form_names_every_missing_field_in_russian():
    form = TicketForm({})

    assert not form.is_valid()
    assert form.errors["title"] == ["Коротко назовите проблему."]
    assert form.errors["description"] == ["Опишите, что случилось."]
    assert form.errors["department"] == ["Выберите отдел."]
    assert form.errors["criticality"] == ["Обязательное поле."]
    assert "tag" not in form.errors


@pytest.mark.django_db
def test_ticket_form_refuses_inactive_department_and_tag(department):
    old_department = Department.objects.create(name="Архив", slug="archive", is_active=False)
    old_tag = Tag.objects.create(name="Старое", slug="old", is_active=False)

    form = TicketForm({"criticality": "urgent", "department": old_department.pk,
                       "tag": old_tag.pk, "title": "Т", "description": "О"})

    assert not form.is_valid()
    assert form.errors == {
        "criticality": ["Выберите критичность из списка."],
        "department": ["Выберите отдел из списка."],
        "tag": ["Выберите тему из списка."],
    }


@pytest.mark.django_db
def test_ticket_form_refuses_a_too_long_title(department):
    form = TicketForm({"criticality": "high", "department": department.pk,
                       "title": "я" * 201, "description": "О"})

    assert form.errors == {"title": ["Название не длиннее 200 символов."]}


@pytest.mark.django_db
def test_ticket_form_accepts_a_complete_ticket(department, tag):
    form = TicketForm({"criticality": "high", "department": department.pk, "tag": tag.pk,
                       "title": "Не печатает", "description": "Кнопка молчит"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["department"] == department

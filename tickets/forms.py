"""Client forms: they check the shape of the input; the rules live in services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import to_python

from . import pages, selectors
from .models import Ticket
from .services.tickets import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH


def normalize_phone(raw: str) -> str:
    """``+7 999 123-45-67``, ``8 (999) 123-45-67`` and ``79991234567`` → ``+79991234567``."""
    number = to_python((raw or "").strip(), region="RU")
    if not number or not number.is_valid():
        raise ValidationError(
            _("Не похоже на номер телефона. Введите его полностью, например +7 912 345-67-89."),
            code="invalid",
        )
    return number.as_e164


class ClientForm(forms.Form):
    """A form of the client pages. Those pages are Jinja2, so their widgets render
    with Django's Jinja2 copies of the widget templates: the same HTML, cheaper."""

    default_renderer = Jinja2()  # one instance: it holds the compiled templates


class LoginForm(ClientForm):
    phone = forms.CharField(
        label=_("Номер телефона"),
        max_length=32,
        error_messages={"required": _("Введите номер телефона.")},
        widget=forms.TextInput(attrs={
            "type": "tel", "inputmode": "tel", "autocomplete": "tel",
            "placeholder": "+7 912 345-67-89", "autofocus": True,
        }),
    )

    # Where to go after logging in; carried by the form, not the session, so an
    # anonymous visit to the login page writes nothing. Checked where it is used.
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class VerifyForm(ClientForm):
    code = forms.CharField(
        label=_("Код из SMS"),
        max_length=12,
        error_messages={"required": _("Введите код из SMS.")},
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*",
            "autofocus": True,
        }),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = pages.code_facts()  # «6 цифр, действует 5 минут»


# One line each, so a client can tell the levels apart (and not every ticket is critical).
CRITICALITY_HINTS = {
    Ticket.Criticality.LOW: _("вопрос или пожелание, работе не мешает"),
    Ticket.Criticality.NORMAL: _("что-то работает не так, но работать можно"),
    Ticket.Criticality.HIGH: _("мешает работать, обходного пути нет"),
    Ticket.Criticality.CRITICAL: _("не работает совсем: стоит работа компании"),
}
RATING_CHOICES = [(1, _("Плохо")), (2, _("Так себе")), (3, _("Нормально")), (4, _("Хорошо")),
                  (5, _("Отлично"))]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one ``<input type="file" multiple>``; checked by
    ``services.attachments`` (kind, size, count), not here."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": FILES_ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Файлы"))
        super().__init__(**kwargs)

    @property
    def max_mb(self) -> int:
        return settings.ATTACHMENT_MAX_MB

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [f for f in (single(item, initial) for item in data) if f]
        return [data] if data else []


# A hint for the browser's file picker only: the server reads each file's content.
FILES_ACCEPT = ("image/jpeg,image/png,image/webp,image/heic,.heic,.pdf,.doc,.docx,.xls,.xlsx,"
                ".ppt,.pptx,.odt,.ods,.odp,.txt,.csv,.zip")


class TicketForm(ClientForm):
    # In the order the client fills them: what happened first, then where it goes.
    title = forms.CharField(
        label=_("Название"), max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Коротко назовите проблему."),
                        "max_length": _("Название не длиннее %(limit_value)d символов.")},
        widget=forms.TextInput(attrs={"placeholder": _("Например: не приходит счёт")}),
    )
    description = forms.CharField(
        label=_("Описание"), max_length=TEXT_MAX_LENGTH,
        help_text=_("Чем подробнее, тем быстрее поможем: номер договора, счёта, текст ошибки."),
        error_messages={"required": _("Опишите, что случилось."),
                        "max_length": _("Описание не длиннее %(limit_value)d символов.")},
        widget=forms.Textarea(attrs={
            "rows": 6, "placeholder": _("Что произошло, когда, что вы уже пробовали"),
        }),
    )
    department = forms.ModelChoiceField(
        label=_("Отдел"), queryset=selectors.active_departments(), empty_label=_("— выберите —"),
        help_text=_("Кто займётся заявкой:"),
        error_messages={"required": _("Выберите отдел."),
                        "invalid_choice": _("Выберите отдел из списка.")},
    )
    criticality = forms.ChoiceField(
        label=_("Критичность"), choices=Ticket.Criticality.choices,
        initial=Ticket.Criticality.NORMAL,
        help_text=_("Насколько срочно:"),
        error_messages={"invalid_choice": _("Выберите критичность из списка.")},
    )
    tag = forms.ModelChoiceField(
        label=_("Тема"), queryset=selectors.active_tags(), required=False,
        empty_label=_("— не выбрана —"), help_text=_("Не знаете — оставьте как есть."),
        error_messages={"invalid_choice": _("Выберите тему из списка.")},
    )

    files = FilesField()

    def criticality_hints(self):
        return [(label, CRITICALITY_HINTS[code]) for code, label in Ticket.Criticality.choices]

    def department_hints(self):
        """«Бухгалтерия — счета, акты, оплата» for each department an admin described."""
        return [(d.name, d.description) for d in self.fields["department"].queryset
                if d.description]


class CommentForm(ClientForm):
    text = forms.CharField(
        label=_("Сообщение"), max_length=TEXT_MAX_LENGTH, required=False,
        error_messages={"required": _("Напишите сообщение или приложите файл."),
                        "max_length": _("Сообщение не длиннее %(limit_value)d символов.")},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Ваш ответ менеджеру")}),
    )
    files = FilesField()

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("files") \
                and "text" not in self.errors and "files" not in self.errors:
            self.add_error("text", self.fields["text"].error_messages["required"])
        return data


class RatingForm(ClientForm):
    rating = forms.TypedChoiceField(
        label=_("Оценка"), coerce=int, choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Выберите оценку от 1 до 5."),
                        "invalid_choice": _("Выберите оценку от 1 до 5.")},
    )
    comment = forms.CharField(
        label=_("Комментарий"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Что понравилось или нет")}),
    )

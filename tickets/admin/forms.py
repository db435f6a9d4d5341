"""The ticket change form (reply, note, status, assignee) and the queue's action form."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..forms import FilesField
from ..models import Ticket
from ..services import attachments
from ..services.tickets import TEXT_MAX_LENGTH
from .card import require_reply_text


class TicketActionForm(ActionForm):
    status = forms.ChoiceField(label=_("Новый статус"), required=False,
                               choices=[("", "—"), *Ticket.Status.choices])


class TicketAdminForm(forms.ModelForm):
    reply_text = forms.CharField(
        label=_("Ответ"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "ticket-reply",
                                     "aria-keyshortcuts": "Control+Enter"}),
        help_text=_("Ctrl+Enter — «Отправить клиенту». Клиент увидит ответ в карточке "
                    "заявки; заметку видят только менеджеры."),
    )
    reply_files = FilesField(
        label=_("Файлы к ответу"),
        help_text=_("До 5 файлов: изображения, PDF, документы, таблицы, текст, ZIP."),
    )

    reply_internal = forms.BooleanField(
        label=_("Внутренняя заметка"), required=False,
        help_text=_("Видна только менеджерам; клиенту не показывается."),
    )

    class Meta:
        model = Ticket
        fields = ["status", "assignee", "criticality", "department", "tag"]

    def clean_reply_files(self):
        """Checked here, so a refused file is shown next to the field with the reply kept;
        ``message_add`` takes the checked files as they are."""
        try:
            return attachments.attachments_check(self.cleaned_data["reply_files"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict[attachments.FIELD]) from exc

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:  # only people who can actually take the ticket
            self.fields["assignee"].queryset = selectors.staff_users()
        # "Changed" means changed by this manager since the page was opened, not
        # "differs from the database now": otherwise a stale form would undo a
        # reopen by the client or an assignment made meanwhile.
        for name in TicketAdminForm.Meta.fields:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True

    def clean(self):
        cleaned = super().clean()
        require_reply_text(self)
        return cleaned

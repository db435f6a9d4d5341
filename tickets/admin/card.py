"""The ticket's card: one title, the whole client beside the dialog, a reply in one
keystroke (send; send and wait for the client; send and resolve), saved replies."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors, services
from ..models import ReplyTemplate, Ticket

Status = Ticket.Status
# The reply box's buttons (``name="_reply"``): what each does after the message is added.
REPLY_STATUS = {"send": None, "wait": Status.WAITING, "resolve": Status.RESOLVED, "note": None}
REPLY_DONE = {
    "send": gettext_lazy("Ответ отправлен клиенту."),
    "wait": gettext_lazy("Ответ отправлен клиенту. Заявка ждёт ответа клиента."),
    "resolve": gettext_lazy("Ответ отправлен клиенту. Заявка решена."),
    "note": gettext_lazy("Заметка сохранена. Клиент её не видит."),
}


class TicketCard:
    """Mixed into ``TicketAdmin``: the change page's context and responses."""

    def reply_action(self, request):
        """The reply button pressed, or ``None`` (the plain «Сохранить»)."""
        action = request.POST.get("_reply")
        return action if action in REPLY_STATUS else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        template_id = selectors.id_from_text(request.GET.get("reply_template"))
        if obj is None or request.method != "GET" or template_id is None:
            return form
        template = ReplyTemplate.objects.filter(pk=template_id, is_active=True).first()
        if template is None:
            return form
        text = services.reply_template_render(
            template=template, ticket=obj, manager_name=selectors.display_name(request.user))

        class WithSavedReply(form):  # the picker without JavaScript: GET ?reply_template=
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["reply_text"] = text

        return WithSavedReply

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is not None:  # after the admin's own titles: the template renders later
            manager_name = selectors.display_name(request.user)
            response.context_data.update({
                "title": _("№%(id)s · %(title)s") % {"id": obj.pk, "title": obj.title},
                "subtitle": None,  # the title once: not again as the object's name
                "is_nav_sidebar_enabled": False,
                "client_tickets": selectors.client_recent_tickets(client_id=obj.client_id,
                                                                  exclude_id=obj.pk),
                # For the saved-reply picker's GET form, which replaces the query string.
                "changelist_filters": request.GET.get("_changelist_filters", ""),
                "reply_templates": [
                    (t, services.reply_template_render(template=t, ticket=obj,
                                                       manager_name=manager_name))
                    for t in selectors.active_reply_templates()],
            })
        return response

    def response_change(self, request, obj):
        action = self.reply_action(request)
        if action is None:
            self.say_instead(request, _("Заявка №%(id)s сохранена.") % {"id": obj.pk})
            return super().response_change(request, obj)
        # The manager stays on the card: the next thing to do is usually here. Without
        # the saved reply the box was opened with (``?reply_template=``, the picker without
        # JavaScript): the sent text must not come back to be sent twice.
        if getattr(request, "_ticket_replied", False):
            self.message_user(request, REPLY_DONE[action], messages.SUCCESS)
        query = request.GET.copy()
        query.pop("reply_template", None)
        return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query
                                    else request.path)


def require_reply_text(form: forms.Form):
    """A reply button with an empty box and no files is a form error, not a silent «saved»."""
    if (form.data.get("_reply") in REPLY_STATUS
            and not form.cleaned_data.get("reply_text", "").strip()
            and not form.cleaned_data.get("reply_files")):
        form.add_error("reply_text", _("Напишите ответ или приложите файл: поле пустое."))

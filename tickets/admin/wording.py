"""Admin messages in correct Russian.

Django's stock messages put the model's name into one sentence for every model
(«Заявка “…“ был изменен успешно»: wrong gender, English quotes), and its bulk delete
count takes the plural name whatever the number. Each response names what happened
in words that agree with anything: «Сохранено: клиент «Алексей».».
"""

from django.contrib import messages
from django.utils.text import capfirst
from django.utils.translation import gettext as _

_KEY = "_admin_message"


class RussianMessages:
    """Titles and messages. Django's titles decline the model's name wrong too
    («Выберите смена статуса для просмотра»): a list is titled with the plural name
    (or ``list_title``), a record with the singular one above the record's name."""

    list_title = None

    def changelist_view(self, request, extra_context=None):
        title = self.list_title or capfirst(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context["title"] = capfirst(self.model._meta.verbose_name)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def say_instead(self, request, text):
        """The next success message of this request reads ``text``."""
        setattr(request, _KEY, text)

    def _say_by_default(self, request, text):
        if not getattr(request, _KEY, None):  # a subclass may have said it better
            setattr(request, _KEY, text)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        replacement = getattr(request, _KEY, None)
        if replacement and level == messages.SUCCESS:
            message = replacement
            setattr(request, _KEY, None)
        return super().message_user(request, message, level, *args, **kwargs)

    def _named(self, obj):
        return {"what": self.model._meta.verbose_name, "obj": str(obj)}

    def response_add(self, request, obj, post_url_continue=None):
        self._say_by_default(request, _("Добавлено: %(what)s «%(obj)s».") % self._named(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._say_by_default(request, _("Сохранено: %(what)s «%(obj)s».") % self._named(obj))
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        self._say_by_default(request, _("Удалено: %(what)s «%(obj)s».") % {
            "what": self.model._meta.verbose_name, "obj": obj_display})
        return super().response_delete(request, obj_display, obj_id)

    def delete_queryset(self, request, queryset):
        count = queryset.count()
        super().delete_queryset(request, queryset)
        self._say_by_default(request, _("Удалено записей: %(n)d.") % {"n": count})

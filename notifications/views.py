"""The client's notification settings, the manager's link page in admin, and the
bot's webhook. Thin: parse, call a service, render or answer JSON."""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from supportportal.http import (
    ApiError,
    json_error,
    json_response,
    key_matches,
    method_not_allowed,
    read_json_object,
)
from tickets.models import Department
from tickets.views import client_required

from . import bot, services
from .models import ClientPreference, TelegramChat

logger = logging.getLogger(__name__)
SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"


def _telegram_context(owner):
    configured = bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME)
    chat = TelegramChat.objects.filter(**owner).first()
    link = ""
    if configured and chat is None:
        link = services.deep_link(services.link_token_issue(**owner))
    return {"configured": configured, "chat": chat, "deep_link": link,
            "ttl_minutes": int(services.TOKEN_TTL.total_seconds() // 60)}


@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def settings_page(request):
    if request.method == "POST":
        try:
            services.preference_set(client=request.client, channel=request.POST.get("channel", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Настройки сохранены."))
        return redirect("notifications:settings")
    owner = {"client": request.client}
    preference = (ClientPreference.objects.filter(client=request.client)
                  .values_list("channel", flat=True).first() or ClientPreference.Choice.AUTO)
    return render(request, "notifications/settings.html", {
        **_telegram_context(owner), "preference": preference,
        "choices": ClientPreference.Choice.choices,
        "sms_events": settings.NOTIFY_SMS_EVENTS})


@require_POST
@client_required
def unlink(request):
    if services.telegram_unlink(client=request.client):
        messages.success(request, _("Telegram отвязан: уведомления туда больше не придут."))
    return redirect("notifications:settings")


@never_cache
@require_http_methods(["GET", "POST"])
def manager_link(request):
    """Admin page (mounted through ``admin_view``): the manager's own deep link, the
    departments whose new tickets they hear of, and unlinking."""
    owner = {"user": request.user}
    if request.method == "POST":
        if "departments" in request.POST or request.POST.get("action") == "departments":
            services.manager_departments_set(user=request.user,
                                             department_ids=request.POST.getlist("departments"))
            messages.success(request, _("Отделы сохранены."))
        else:
            services.telegram_unlink(user=request.user)
            messages.success(request, _("Telegram отвязан."))
        return redirect("notifications-manager-link")
    context = {**admin.site.each_context(request), **_telegram_context(owner),
               "title": _("Уведомления в Telegram"),
               "departments": Department.objects.filter(is_active=True).order_by("name")}
    if context["chat"] is not None:
        context["chosen"] = set(context["chat"].departments.values_list("pk", flat=True))
    return render(request, "admin/notifications/telegram_link.html", context)


@csrf_exempt
def webhook(request):
    """Bot API updates: the secret header, then the update applied; 200 at once.
    The bot's answers are outbox jobs, so this never waits on Telegram."""
    if request.method != "POST":
        return method_not_allowed(request, ["POST"])
    if not key_matches(request.META.get(SECRET_HEADER), settings.TELEGRAM_WEBHOOK_SECRET):
        return json_error(401, "unauthorized", _("Неверный секретный токен Telegram."))
    try:
        update = read_json_object(request)
    except ApiError as exc:
        return exc.response()
    if not isinstance(update.get("update_id"), int) or isinstance(update["update_id"], bool):
        return json_error(400, "invalid_field", _("Нет update_id."), field="update_id")
    try:
        bot.handle_update(update)
    except Exception:  # noqa: BLE001  a malformed update must not make Telegram resend it
        logger.exception("Telegram update %s could not be handled", update["update_id"])
    return json_response({"ok": True})

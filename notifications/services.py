"""Linking chats, preferences, and the webhook's bookkeeping. Writes only, no HTTP."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.models import Job
from tickets.models import Department
from tickets.selectors import id_from_text

from .models import (
    BotDialog,
    ClientPreference,
    LinkToken,
    Notification,
    TelegramChat,
    TelegramUpdate,
)

TOKEN_TTL = timedelta(minutes=15)
ERASED = "Удалено по запросу клиента"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def deep_link(token: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


@transaction.atomic
def link_token_issue(*, client=None, user=None) -> str:
    """A fresh one-time token for this client or manager; only its hash is stored."""
    owner = {"client": client} if client is not None else {"user": user}
    now = timezone.now()
    LinkToken.objects.filter(expires_at__lt=now, **owner).delete()
    token = secrets.token_urlsafe(24)  # 32 chars of [A-Za-z0-9_-]: fits a /start payload
    LinkToken.objects.create(token_hash=_hash(token), expires_at=now + TOKEN_TTL, **owner)
    return token


@transaction.atomic
def telegram_link(*, token: str, chat_id: int, username: str = "") -> TelegramChat:
    """Bind the chat to the token's owner; the token is spent. ``ValidationError`` if it
    is unknown, used or expired."""
    now = timezone.now()
    spent = LinkToken.objects.filter(token_hash=_hash(token), used_at__isnull=True,
                                     expires_at__gt=now).update(used_at=now)
    if not spent:
        raise ValidationError(_("Ссылка устарела или уже использована. Откройте страницу "
                                "«Уведомления» на портале и нажмите ссылку ещё раз."))
    link = LinkToken.objects.get(token_hash=_hash(token))
    owner = {"client_id": link.client_id} if link.client_id else {"user_id": link.user_id}
    # One chat per person, one owner per chat: a new link replaces both.
    TelegramChat.objects.filter(**owner).exclude(chat_id=chat_id).delete()
    TelegramChat.objects.filter(chat_id=chat_id).delete()
    return TelegramChat.objects.create(chat_id=chat_id, username=username[:64], **owner)


def telegram_unlink(*, client=None, user=None) -> bool:
    owner = {"client": client} if client is not None else {"user": user}
    deleted, _rows = TelegramChat.objects.filter(**owner).delete()
    return bool(deleted)


def manager_departments_set(*, user, department_ids) -> None:
    """The departments whose new tickets a manager's chat hears of (none: every one)."""
    chat = TelegramChat.objects.filter(user=user).first()
    if chat is not None:
        chat.departments.set(Department.objects.filter(
            pk__in=[pk for i in department_ids if (pk := id_from_text(i)) is not None],
            is_active=True))


def preference_set(*, client, channel: str) -> ClientPreference:
    if channel not in ClientPreference.Choice.values:
        raise ValidationError({"channel": _("Выберите вариант из списка.")})
    preference, _created = ClientPreference.objects.update_or_create(
        client=client, defaults={"channel": channel})
    return preference


def update_accept(update_id: int) -> bool:
    """True the first time this ``update_id`` is seen; a repeat is a no-op."""
    try:
        with transaction.atomic():
            TelegramUpdate.objects.create(update_id=update_id)
    except IntegrityError:
        return False
    return True


def housekeeping_prune() -> str:
    """A chore of the worker: forget spent link tokens and old update ids (Telegram
    resends an update for at most a day), and /new dialogs nobody finished."""
    now = timezone.now()
    tokens, _rows = LinkToken.objects.filter(expires_at__lt=now).delete()
    updates, _rows = TelegramUpdate.objects.filter(received_at__lt=now - timedelta(days=2)).delete()
    dialogs, _rows = BotDialog.objects.filter(updated_at__lt=now - timedelta(days=1)).delete()
    if not (tokens or updates or dialogs):
        return ""
    return f"Уведомления: удалено ссылок {tokens}, обновлений {updates}, диалогов {dialogs}"


@transaction.atomic
def client_forget(*, client) -> None:
    """The client's data is erased (``tickets.signals.client_erased``): unlink their
    Telegram chat, drop link tokens and a half-done /new dialog, stop notifying them,
    and blank what notifications of their tickets said and where they went. Jobs not yet
    taken are cancelled, so nothing more reaches the old chat or phone."""
    chat_ids = list(TelegramChat.objects.filter(client=client).values_list("chat_id", flat=True))
    BotDialog.objects.filter(chat_id__in=chat_ids).delete()
    TelegramChat.objects.filter(client=client).delete()
    LinkToken.objects.filter(client=client).delete()
    ClientPreference.objects.update_or_create(
        client=client, defaults={"channel": ClientPreference.Choice.OFF})
    about_client = Notification.objects.filter(Q(client=client) | Q(ticket__client=client))
    jobs = Job.objects.filter(pk__in=about_client.values("job_id"))
    jobs.filter(state=Job.State.PENDING, locked_until__isnull=True).update(
        state=Job.State.DEAD, last_error=ERASED)
    jobs.exclude(state=Job.State.PENDING).update(payload={})
    Notification.objects.filter(client=client).update(address="", text=ERASED)
    about_client.update(text=ERASED)

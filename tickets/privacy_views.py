"""«Мои данные» (152-FZ): the client downloads everything the portal keeps about them,
or asks for it to be erased. Thin: a form, one service, render or redirect."""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from .export import client_export, visible_attachments
from .forms import ClientForm
from .models import Message, Ticket
from .views import client_required

logger = logging.getLogger(__name__)


class ErasureForm(ClientForm):
    confirm = forms.BooleanField(
        label=gettext_lazy("Я понимаю: телефон, имя, тексты и файлы будут удалены, "
                           "восстановить их будет нельзя"),
        error_messages={"required": gettext_lazy(
            "Отметьте, что вы понимаете последствия, — или вернитесь назад, "
            "если передумали.")},
    )


def _page(request, *, form=None, status=200):
    client = request.client
    tickets = Ticket.objects.filter(client=client)
    return render(request, "tickets/my_data.html", {
        "client": client,
        "tickets_count": tickets.count(),
        "messages_count": Message.objects.filter(
            ticket__client=client, author_kind=Message.AuthorKind.CLIENT).count(),
        # The files the archive holds: internal notes' files are not the client's to see.
        "files_count": visible_attachments(client).filter(removed_at__isnull=True).count(),
        "pending": services.erasure_pending(client=client),
        "form": form,
    }, status=status)


@never_cache
@require_GET
@client_required
def my_data(request):
    return _page(request)


@never_cache
@require_GET
@client_required
def my_data_export(request):
    try:
        archive = client_export(client=request.client)
    except Exception:  # noqa: BLE001  disk full, S3 unreachable (boto's errors are no
        # OSError): nothing half-sent, a clear message; the cause goes to the log.
        logger.exception("Export of client %s failed", request.client.pk)
        messages.error(request, _("Не удалось собрать архив: хранилище файлов сейчас "
                                  "недоступно. Попробуйте через несколько минут."))
        return redirect("tickets:my_data")
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(archive, as_attachment=True, filename=filename,
                            content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def my_data_erase(request):
    """GET: the confirmation step; POST (with ``confirm``): the request is recorded."""
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "tickets/my_data_erase.html", {"form": form}, status=status)
    try:
        services.erasure_request(client=request.client)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Запрос на удаление данных принят. Менеджер проверит "
                                    "и подтвердит его; после удаления вы выйдете из портала."))
    return redirect("tickets:my_data")

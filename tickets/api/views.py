"""Manager API views: parse JSON or query, call one service or selector, answer JSON."""

import re
from datetime import UTC, datetime, time

from django.core.paginator import EmptyPage, Paginator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from supportportal.http import ApiError, field, json_endpoint, json_response, read_json_object

from .. import selectors, services
from ..models import Department, Message, Tag, Ticket
from ..services.tickets import AUTHOR_NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from .multipart import read_multipart
from .serializers import message_data, ticket_data

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

def _ticket_or_404(ticket_id) -> Ticket:
    ticket = selectors.manager_ticket_queryset().filter(pk=ticket_id).first()
    if ticket is None:
        raise ApiError(404, "not_found", _("Заявка №%(id)s не найдена.") % {"id": ticket_id})
    return ticket


@json_endpoint(methods=["POST"], key_setting="MANAGER_API_KEY", key_header="X-Manager-Key")
def ticket_comment(request, ticket_id):
    """JSON as always, or ``multipart/form-data`` with the same fields and ``files``."""
    files = ()
    if request.content_type == "multipart/form-data":
        data, files = read_multipart(request)
        text = field(data, "text", str, default="", max_length=TEXT_MAX_LENGTH)
    else:
        data = read_json_object(request)
        text = field(data, "text", str, required=True, max_length=TEXT_MAX_LENGTH)
    author = field(data, "author", str, default="", max_length=AUTHOR_NAME_MAX_LENGTH)
    internal = field(data, "internal", bool, default=False)
    ticket = _ticket_or_404(ticket_id)
    message = services.message_add(
        ticket=ticket, author_kind=Message.AuthorKind.MANAGER, author_name=author,
        text=text, is_internal=internal, source=Message.Source.API, files=files,
    )
    return json_response(message_data(message), status=201)


@json_endpoint(methods=["POST"], key_setting="MANAGER_API_KEY", key_header="X-Manager-Key")
def ticket_status(request, ticket_id):
    data = read_json_object(request)
    status = services.parse_choice(field(data, "status", str, required=True), Ticket.Status,
                                   field="status")
    author = field(data, "author", str, default="", max_length=AUTHOR_NAME_MAX_LENGTH)
    ticket = _ticket_or_404(ticket_id)
    services.ticket_change_status(ticket=ticket, status=status, source=Message.Source.API,
                                  actor_name=author or "API")
    return json_response(ticket_data(_ticket_or_404(ticket_id)))


@json_endpoint(methods=["GET"], key_setting="MANAGER_API_KEY", key_header="X-Manager-Key")
def ticket_detail(request, ticket_id):
    ticket = _ticket_or_404(ticket_id)
    return json_response(ticket_data(ticket, messages=selectors.ticket_messages(ticket=ticket)))


def _directory(query, name, model):
    if not query.get(name):
        return None
    # PostgreSQL refuses NUL in a text parameter; no name or slug can hold one anyway.
    found = None if "\x00" in query[name] else selectors.directory_find(model, query[name])
    if found is None:
        allowed = list(model.objects.order_by("name").values_list("slug", flat=True))
        raise ApiError(400, "invalid_field",
                       _("Нет такого значения «%(v)s» для %(f)s.") % {"v": query[name], "f": name},
                       field=name, allowed=allowed)
    return found


# An unencoded "+03:00" in a query string arrives as " 03:00".
_SPACED_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _moment(value, name):
    """``updated_since``: an ISO date or date-time; naive means the portal's time zone."""
    value = _SPACED_OFFSET.sub(r"\1+\2", value)
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.min)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(UTC)  # year 1 or 9999 may fall off the calendar in UTC
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise ApiError(400, "invalid_field",
                       _("Поле «%(f)s»: ожидается дата или время ISO 8601, например "
                         "2026-11-27 или 2026-11-27T10:00:00+03:00.") % {"f": name}, field=name)
    return moment


def _positive_int(query, name, default, maximum):
    raw = query.get(name)
    if raw in (None, ""):
        return default
    # isdigit() alone lets "²" through, which int() refuses
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "invalid_field",
                       _("Поле «%(f)s»: целое число от 1 до %(max)d.") % {"f": name, "max": maximum},
                       field=name)
    return int(raw)


@json_endpoint(methods=["GET"], key_setting="MANAGER_API_KEY", key_header="X-Manager-Key")
def ticket_list(request):
    query = request.GET
    tickets = selectors.manager_ticket_list(
        status=(services.parse_choice(query["status"], Ticket.Status, field="status")
                if query.get("status") else None),
        criticality=(services.parse_choice(query["criticality"], Ticket.Criticality,
                                           field="criticality")
                     if query.get("criticality") else None),
        department=_directory(query, "department", Department),
        tag=_directory(query, "tag", Tag),
        updated_since=_moment(query["updated_since"], "updated_since")
        if query.get("updated_since") else None,
    )
    page_size = _positive_int(query, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = _positive_int(query, "page", 1, 10**9)
    paginator = Paginator(tickets, page_size)  # page 1 of nothing is an empty page
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(404, "not_found",
                       _("Страницы %(n)d нет: всего страниц %(total)d.")
                       % {"n": number, "total": paginator.num_pages}) from None

    def link(page_number):
        params = query.copy()
        params["page"] = page_number
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.items()))}")

    return json_response({
        "count": paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [ticket_data(ticket) for ticket in page.object_list],
    })

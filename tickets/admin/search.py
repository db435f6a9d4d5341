"""Admin search that stays fast on a million tickets, with the meaning of ``search_fields``:
a ticket's number, the client's phone (whole, however typed, or a part of it) and words
of the title or the description.

Django's own search ORs ``icontains`` over every field, the client's phone through a
join: one condition no index can serve. Here each part is a condition an index answers
(the primary key; ``client_id IN (…)`` after one lookup of the clients on their phone;
``UPPER(title) LIKE …`` and ``UPPER(description) LIKE …``, which the trigram indexes of
migration 0011 serve on PostgreSQL), so PostgreSQL ORs bitmaps instead of scanning.
SQLite has no trigram index: there the same conditions scan, which 100,000 tickets bear.
"""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

from ..forms import normalize_phone
from ..models import Client
from ..selectors import id_from_text

MIN_WORD = 3  # a trigram index needs three characters; a shorter word only narrows
MIN_PHONE_DIGITS = 5  # fewer digits sit in the numbers of thousands of clients
MAX_CLIENTS = 500  # clients a part of a phone may name in one search
PHONE_LIKE = re.compile(r"^[\d\s()+\-.]+$")
NUMBER = re.compile(r"^[#№]\s*(\d+)$")


class PhoneSearchMixin:
    """Search finds a client by phone however it is typed (8 999…, +7 999…)."""

    phone_lookup = "phone"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(**{self.phone_lookup: phone}), may_have_duplicates


def _words(term):
    words = []
    for bit in smart_split(term):
        if bit[0] in "\"'" and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit.strip())
    return words


def phone_clients(term) -> tuple[list[int], bool]:
    """Ids of the clients whose phone is ``term`` (whole, as typed) or contains its digits;
    and whether there were more than MAX_CLIENTS of them (the list is cut)."""
    digits = re.sub(r"\D", "", term)
    if not PHONE_LIKE.match(term) or len(digits) < MIN_PHONE_DIGITS:
        return [], False
    condition = Q(phone__contains=digits)
    try:
        condition |= Q(phone=normalize_phone(term))
    except ValidationError:
        pass
    ids = list(Client.objects.filter(condition).order_by().values_list("pk", flat=True)
               [:MAX_CLIENTS + 1])
    return ids[:MAX_CLIENTS], len(ids) > MAX_CLIENTS


def ticket_search(term) -> tuple[Q, list[str]]:
    """The condition for a search term, and what to tell the manager about it (a part of a
    phone too common, words too short). Matching nothing is ``Q(pk__in=[])``: no query."""
    term = term.strip()
    notes, condition = [], Q(pk__in=[])
    number = NUMBER.match(term)
    if (ticket_id := id_from_text(number.group(1) if number else term)) is not None:
        condition |= Q(pk=ticket_id)
    clients, cut = phone_clients(term)
    if clients:
        condition |= Q(client_id__in=clients)
    if cut:
        notes.append(_("Эти цифры есть в номерах многих клиентов: показаны заявки первых "
                       "%(n)d. Введите номер полнее.") % {"n": MAX_CLIENTS})
    # A whole phone or a number is not looked for in the text as well.
    if not (number or clients or (PHONE_LIKE.match(term) and ticket_id is None and
                                  len(re.sub(r"\D", "", term)) >= MIN_PHONE_DIGITS)):
        words = _words(term)
        if any(len(word) >= MIN_WORD for word in words):
            text = Q()
            for word in words:
                text &= Q(title__icontains=word) | Q(description__icontains=word)
            condition |= text
        elif ticket_id is None and words:
            notes.append(_("Слова короче трёх букв в тексте заявок не ищутся: добавьте "
                           "слово длиннее, номер заявки или телефон."))
    return condition, notes


class TicketSearchMixin:
    """The ticket queue's search: see the module's docstring. ``search_fields`` stays set
    (the admin shows its search box for it) but this replaces Django's lookup."""

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        condition, notes = ticket_search(search_term)
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        return queryset.filter(condition), False

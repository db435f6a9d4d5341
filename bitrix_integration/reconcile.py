"""Reconciliation: what Bitrix24 changed that no event brought (events are sent once, never retried).

Reads the leads or deals changed since the last run (``>DATE_MODIFY``) and the
latest comments of every open ticket's lead or deal, and applies them as the
events would have: a mapped stage moves the ticket, a manager's comment
becomes a message (once: ``external_id``). Run by ``manage.py bitrix_reconcile``
(cron) and by ``outbox_worker`` every ``BITRIX_RECONCILE_MINUTES``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.worker import RateLimiter
from tickets.models import Message, Ticket

from . import comments_in, entity, lead_state, methods, outbox
from .client import BATCH_LIMIT, BitrixClient, BitrixError
from .models import CHANNEL, OutboxJob, PortalState

FIRST_LOOK_BACK = timedelta(days=1)
OVERLAP = timedelta(minutes=5)  # clocks of the portal and ours differ; applying twice is harmless
LIST_OF = {entity.LEAD: methods.LEAD_LIST, entity.DEAL: methods.DEAL_LIST}
STAGE_OF = {entity.LEAD: "STATUS_ID", entity.DEAL: "STAGE_ID"}


def _chunks(items, size=BATCH_LIMIT):
    items = list(items)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _changed(client, limiter, kind, since) -> list[dict]:
    """Our leads or deals modified since ``since``, every page."""
    rows, start = [], 0
    while start is not None:
        limiter.wait()
        answer = client.call_full(LIST_OF[kind], {
            "filter": {">DATE_MODIFY": timezone.localtime(since).isoformat(timespec="seconds"),
                       "ORIGINATOR_ID": methods.ORIGINATOR_ID},
            "select": ["ID", STAGE_OF[kind], "DATE_MODIFY"], "order": {"ID": "ASC"},
            "start": start})
        rows += answer.get("result") or []
        start = answer.get("next")
    return rows


@transaction.atomic
def _apply_stage(ticket, row) -> bool:
    """As a read job the worker finished, so later events and reads see it in the history.
    A local change still waiting to be sent is newer than what was read: it wins."""
    if OutboxJob.objects.filter(ticket=ticket, kind=OutboxJob.Kind.LEAD_UPDATE,
                                state__in=[OutboxJob.State.PENDING, OutboxJob.State.DEAD]).exists():
        return False
    job = OutboxJob.objects.create(channel=CHANNEL, key=f"ticket:{ticket.pk}:in",
                                   kind=OutboxJob.Kind.LEAD_READ, ticket=ticket,
                                   payload={"id": ticket.bitrix_entity_id, "reconcile": True})
    result = lead_state.apply(job, row)
    OutboxJob.objects.filter(pk=job.pk).update(state=OutboxJob.State.DONE, result=result,
                                               done_at=timezone.now())
    return bool(result.get("changed"))


def _new_comments(client, limiter, tickets) -> list[dict]:
    """The latest 50 comments of each ticket's lead or deal that are not on the ticket yet."""
    found = []
    for chunk in _chunks(tickets):
        limiter.wait()
        results, _errors = client.batch({f"t{t.pk}": (methods.TIMELINE_COMMENT_LIST, {
            "filter": {"ENTITY_ID": t.bitrix_entity_id,
                       "ENTITY_TYPE": entity.type_name(entity.of_ticket(t))},
            "select": ["ID", "ENTITY_ID", "ENTITY_TYPE", "COMMENT", "AUTHOR_ID", "CREATED"],
            "order": {"ID": "DESC"}}) for t in chunk})
        for rows in results.values():
            found += [row for row in rows or [] if isinstance(row, dict)
                      and not outbox.is_own_comment(str(row.get("COMMENT", "")))]
    taken = set(Message.objects.filter(
        source=Message.Source.BITRIX,
        external_id__in=[comments_in.external_id(row.get("ID")) for row in found])
        .values_list("external_id", flat=True))
    return [row for row in found if comments_in.external_id(row.get("ID")) not in taken]


def _names(client, limiter, author_ids) -> dict:
    names = {}
    for chunk in _chunks(sorted(author_ids)):
        limiter.wait()
        results, _errors = client.batch({f"u{a}": (methods.USER_GET, {"ID": a}) for a in chunk})
        names.update({key[1:]: comments_in.author_name(users) for key, users in results.items()})
    return names


def reconcile(client=None, *, limiter=None) -> str:
    """One reconciliation; its one line. Raises ``BitrixError`` (the cursor stays)."""
    client = client or BitrixClient()
    if not client.configured:
        return ""
    limiter = limiter or RateLimiter(settings.BITRIX_RATE_PER_SECOND)
    started = timezone.now()
    state = PortalState.get()
    since = state.reconciled_at or started - FIRST_LOOK_BACK
    linked = Ticket.objects.filter(bitrix_entity_id__isnull=False)
    moved = 0
    for kind in linked.order_by().values_list("bitrix_entity_type", flat=True).distinct():
        if kind not in LIST_OF:
            continue
        for row in _changed(client, limiter, kind, since):
            ticket = linked.filter(bitrix_entity_type=kind, bitrix_entity_id=int(row["ID"])).first()
            if ticket is not None and _apply_stage(ticket, row):
                moved += 1
    open_tickets = list(linked.exclude(status=Ticket.Status.CLOSED))
    comments = _new_comments(client, limiter, open_tickets) if open_tickets else []
    names = _names(client, limiter, {str(c.get("AUTHOR_ID")) for c in comments}) if comments else {}
    added = sum(1 for c in sorted(comments, key=lambda c: int(c["ID"]))
                if comments_in.take(c, author=names.get(str(c.get("AUTHOR_ID")), "")).get(
                    "message_id"))
    PortalState.objects.filter(pk=state.pk).update(reconciled_at=started - OVERLAP)
    return _("Сверка с Битрикс24: стадий применено %(moved)d, комментариев добавлено %(added)d, "
             "запросов %(requests)d") % {"moved": moved, "added": added,
                                         "requests": limiter.requests}


def run_chore() -> str:
    """The ``DELIVERY_CHORES`` entry: a refusal or an outage is a line, not an exception."""
    try:
        return reconcile()
    except BitrixError as error:
        return _("Сверка с Битрикс24 не удалась: %(error)s") % {"error": error}

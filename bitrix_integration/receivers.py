"""Signal receivers: only write an outbox row, in the transaction of the change."""

from . import outbox


def ticket_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and outbox.enabled():
        outbox.enqueue_lead_add(instance)


def message_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and outbox.enabled():
        outbox.enqueue_comment(instance)


def status_change_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and outbox.enabled():
        outbox.enqueue_status(instance)


def description_files_stored(sender, ticket, attachments, **kwargs):
    if outbox.enabled():
        outbox.enqueue_description_files(ticket)

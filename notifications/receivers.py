"""Signal receivers: only record a notification and its delivery job, in the change's transaction."""

from . import events, services


def ticket_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        events.ticket_created(instance)


def message_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        events.message_added(instance)


def status_change_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        events.status_changed(instance)


def client_erased(sender, client, **kwargs):
    services.client_forget(client=client)


def sla_breach_recorded(sender, breach, **kwargs) -> int:
    return events.sla_breach(breach)

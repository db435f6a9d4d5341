"""Periodic tasks the worker runs between passes (``settings.DELIVERY_CHORES``).

``{"bitrix_audit_prune": {"task": "bitrix_integration.ops.audit_prune",
"every_minutes": 60}}``: the task is a function of no arguments that returns
one line for the log ("" when it had nothing to say). Each chore runs at most
once per period across every worker and every ``--once`` run from cron.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Chore

logger = logging.getLogger(__name__)


def _claim(name: str, every_minutes: float, now) -> bool:
    """True for the one worker that moves this chore's next run forward."""
    later = now + timedelta(minutes=every_minutes)
    if Chore.objects.filter(name=name, next_run_at__lte=now).update(next_run_at=later):
        return True
    if Chore.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            Chore.objects.create(name=name, next_run_at=later)
    except IntegrityError:  # another worker made it first
        return False
    return True


def run_due(now=None) -> list[str]:
    """Run every chore whose time has come; their lines. A failing chore is logged
    and recorded, never raised: the deliveries go on."""
    now = now or timezone.now()
    lines = []
    for name, spec in settings.DELIVERY_CHORES.items():
        if not _claim(name, spec["every_minutes"], now):
            continue
        try:
            line = import_string(spec["task"])() or ""
        except Exception as exc:  # noqa: BLE001  one chore's bug must not stop delivery
            logger.exception("Chore %s failed", name)
            line = f"{name}: ошибка {type(exc).__name__}: {exc}"
        Chore.objects.filter(name=name).update(last_result=line[:2000])
        if line:
            lines.append(line)
    return lines

"""SLA in business time: the calendar arithmetic (``calendar``), the targets, the
clock the services call (one hook each), recalculation and escalation.

The services call ``sla.start_fields``, ``sla.on_message`` and ``sla.on_status``;
the commands call ``sla_recalculate`` and ``sla_escalate``.
"""

from .calendar import BusinessCalendar
from .clock import on_message, on_status, recompute, refresh, start_fields
from .escalation import sla_escalate
from .recalculation import sla_recalculate
from .targets import DEFAULT_HOURS, Targets

__all__ = ["DEFAULT_HOURS", "BusinessCalendar", "Targets", "on_message", "on_status",
           "recompute", "refresh", "sla_escalate", "sla_recalculate", "start_fields"]

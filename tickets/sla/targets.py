"""Which target a ticket runs against: its department's row, else the general row,
else the defaults below (the same table the data migration fills, see DESIGN)."""

from django.db.models import Q

from ..models import SlaTarget, Ticket

HOUR = 3600
C = Ticket.Criticality
# criticality: (first response, resolution), business hours.
DEFAULT_HOURS = {C.CRITICAL: (1, 8), C.HIGH: (4, 16), C.NORMAL: (8, 40), C.LOW: (16, 80)}


class Targets:
    """All targets, read in one query; ``seconds(ticket)`` then costs nothing."""

    def __init__(self, rows=()):
        self._rows = {(row.criticality, row.department_id): row for row in rows}

    @classmethod
    def load(cls, *, criticality=None, department_id=None) -> "Targets":
        rows = SlaTarget.objects.all()
        if criticality is not None:
            # Not ``department_id__in=[id, None]``: an IN list drops None, and the
            # general row would never be read for a ticket with a department.
            rows = rows.filter(Q(department_id=department_id) | Q(department__isnull=True)
                               if department_id else Q(department__isnull=True),
                               criticality=criticality)
        return cls(rows)

    def seconds(self, criticality, department_id) -> tuple[float, float]:
        """(first response, resolution) in business seconds."""
        row = self._rows.get((criticality, department_id)) or self._rows.get((criticality, None))
        if row is not None:
            return float(row.first_response_hours) * HOUR, float(row.resolution_hours) * HOUR
        first, resolution = DEFAULT_HOURS.get(criticality, DEFAULT_HOURS[C.NORMAL])
        return float(first * HOUR), float(resolution * HOUR)

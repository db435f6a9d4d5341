"""The manager's workspace. Every change goes through ``tickets.services``.

The modules only define the admins; they are registered here, in one place.
"""

from django.contrib import admin

from ..models import (
    CalendarDay,
    Client,
    Department,
    ErasureRequest,
    OneTimeCode,
    ReplyTemplate,
    SlaBreach,
    SlaTarget,
    StatusChange,
    Tag,
    Ticket,
    WorkSchedule,
)
from .catalog import ClientAdmin, DepartmentAdmin, DirectoryAdmin, ReplyTemplateAdmin
from .privacy import ErasureRequestAdmin
from .records import OneTimeCodeAdmin, StatusChangeAdmin
from .sla import CalendarDayAdmin, SlaBreachAdmin, SlaTargetAdmin, WorkScheduleAdmin
from .tickets import TicketAdmin

admin.site.register(Client, ClientAdmin)
admin.site.register(Department, DepartmentAdmin)
admin.site.register(Tag, DirectoryAdmin)
admin.site.register(Ticket, TicketAdmin)
admin.site.register(StatusChange, StatusChangeAdmin)
admin.site.register(OneTimeCode, OneTimeCodeAdmin)
admin.site.register(ErasureRequest, ErasureRequestAdmin)
admin.site.register(SlaTarget, SlaTargetAdmin)
admin.site.register(WorkSchedule, WorkScheduleAdmin)
admin.site.register(CalendarDay, CalendarDayAdmin)
admin.site.register(SlaBreach, SlaBreachAdmin)
admin.site.register(ReplyTemplate, ReplyTemplateAdmin)

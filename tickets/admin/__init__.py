"""The manager's workspace. Every change goes through ``tickets.services``.

The modules only define the admins; they are registered here, in one place.
"""

from django.contrib import admin

from ..models import Client, Department, OneTimeCode, ReplyTemplate, StatusChange, Tag, Ticket
from .catalog import ClientAdmin, DirectoryAdmin, ReplyTemplateAdmin
from .records import OneTimeCodeAdmin, StatusChangeAdmin
from .tickets import TicketAdmin

admin.site.register(Client, ClientAdmin)
admin.site.register([Department, Tag], DirectoryAdmin)
admin.site.register(Ticket, TicketAdmin)
admin.site.register(StatusChange, StatusChangeAdmin)
admin.site.register(OneTimeCode, OneTimeCodeAdmin)
admin.site.register(ReplyTemplate, ReplyTemplateAdmin)

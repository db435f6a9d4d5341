"""The support domain. Models are plain: the rules live in ``services``.

One module per part of the domain; import them from here: ``from tickets.models import Ticket``.
"""

from .attachments import Attachment, attachments_storage
from .base import choice_label
from .clients import Client, Department, Directory, Tag
from .messages import PUBLIC_REPLY, Message, StatusChange
from .otp import OneTimeCode, WrongCodeGuess
from .privacy import ErasureRequest
from .replies import ReplyTemplate
from .sla import CalendarDay, SlaBreach, SlaTarget, WorkSchedule
from .tickets import Ticket

__all__ = [
    "PUBLIC_REPLY",
    "Attachment",
    "CalendarDay",
    "Client",
    "Department",
    "Directory",
    "ErasureRequest",
    "Message",
    "OneTimeCode",
    "ReplyTemplate",
    "SlaBreach",
    "SlaTarget",
    "StatusChange",
    "Tag",
    "Ticket",
    "WorkSchedule",
    "WrongCodeGuess",
    "attachments_storage",
    "choice_label",
]

"""Business rules of the tickets app. Import from here: ``from tickets import services``."""

from .erasure import client_erase, erasure_pending, erasure_request
from .messages import message_add
from .otp import OtpError, SentCode, otp_send, otp_verify
from .replies import reply_template_render
from .retention import attachments_prune
from .seen import ticket_mark_seen
from .tickets import (
    parse_choice,
    ticket_assign,
    ticket_change_status,
    ticket_create,
    ticket_rate,
    ticket_update,
)

__all__ = [
    "OtpError",
    "SentCode",
    "attachments_prune",
    "client_erase",
    "erasure_pending",
    "erasure_request",
    "message_add",
    "otp_send",
    "otp_verify",
    "parse_choice",
    "reply_template_render",
    "ticket_assign",
    "ticket_change_status",
    "ticket_create",
    "ticket_mark_seen",
    "ticket_rate",
    "ticket_update",
]

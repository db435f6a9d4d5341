"""Business rules of the tickets app. Import from here: ``from tickets import services``."""

from .otp import OtpError, SentCode, otp_send, otp_verify
from .tickets import (
    message_add,
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
    "message_add",
    "otp_send",
    "otp_verify",
    "parse_choice",
    "ticket_assign",
    "ticket_change_status",
    "ticket_create",
    "ticket_rate",
    "ticket_update",
]

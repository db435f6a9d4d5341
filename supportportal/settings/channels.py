"""Settings of the external channels: Bitrix24, Telegram and SMS notifications, and the
delivery outbox that carries them (``manage.py outbox_worker``)."""

from .base import ATTACHMENT_RETENTION_DAYS, env

# --- Bitrix24 ------------------------------------------------------------------
# https://your-portal.bitrix24.ru — only to link tickets to their leads in admin.
BITRIX_PORTAL_URL = env.str("BITRIX_PORTAL_URL", default="")
# Incoming webhook base (without the method), e.g. https://x.bitrix24.ru/rest/1/abc123
# Empty = Bitrix off: the portal works and records nothing to send.
BITRIX_WEBHOOK_URL = env.str("BITRIX_WEBHOOK_URL", default="")
BITRIX_INBOUND_KEY = env.str("BITRIX_INBOUND_KEY", default="")  # X-Bitrix-Key of /inbound
BITRIX_EVENT_TOKEN = env.str("BITRIX_EVENT_TOKEN", default="")  # application_token of events
# What a ticket becomes: auto (ask the portal once: classic CRM → lead, simple CRM → deal),
# lead or deal.
BITRIX_ENTITY = env.str("BITRIX_ENTITY", default="auto")
# Local status → lead STATUS_ID (or deal STAGE_ID for deals), e.g.
# new=NEW,in_progress=IN_PROCESS,resolved=CONVERTED (deals: resolved=WON)
BITRIX_STATUS_MAP = env.dict("BITRIX_STATUS_MAP", default={})
BITRIX_SOURCE_ID = env.str("BITRIX_SOURCE_ID", default="WEB")
BITRIX_SEND_INTERNAL_NOTES = env.bool("BITRIX_SEND_INTERNAL_NOTES", default=False)
# Attachments sent with a timeline comment (base64 grows them by a third): a larger
# file is named in the comment as kept on the portal; one call carries at most
# BITRIX_FILES_PER_CALL_MB, so it stays well inside one request's 60 s.
BITRIX_FILE_MAX_MB = env.int("BITRIX_FILE_MAX_MB", default=10)
BITRIX_FILES_PER_CALL_MB = env.int("BITRIX_FILES_PER_CALL_MB", default=20)
BITRIX_TIMEOUT = env.float("BITRIX_TIMEOUT", default=10)
BITRIX_MAX_ATTEMPTS = env.int("BITRIX_MAX_ATTEMPTS", default=10)
BITRIX_RETRY_BASE_SECONDS = env.float("BITRIX_RETRY_BASE_SECONDS", default=5)
BITRIX_RATE_PER_SECOND = env.float("BITRIX_RATE_PER_SECOND", default=2)
# Longest time Bitrix may spend on one request (its documented limit is 60 s).
BITRIX_REQUEST_MAX_SECONDS = env.float("BITRIX_REQUEST_MAX_SECONDS", default=60)
# Days the audit of inbound calls (InboundEvent) is kept; the worker prunes older rows.
BITRIX_AUDIT_DAYS = env.int("BITRIX_AUDIT_DAYS", default=90)

# --- Notifications and the Telegram bot -------------------------------------------
# The portal's public address (https://support.example.ru): links in messages,
# the webhook telegram_setup registers.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
# From @BotFather; empty = Telegram off: nothing is queued for it.
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")  # without the @
# Telegram sends it in X-Telegram-Bot-Api-Secret-Token; empty = the webhook answers 401.
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org")
TELEGRAM_TIMEOUT = env.float("TELEGRAM_TIMEOUT", default=10)
# Events a client without Telegram hears about by SMS: reply, waiting, resolved, closed.
NOTIFY_SMS_EVENTS = env.list("NOTIFY_SMS_EVENTS", default=[])

# --- Delivery: the outbox every external channel shares (manage.py outbox_worker) ---
# A channel is its sender; adding one is a line here and nothing in delivery/.
DELIVERY_SENDERS = {
    "bitrix": "bitrix_integration.sender.BitrixSender",
    "telegram": "notifications.telegram.sender.TelegramSender",
    "sms": "notifications.sms_sender.SmsSender",
}
# Periodic tasks outbox_worker runs between passes (delivery/chores.py), each at
# most once per period across all workers: {"name": {"task": "dotted.path", "every_minutes": N}}.
DELIVERY_CHORES = {
    "bitrix_audit_prune": {"task": "bitrix_integration.ops.audit_prune", "every_minutes": 60},
    "notifications_prune": {"task": "notifications.services.housekeeping_prune",
                            "every_minutes": 60},
    # Marks SLA breaches and notifies, like `manage.py sla_escalate` from cron.
    "sla_escalate": {"task": "tickets.sla.escalation.run_chore", "every_minutes": 1},
    # Files left by a request killed between writing them and committing their message.
    "attachment_orphans_prune": {"task": "tickets.services.attachment_orphans.orphans_prune",
                                 "every_minutes": 60},
}
if ATTACHMENT_RETENTION_DAYS is not None:
    DELIVERY_CHORES["attachments_prune"] = {
        "task": "tickets.services.retention.attachments_prune_chore", "every_minutes": 60}
# Bitrix24 events are sent once and may be lost: read what changed every N minutes.
BITRIX_RECONCILE_MINUTES = env.float("BITRIX_RECONCILE_MINUTES", default=10)
if BITRIX_WEBHOOK_URL and BITRIX_RECONCILE_MINUTES > 0:
    DELIVERY_CHORES["bitrix_reconcile"] = {"task": "bitrix_integration.reconcile.run_chore",
                                           "every_minutes": BITRIX_RECONCILE_MINUTES}

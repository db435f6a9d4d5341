"""Signals other apps hang on (tickets imports none of them)."""

from django.dispatch import Signal

# Sent with ``client=`` inside the erasure's transaction (tickets.services.erasure), after
# the client's data is replaced: an app that keeps something of the client (Telegram
# chats, notification texts) forgets it in the same transaction.
client_erased = Signal()

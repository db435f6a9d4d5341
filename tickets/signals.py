"""Signals other apps hang on (``tickets`` never imports them).

``sla_breach_recorded``: sent once per ``SlaBreach`` (sender ``SlaBreach``,
argument ``breach``), inside the transaction that records it. A receiver
answers how many people it told; the sum is stored on the breach.

``client_erased``: sent with ``client=`` inside the erasure's transaction
(tickets.services.erasure), after the client's data is replaced: an app that keeps
something of the client (Telegram chats, notification texts) forgets it in the same
transaction.

``description_files_stored``: files were stored on a ticket's description
(``sender`` is ``Ticket``, with ``ticket`` and ``attachments``), in the transaction
of the ticket. A message's files need no signal: they are stored in the
transaction of the message itself, before anything reads them.
"""

from django.dispatch import Signal

sla_breach_recorded = Signal()
client_erased = Signal()
description_files_stored = Signal()

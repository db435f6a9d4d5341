"""Signals other apps hang on (``tickets`` imports none of them).

``description_files_stored``: files were stored on a ticket's description
(``sender`` is ``Ticket``, with ``ticket`` and ``attachments``), in the transaction
of the ticket. A message's files need no signal: they are stored in the
transaction of the message itself, before anything reads them.
"""

from django.dispatch import Signal

description_files_stored = Signal()

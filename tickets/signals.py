"""Signals other apps hang on (``tickets`` never imports them).

``sla_breach_recorded``: sent once per ``SlaBreach`` (sender ``SlaBreach``,
argument ``breach``), inside the transaction that records it. A receiver
answers how many people it told; the sum is stored on the breach.
"""

from django.dispatch import Signal

sla_breach_recorded = Signal()

"""The admin's first screen is the manager's queue, not the stock list of models."""

from django.contrib import admin
from django.shortcuts import redirect


def workspace_index(request, extra_context=None):
    """``/admin/``: the queue (open tickets) for whoever may see tickets; the list of
    every section at ``?sections=1`` (the «Все разделы» link) and for anyone else."""
    if "sections" not in request.GET and request.user.has_perm("tickets.view_ticket"):
        return redirect("admin:tickets_ticket_changelist")
    return admin.site.index(request, extra_context)

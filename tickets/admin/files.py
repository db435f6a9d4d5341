"""Files in the manager's workspace: downloads behind the admin login and the right to
see tickets (``tickets.view_ticket``), never from a public URL."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path

from ..downloads import attachment_response
from ..models import Attachment


class AttachmentUrlsMixin:
    def get_urls(self):
        view = self.admin_site.admin_view(self.attachment_view)
        return [
            path("attachments/<int:attachment_id>/", view,
                 name="tickets_ticket_attachment"),
            path("attachments/<int:attachment_id>/thumb/", view, {"thumbnail": True},
                 name="tickets_ticket_attachment_thumb"),
            *super().get_urls(),
        ]

    def attachment_view(self, request, attachment_id, thumbnail=False):
        if request.method != "GET":
            raise Http404
        if not request.user.has_perm("tickets.view_ticket"):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=attachment_id)
        return attachment_response(attachment, thumbnail=thumbnail)

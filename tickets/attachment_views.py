"""The client's way to their files: ``/attachments/<id>/`` and its thumbnail.

Only the owner of the ticket gets a file, and never one of an internal note;
for anyone else the file does not exist (404, as for another client's ticket).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import selectors
from .downloads import attachment_response
from .views import _to_login


@require_GET
def attachment_download(request, attachment_id, thumbnail=False):
    attachment = selectors.client_attachment_get(
        client_id=selectors.session_client_id(request.session), attachment_id=attachment_id)
    if attachment is None:
        if not request.client:
            return _to_login(request, {})
        raise Http404(_("Файл не найден."))
    return attachment_response(attachment, thumbnail=thumbnail)

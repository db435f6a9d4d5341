"""How an attachment leaves the portal: streamed from its storage by an authorised view.

Raster images the browser can show (JPEG, PNG, WebP) open inline; everything
else, HEIC included, is a download. Every answer forbids sniffing, runs in a
sandbox with nothing allowed (a file can never run script on the portal's
origin), and is private to the browser that asked.
"""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def attachment_response(attachment, *, thumbnail: bool = False) -> FileResponse:
    field = attachment.thumbnail if thumbnail else attachment.file
    if attachment.removed_at or not field:
        raise Http404(_("Файл не найден."))
    try:
        handle = field.storage.open(field.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Файл не найден.")) from exc
    content_type = "image/jpeg" if thumbnail else attachment.content_type
    inline = thumbnail or content_type in INLINE_TYPES
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                            filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response

"""A message's attachments as ``crm.timeline.comment.add`` ``FILES``: ``[[name, base64], …]``
(b24restdocs: crm-timeline-comment-add.md, files/how-to-upload-files.md).

Read from storage when the job is sent, never kept in the job. Base64 makes a
file a third larger, and one REST call may run at most 60 s, so a file over
``BITRIX_FILE_MAX_MB`` and whatever would take a call past
``BITRIX_FILES_PER_CALL_MB`` (the raw sizes) stay on the portal: the comment
names them with «файл хранится на портале». Such a call is sent on its own,
never inside a ``batch`` (whose commands travel as a query string).
"""

import base64
import logging

from django.conf import settings

from tickets.models import Attachment

logger = logging.getLogger("bitrix_integration")
MB = 1024 * 1024
KEPT = "файл хранится на портале"


def comment_files(*, message_id=None, ticket_id=None) -> tuple[list, list[str]]:
    """``(FILES, lines)`` for a message's files (or the ticket description's, with
    ``ticket_id``): what travels, and a line for each file that does not."""
    files = Attachment.objects.order_by("created_at", "id")
    files = (files.filter(message_id=message_id) if message_id is not None
             else files.filter(ticket_id=ticket_id, message__isnull=True))
    per_file, per_call = settings.BITRIX_FILE_MAX_MB * MB, settings.BITRIX_FILES_PER_CALL_MB * MB
    sent, lines, budget = [], [], per_call
    for attachment in files:
        if attachment.removed_at or not attachment.file:
            lines.append(f"📎 {attachment.name} — файл удалён")
            continue
        if attachment.size > per_file or attachment.size > budget:
            lines.append(f"📎 {attachment.name} — {KEPT}")
            continue
        try:
            with attachment.file.open("rb") as handle:
                data = handle.read()
        except OSError:
            logger.exception("attachment %s could not be read for Bitrix24", attachment.pk)
            lines.append(f"📎 {attachment.name} — {KEPT}")
            continue
        budget -= len(data)
        sent.append([attachment.name, base64.b64encode(data).decode("ascii")])
    return sent, lines


def with_files(fields: dict, *, message_id=None, ticket_id=None) -> dict:
    """``fields`` of a timeline comment with its files added (and the ones kept named)."""
    files, lines = comment_files(message_id=message_id, ticket_id=ticket_id)
    if lines:
        fields = {**fields, "COMMENT": "\n".join([fields["COMMENT"], *lines])}
    if files:
        fields = {**fields, "FILES": files}
    return fields


def has_files(call) -> bool:
    method, params = call
    return bool((params.get("fields") or {}).get("FILES")) if isinstance(params, dict) else False

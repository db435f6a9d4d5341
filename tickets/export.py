"""«Мои данные»: everything the portal keeps about a client, as a ZIP.

``data.json`` holds the profile, tickets, their status history, the dialog as the
client sees it (internal notes never) and ratings; ``attachments/`` holds the files
of that dialog still kept. Written into a temporary file, ticket by ticket and file by
file in chunks, so a big client's archive is never held in memory. Only rows of this
client are read: every query filters on the client.
"""

import json
import logging
import shutil
import tempfile
import zipfile
from itertools import groupby

from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from .models import Attachment, Client, ErasureRequest, Message, StatusChange, Ticket

logger = logging.getLogger(__name__)
FORMAT = "support-portal-export/1"
CHUNK = 1024 * 1024
TICKETS_PER_QUERY = 200


def _time(value):
    return value.isoformat() if value else None


def visible_attachments(client: Client):
    """Files of the client's tickets they can see: on a description or a public message."""
    return Attachment.objects.filter(ticket__client=client).filter(
        Q(message__isnull=True) | Q(message__is_internal=False))


def _zip_name(attachment: Attachment) -> str:
    try:
        name = get_valid_filename(attachment.name) if attachment.name else ""
    except SuspiciousFileOperation:  # nothing usable in it, e.g. «???»
        name = ""
    return f"attachments/{attachment.ticket_id}/{attachment.pk}-{name or 'file'}"


def _copy_files(archive: zipfile.ZipFile, client: Client) -> dict[int, str]:
    """Copy the kept files into the archive; their paths there by attachment id."""
    paths = {}
    kept = (visible_attachments(client).filter(removed_at__isnull=True).exclude(file="")
            .only("pk", "ticket_id", "name", "file").order_by("pk"))
    for attachment in kept.iterator(chunk_size=500):
        path = _zip_name(attachment)
        try:
            source = attachment.file.storage.open(attachment.file.name, "rb")
        except FileNotFoundError:  # lost outside the portal: listed, with no file
            logger.warning("Attachment %s: its file is missing from the storage", attachment.pk)
            continue
        with source, archive.open(zipfile.ZipInfo(path, _zip_time()), "w") as target:
            shutil.copyfileobj(source, target, CHUNK)
        paths[attachment.pk] = path
    return paths


def _zip_time():
    return timezone.localtime().timetuple()[:6]


def _attachment(attachment: Attachment, paths: dict[int, str]) -> dict:
    return {"id": attachment.pk, "name": attachment.name,
            "content_type": attachment.content_type, "size": attachment.size,
            "created_at": _time(attachment.created_at),
            "removed_at": _time(attachment.removed_at), "file": paths.get(attachment.pk)}


def _ticket(ticket: Ticket, paths: dict[int, str]) -> dict:
    by_message = {key: list(group) for key, group in groupby(
        sorted(ticket.visible_attachments, key=lambda a: (a.message_id or 0, a.pk)),
        key=lambda a: a.message_id)}
    return {
        "id": ticket.pk, "title": ticket.title, "description": ticket.description,
        "status": ticket.status, "status_label": ticket.get_status_display(),
        "criticality": ticket.criticality,
        "criticality_label": ticket.get_criticality_display(),
        "department": ticket.department.name, "tag": ticket.tag.name if ticket.tag else None,
        "created_at": _time(ticket.created_at), "updated_at": _time(ticket.updated_at),
        "first_response_at": _time(ticket.first_response_at),
        "resolved_at": _time(ticket.resolved_at),
        "rating": ticket.rating, "rating_comment": ticket.rating_comment,
        "attachments": [_attachment(a, paths) for a in by_message.get(None, [])],
        "status_history": [
            {"from": change.from_status, "to": change.to_status,
             "to_label": change.get_to_status_display(), "at": _time(change.at),
             "source": change.source, "by": change.actor_name}
            for change in ticket.history],
        "messages": [
            {"id": message.pk, "author_kind": message.author_kind,
             "author_name": message.author_name, "text": message.text,
             "source": message.source, "created_at": _time(message.created_at),
             "attachments": [_attachment(a, paths) for a in by_message.get(message.pk, [])]}
            for message in ticket.public_messages],
    }


def _tickets(client: Client):
    return (Ticket.objects.filter(client=client).select_related("department", "tag")
            .order_by("created_at", "pk").prefetch_related(
                Prefetch("messages", to_attr="public_messages",
                         queryset=Message.objects.filter(is_internal=False)
                         .order_by("created_at", "pk")),
                Prefetch("status_changes", to_attr="history",
                         queryset=StatusChange.objects.order_by("at", "pk")),
                Prefetch("attachments", to_attr="visible_attachments",
                         queryset=Attachment.objects.filter(
                             Q(message__isnull=True) | Q(message__is_internal=False))),
            ))


def _write_json(archive: zipfile.ZipFile, client: Client, paths: dict[int, str]) -> None:
    head = {
        "format": FORMAT,
        "exported_at": _time(timezone.now()),
        "client": {"id": client.pk, "phone": str(client.phone), "name": client.name,
                   "created_at": _time(client.created_at)},
        "erasure_requests": [
            {"requested_at": _time(r.requested_at), "confirmed_at": _time(r.confirmed_at)}
            for r in ErasureRequest.objects.filter(client=client).order_by("requested_at")],
    }
    info = zipfile.ZipInfo("data.json", _zip_time())
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as raw:
        def write(text):
            raw.write(text.encode("utf-8"))

        write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "tickets": [\n')
        for index, ticket in enumerate(_tickets(client).iterator(chunk_size=TICKETS_PER_QUERY)):
            write((",\n" if index else "") + json.dumps(_ticket(ticket, paths),
                                                        ensure_ascii=False))
        write("\n ]\n}\n")


def client_export(*, client: Client):
    """The client's archive in a temporary file, positioned at its start; the caller
    closes it (a ``FileResponse`` does), and it is gone then."""
    output = tempfile.TemporaryFile()
    try:
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
            paths = _copy_files(archive, client)
            _write_json(archive, client, paths)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output

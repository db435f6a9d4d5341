"""EXIF and XMP out of a HEIC/HEIF file without decoding it.

Pillow cannot read HEIC (see images.py), but its metadata is easy to reach:
the ``meta`` box lists items (``iinf``/``infe``), among them ``Exif`` and XMP
(``mime`` with ``application/rdf+xml``), and ``iloc`` says where each item's
bytes lie. Those bytes are overwritten with zeros in place: every offset in
the file stays valid, the picture is untouched, and a reader finds no
metadata (an Exif item of zeros has no TIFF header). Anything unexpected in
the structure is ``HeifError``: the file is then refused, not stored with its GPS.
"""

import struct

METADATA_MIME = {b"application/rdf+xml"}


class HeifError(Exception):
    pass


def _boxes(data: bytes, start: int, end: int):
    """``(type, payload start, box end)`` of the boxes between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise HeifError("truncated box")
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise HeifError(f"bad size of {kind!r}")
        yield kind, pos + header, pos + size
        pos += size


def _child(data, start, end, wanted):
    return next(((s, e) for kind, s, e in _boxes(data, start, end) if kind == wanted), None)


def _metadata_items(data, start, end) -> set[int]:
    """Ids of the Exif and XMP items listed in ``iinf``."""
    version = data[start]
    count_size = 2 if version == 0 else 4
    items, pos = set(), start + 4 + count_size
    for kind, s, e in _boxes(data, pos, end):
        if kind != b"infe" or data[s] < 2:
            continue
        id_size = 2 if data[s] == 2 else 4
        item_id = int.from_bytes(data[s + 4:s + 4 + id_size], "big")
        item_type = data[s + 4 + id_size + 2:s + 4 + id_size + 6]
        rest = data[s + 4 + id_size + 6:e]
        content_type = rest.split(b"\0")[1] if rest.count(b"\0") >= 2 else b""
        if item_type == b"Exif" or (item_type == b"mime" and content_type in METADATA_MIME):
            items.add(item_id)
    return items


def _extents(data, start, end, wanted: set[int]):
    """``(offset, length)`` in the file of each extent of the wanted items (``iloc``)."""
    version = data[start]
    sizes = data[start + 4:start + 6]
    offset_size, length_size = sizes[0] >> 4, sizes[0] & 15
    base_size, index_size = sizes[1] >> 4, (sizes[1] & 15) if version in (1, 2) else 0
    pos = start + 6
    count_size = 2 if version < 2 else 4

    def read(n):
        nonlocal pos
        value = int.from_bytes(data[pos:pos + n], "big") if n else 0
        pos += n
        return value

    for _ in range(read(count_size)):
        item_id = read(2 if version < 2 else 4)
        method = read(2) & 15 if version in (1, 2) else 0
        read(2)  # data_reference_index
        base = read(base_size)
        for _ in range(read(2)):
            read(index_size)
            offset, length = read(offset_size), read(length_size)
            if item_id in wanted:
                if method != 0:
                    raise HeifError("metadata stored by reference, not by file offset")
                yield base + offset, length
        if pos > end:
            raise HeifError("truncated iloc")


def strip_metadata(data: bytes) -> bytes:
    """The file with its Exif and XMP items' bytes zeroed."""
    meta = _child(data, 0, len(data), b"meta")
    if meta is None:
        return data
    start, end = meta[0] + 4, meta[1]  # meta is a full box: version and flags first
    iinf, iloc = _child(data, start, end, b"iinf"), _child(data, start, end, b"iloc")
    if iinf is None or iloc is None:
        return data
    wanted = _metadata_items(data, *iinf)
    if not wanted:
        return data
    cleaned = bytearray(data)
    for offset, length in _extents(data, *iloc, wanted):
        if length == 0 or offset + length > len(data):
            raise HeifError("metadata extent outside the file")
        cleaned[offset:offset + length] = bytes(length)
    return bytes(cleaned)

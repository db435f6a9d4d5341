"""Files for the attachment tests, made on the spot: a photo with GPS in its EXIF,
documents as their programs write them, a program under a harmless name."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets.files import sniff

GPS_IFD = 0x8825
GPS = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}  # Moscow, Red Square


def image_bytes(fmt="PNG", *, size=(640, 480), gps=True, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[GPS_IFD] = GPS
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    return bool(image.getexif().get_ifd(GPS_IFD)) or b"PhoneMaker" in data


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def ole_bytes(stream="WordDocument") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + stream.encode("utf-16-le")


def upload(name, data, content_type="application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_upload(name="screen.png", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def heic_bytes(*, image=b"\x00\x00\x00\x10HEVC-PIXELS-HERE", exif=None, xmp=None) -> bytes:
    """A HEIF file as phones write its skeleton: ftyp, meta (hdlr, iinf, iloc), mdat with
    the picture and its Exif (a GPS tag inside) and XMP items."""
    exif = exif if exif is not None else b"\x00\x00\x00\x06Exif\x00\x00MM\x00*GPSLatitude55N"
    xmp = xmp if xmp is not None else b"<x:xmpmeta><exif:GPSLatitude>55,45N</exif:GPSLatitude>"
    items = [(1, b"hvc1", b"", image), (2, b"Exif", b"", exif),
             (3, b"mime", b"application/rdf+xml\x00", xmp)]
    ftyp = _box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
    infes = b"".join(_box(b"infe", b"\x02\x00\x00\x00" + i.to_bytes(2, "big") + b"\x00\x00"
                          + t + b"\x00" + extra) for i, t, extra, _data in items)
    iinf = _box(b"iinf", b"\x00\x00\x00\x00" + len(items).to_bytes(2, "big") + infes)
    hdlr = _box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13)

    def meta_with(offsets):
        iloc = _box(b"iloc", b"\x00\x00\x00\x00" + bytes([0x44, 0x00])
                    + len(items).to_bytes(2, "big") + b"".join(
                        i.to_bytes(2, "big") + b"\x00\x00" + b"\x00\x01"
                        + offsets[i].to_bytes(4, "big") + len(d).to_bytes(4, "big")
                        for i, _t, _e, d in items))
        return _box(b"meta", b"\x00\x00\x00\x00" + hdlr + iinf + iloc)

    head = ftyp + meta_with({i: 0 for i, *_ in items}) + b"\x00" * 8  # mdat header
    offsets, pos = {}, len(head)
    for i, _t, _e, data in items:
        offsets[i] = pos
        pos += len(data)
    mdat = _box(b"mdat", b"".join(d for *_, d in items))
    return ftyp + meta_with(offsets) + mdat


def sniff_bytes(data: bytes, *, name: str = "") -> str | None:
    """``sniff.detect`` on bytes in memory."""
    return sniff.detect(io.BytesIO(data), name=name)

"""Which kind of file this is, by its content: never by its name or the browser's word.

Only the kinds listed in ``KINDS`` are accepted. An executable (MZ, ELF,
Mach-O) is named as such so the refusal can say so; an OLE container that is
not a Word, Excel or PowerPoint file (an .msi installer is one too) is refused.
"""

import zipfile
from dataclasses import dataclass

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str  # the one given when the name's own does not fit
    extensions: tuple[str, ...] = ()  # others that fit this content
    image: bool = False  # re-encoded, gets a thumbnail, shown inline

    def fits(self, extension: str) -> bool:
        return extension == self.extension or extension in self.extensions


def _k(code, content_type, extension, *extensions, image=False):
    return Kind(code, content_type, extension, extensions, image)


KINDS = {kind.code: kind for kind in [
    _k("jpeg", "image/jpeg", ".jpg", ".jpeg", ".jpe", image=True),
    _k("png", "image/png", ".png", image=True),
    _k("webp", "image/webp", ".webp", image=True),
    _k("heic", "image/heic", ".heic", ".heif"),  # see images.py: stored as it came
    _k("pdf", "application/pdf", ".pdf"),
    _k("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
       ".docx", ".docm", ".dotx"),
    _k("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
       ".xlsx", ".xlsm", ".xltx"),
    _k("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
       ".pptx", ".ppsx"),
    _k("doc", "application/msword", ".doc", ".dot"),
    _k("xls", "application/vnd.ms-excel", ".xls", ".xlt"),
    _k("ppt", "application/vnd.ms-powerpoint", ".ppt", ".pps"),
    _k("odt", "application/vnd.oasis.opendocument.text", ".odt"),
    _k("ods", "application/vnd.oasis.opendocument.spreadsheet", ".ods"),
    _k("odp", "application/vnd.oasis.opendocument.presentation", ".odp"),
    _k("zip", "application/zip", ".zip"),
    _k("csv", "text/csv", ".csv"),
    _k("text", "text/plain", ".txt", ".log", ".md", ".ini", ".json", ".xml"),
]}

EXECUTABLE = "executable"
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                    b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_STREAMS = (("doc", "WordDocument"), ("xls", "Workbook"), ("xls", "Book"),
               ("ppt", "PowerPoint Document"))
ODF_TYPES = {"application/vnd.oasis.opendocument.text": "odt",
             "application/vnd.oasis.opendocument.spreadsheet": "ods",
             "application/vnd.oasis.opendocument.presentation": "odp"}
OOXML_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
TEXT_CONTROLS_ALLOWED = {"\t", "\n", "\r", "\f"}


def detect(fileobj, *, name: str = "") -> str | None:
    """The code of a kind in ``KINDS``, ``EXECUTABLE``, or ``None`` (not allowed).

    ``name`` only chooses between kinds the content cannot tell apart (text and CSV).
    Reads from the start of ``fileobj`` and leaves it at the start.
    """
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if head.startswith(EXECUTABLE_MAGIC):
        return EXECUTABLE
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heic"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return _ole_kind(fileobj)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(fileobj)
    return _text_kind(fileobj, name)


def _ole_kind(fileobj) -> str | None:
    # Stream names sit in the directory sectors as UTF-16LE; the file is at most
    # ATTACHMENT_MAX_MB, so reading it to look is cheap enough.
    data = fileobj.read()
    fileobj.seek(0)
    for code, stream in OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return code
    return None


def _zip_kind(fileobj) -> str | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for prefix, code in OOXML_PARTS:
                    if any(n.startswith(prefix) for n in names):
                        return code
                return "zip"
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as part:
                    mimetype = part.read(100).decode("ascii", "replace").strip()
                return ODF_TYPES.get(mimetype, "zip")
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        return None
    finally:
        fileobj.seek(0)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _text_kind(fileobj, name: str) -> str | None:
    data = fileobj.read()
    fileobj.seek(0)
    if not data or b"\x00" in data:
        return None
    text = _decode(data.removeprefix(b"\xef\xbb\xbf"))
    if text is None and data:
        # A multi-byte UTF-8 character cut by nothing but a broken tail is still text.
        text = _decode(data[:-3])
    if text is None or any(ch < " " and ch not in TEXT_CONTROLS_ALLOWED for ch in text):
        return None
    return "csv" if name.lower().endswith(".csv") else "text"


def kind_of(code: str) -> Kind:
    return KINDS[code]

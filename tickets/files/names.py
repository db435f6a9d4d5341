"""A name a file may be shown and downloaded under: no path, no control or
direction-changing characters, not too long, with an extension that matches
what the file really is."""

import unicodedata
from pathlib import PurePosixPath

from .sniff import Kind

MAX_NAME_LENGTH = 120
RESERVED = set('<>:"/\\|?*')


def clean_base(raw: str) -> str:
    """The last part of a path, without control, format and reserved characters."""
    base = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    # Cc: control characters; Cf: format ones (U+202E would show "exe.pdf" as "fdp.exe").
    base = "".join("_" if ch in RESERVED else ch for ch in base
                   if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    return " ".join(base.split()).strip(" .")


def safe_name(raw: str, kind: Kind, *, fallback: str = "файл") -> str:
    base = clean_base(raw)
    suffix = PurePosixPath(base).suffix.lower()
    stem = base[: -len(suffix)] if suffix else base
    if not kind.fits(suffix):
        stem, suffix = base, kind.extension  # "report.exe" that is a PDF → "report.exe.pdf"
    stem = stem.strip(" .") or fallback
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix

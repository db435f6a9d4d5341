"""Images are re-encoded: what the camera wrote beside the pixels (EXIF with GPS,
XMP, comments) does not survive, and a small JPEG thumbnail is made for the dialog.

HEIC is not decoded and gets no thumbnail: Pillow cannot read it, and the
plugin that can (pillow-heif) would pull a newer Pillow into every deployment
and bundles its own codec libraries (libheif, libde265, x265) with their own
security updates to follow. Its EXIF and XMP are blanked in place instead
(heif.py); HEIC files are served as downloads, never inline.
"""

import io
import warnings

from PIL import Image, ImageOps

# A 10 MB file can still unpack to gigabytes (a "decompression bomb"): refuse
# anything larger than a 50-megapixel photo.
MAX_PIXELS = 50_000_000
THUMBNAIL_SIZE = (320, 320)
SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True},
                "PNG": {"optimize": True},
                "WEBP": {"quality": 90, "method": 4}}


class ImageError(Exception):
    """Not a readable image, or too large to open safely."""


def _open(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("too large") from exc
    except Exception as exc:  # noqa: BLE001  Pillow raises many types for a broken file
        raise ImageError(str(exc)) from exc
    return image


def clean(data: bytes) -> tuple[bytes, bytes]:
    """``(image without metadata, JPEG thumbnail)`` in the image's own format.

    The orientation EXIF asked for is applied to the pixels first, so a phone
    photo still stands the right way up once the EXIF is gone.
    """
    image = _open(data)
    fmt = image.format
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    # A new image from the pixels alone: nothing from ``info`` (exif, xmp, comments,
    # text chunks) can ride along. The colour profile is kept: it is no one's data.
    pixels = Image.new(upright.mode, upright.size)
    pixels.paste(upright)
    if upright.mode == "P" and upright.getpalette():
        pixels.putpalette(upright.getpalette())
        if "transparency" in upright.info:
            pixels.info["transparency"] = upright.info["transparency"]
    options = dict(SAVE_OPTIONS.get(fmt, {}))
    if icc := image.info.get("icc_profile"):
        options["icc_profile"] = icc
    if "transparency" in pixels.info:
        options["transparency"] = pixels.info["transparency"]
    out = io.BytesIO()
    pixels.save(out, format=fmt, **options)
    return out.getvalue(), _thumbnail(pixels)


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode in ("RGBA", "LA", "P"):
        thumb = thumb.convert("RGBA")
        background = Image.new("RGB", thumb.size, "white")
        background.paste(thumb, mask=thumb.getchannel("A"))
        thumb = background
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue()

"""Photos people take of a paper tablecloth: checked, stripped of every metadata, resized.

A phone's photo carries EXIF metadata: where it was taken (GPS), when, the phone's make and
serial. None of it may be kept. Rather than editing metadata out (easy to miss a block), the
image is decoded and encoded again as a plain JPEG with no metadata at all, turned upright
first (the EXIF orientation is applied to the pixels, since the tag goes). Large photos are
scaled down to ``MAX_SIDE`` so a projector and old phones can show them.

Pillow decodes and encodes; it is a runtime dependency for this alone.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from facilitator.core.errors import DomainError
from facilitator.i18n import _

MAX_BYTES = 8 * 1024 * 1024  # what a phone camera's JPEG usually weighs, with room to spare
MAX_PIXELS = 50_000_000  # refused before decoding: a small file can claim a huge image
MAX_SIDE = 1600
QUALITY = 82
FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class Photo:
    """A cleaned photo: JPEG bytes, size, and an id derived from its content."""

    data: bytes
    width: int
    height: int

    @property
    def id(self) -> str:
        return "ph" + hashlib.sha256(self.data).hexdigest()[:30]


def clean(data: bytes) -> Photo:
    """Check an uploaded image and return it as a metadata-free JPEG.

    :raises DomainError: too large, not an image, a type phones cannot show, or damaged.
    """
    if len(data) > MAX_BYTES:
        raise DomainError(_("That photo is too large (at most %d MB).") % (MAX_BYTES >> 20))
    if not data:
        raise DomainError(_("The photo is empty. Please take it again."))
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        raise DomainError(_("That photo is in HEIC format, which cannot be shown here. Please "
                            "send it as JPEG (on an iPhone: Settings, Camera, Formats, Most "
                            "Compatible)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise DomainError(_("Please send a photo (JPEG, PNG or WebP)."))
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_("That photo has too many pixels."))
            image.load()
            image = ImageOps.exif_transpose(image) or image
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DomainError(_("That file is not a photo this page can read (JPEG, PNG or "
                            "WebP).")) from None
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")  # transparency becomes white
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # only the pixels travel on: a fresh image has no info (Pillow would otherwise write back
    # a JPEG comment, an ICC profile or XMP it read)
    bare = Image.new("RGB", image.size)
    bare.paste(image)
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=QUALITY, optimize=True)
    return Photo(out.getvalue(), image.width, image.height)

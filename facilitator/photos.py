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
import threading
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from facilitator.blocking import run_blocking
from facilitator.core.errors import DomainError
from facilitator.i18n import _

MAX_BYTES = 8 * 1024 * 1024  # what a phone camera's JPEG usually weighs, with room to spare
# refused from the header, before decoding: a 46 KB PNG can claim 7000x7000 pixels, and
# decoding one takes ~4 bytes a pixel. 25 M pixels is more than any phone camera's photo
# (a 200 MP sensor saves 12 MP by default).
MAX_PIXELS = 25_000_000
MAX_DRAIN = 64 * 1024 * 1024  # an oversized upload is read and dropped up to this much
DECODING = threading.BoundedSemaphore(2)  # at most two images decoded at once, server-wide
MAX_SIDE = 1600
QUALITY = 82
FORMATS = {"JPEG", "PNG", "WEBP"}
ORIENTATION = 0x0112  # the EXIF tag; its value says how to turn the pixels upright
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
             4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
             6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}  # as ImageOps.exif_transpose does


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
    # Image.open reads only the header: the size is known before any pixel is decoded.
    # Pillow refuses by itself past twice its MAX_IMAGE_PIXELS (DecompressionBombError):
    # that too is "too large", not "not a photo".
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise DomainError(_("That photo is too large: it has more than %(limit)d million "
                            "pixels. Please send a smaller one.")
                          % {"limit": MAX_PIXELS // 1_000_000}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise DomainError(_("That file is not a photo this page can read (JPEG, PNG or "
                            "WebP).")) from None
    if image.format not in FORMATS:
        raise DomainError(_("Please send a photo (JPEG, PNG or WebP)."))
    if image.width * image.height > MAX_PIXELS:
        raise DomainError(_("That photo is too large: %(width)d by %(height)d pixels, and "
                            "the limit is %(limit)d million pixels. Please send a smaller "
                            "one.") % {"width": image.width, "height": image.height,
                                       "limit": MAX_PIXELS // 1_000_000})
    with DECODING:  # others wait here (a green thread under eventlet), holding no pixels
        return run_blocking(_decode, image)  # off the event loop: /healthz stays quick


def drain(stream: Any, length: int) -> None:
    """Read and drop up to ``MAX_DRAIN`` bytes of a request body that will be refused, so the
    client finishes sending and reads the answer (past the bound, the connection closes)."""
    left = min(length, MAX_DRAIN)
    while left > 0:
        chunk = stream.read(min(left, 256 * 1024))
        if not chunk:
            return
        left -= len(chunk)


def _decode(image: Image.Image) -> Photo:
    """Decode, turn upright, flatten, scale and encode again (the costly part)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                # a JPEG decodes straight to a smaller scale (1/2, 1/4, 1/8): far less memory
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            orientation = image.getexif().get(ORIENTATION, 1)
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        raise DomainError(_("That file is not a photo this page can read (JPEG, PNG or "
                            "WebP).")) from None
    # scale down before any colour conversion: converting 25 M pixels to RGBA first would
    # take 100 MB per photo; reduce() is a quick box filter to a size still at least MAX_SIDE
    factor = max(image.width, image.height) // MAX_SIDE
    if factor >= 2:
        if image.mode not in ("L", "LA", "RGB", "RGBA"):
            transparent = "transparency" in image.info or image.mode in ("PA", "RGBa", "La")
            image = image.convert("RGBA" if transparent else "L" if image.mode == "1"
                                  else "RGB")
        image = image.reduce(factor)
    if orientation in TRANSPOSE:  # turned upright once small (a full-size copy costs 100 MB)
        image = image.transpose(TRANSPOSE[orientation])
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

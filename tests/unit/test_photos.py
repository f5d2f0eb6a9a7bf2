"""Tablecloth photos: every metadata block goes, the picture is upright and small enough,
and anything that is not a photo is refused with a sentence."""

import io

import pytest
from PIL import Image

from facilitator.core.errors import DomainError
from facilitator.photos import MAX_SIDE, clean

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_location(width: int = 400, height: int = 300, orientation: int = 1) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    image.paste((200, 0, 0), (0, 0, width // 2, height))  # left half red
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # make
    exif[0x0110] = "Phone 12"  # model
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 57.0, 10.0), 3: "W", 4: (3.0, 11.0, 5.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at the community centre")
    return out.getvalue()


def test_location_and_every_other_metadata_is_removed() -> None:
    raw = jpeg_with_location()
    assert b"PhoneMaker" in raw and b"community centre" in raw
    photo = clean(raw)
    assert b"PhoneMaker" not in photo.data and b"community centre" not in photo.data
    assert b"Exif" not in photo.data
    out = Image.open(io.BytesIO(photo.data))
    assert out.format == "JPEG" and not out.getexif() and "exif" not in out.info
    assert (photo.width, photo.height) == (400, 300)
    assert photo.id.startswith("ph") and photo.id == clean(raw).id


def test_the_photo_is_turned_upright_before_its_orientation_tag_goes() -> None:
    photo = clean(jpeg_with_location(400, 300, orientation=6))  # phone held sideways
    assert (photo.width, photo.height) == (300, 400)
    out = Image.open(io.BytesIO(photo.data)).convert("RGB")
    assert out.getpixel((150, 10))[0] > 150 and out.getpixel((150, 390))[1] > 150


def test_a_large_photo_is_scaled_down() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4000, 3000), "grey").save(buf, "JPEG")
    photo = clean(buf.getvalue())
    assert max(photo.width, photo.height) == MAX_SIDE and photo.width / photo.height == 4 / 3


def test_png_with_transparency_and_text_chunks_becomes_a_plain_jpeg() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "55.95 N, 3.19 W")
    buf = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(buf, "PNG", pnginfo=info)
    photo = clean(buf.getvalue())
    assert b"55.95" not in photo.data
    assert Image.open(io.BytesIO(photo.data)).getpixel((1, 1)) == (255, 255, 255)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"<svg onload=alert(1)>", "not a photo"),
    (b"GIF89a" + b"\0" * 100, "not a photo"),
    (b"\0\0\0\x18ftypheic" + b"\0" * 100, "HEIC"),
    (b"\xff" * (8 * 1024 * 1024 + 1), "too large"),
])
def test_what_is_not_a_usable_photo_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        clean(data)


def test_a_small_file_claiming_a_huge_image_is_refused_before_decoding() -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(buf, "PNG")  # 80 megapixels in a few kilobytes
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(DomainError, match="too large"):
        clean(buf.getvalue())


def test_a_gif_is_refused_even_when_pillow_reads_it() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "GIF")
    with pytest.raises(DomainError, match="JPEG, PNG or WebP"):
        clean(buf.getvalue())

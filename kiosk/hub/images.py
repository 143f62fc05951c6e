"""Checking an uploaded material image before the hub keeps it.

A material's image comes from a booth's document camera as JPEG or PNG. What is stored
is later opened in clerks' browsers and in the certificate pipeline, so the hub accepts
only what it says it is: the magic bytes must match the declared type, the picture must
open and verify with Pillow, and its dimensions must be bounded (a small file that
decompresses into gigapixels, a "decompression bomb", is refused before it is decoded).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from kiosk.hub.errors import ApiError

MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# A document camera takes up to ~16 Mpx (4656 x 3496); one side is never longer than this.
MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000


def check_image(data: bytes, declared_type: str) -> tuple[int, int]:
    """The (width, height) of a well-formed image of ``declared_type``; else 422."""
    magics = MAGIC.get(declared_type)
    if magics is None:
        raise ApiError(422, "unsupported_image_type", "images are image/jpeg or image/png")
    if not data.startswith(magics):
        raise ApiError(422, "image_type_mismatch", f"the image's bytes are not {declared_type}")
    try:
        with warnings.catch_warnings():
            # Pillow warns (and only raises past twice its limit) for big images: a warning
            # here is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMATS[declared_type]]) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise ApiError(
                        422,
                        "image_too_large",
                        f"images are at most {MAX_SIDE} px a side and {MAX_PIXELS} px",
                        width=width,
                        height=height,
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApiError(422, "image_too_large", "the image decompresses too large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ApiError(422, "bad_image", "the image cannot be read") from None
    return width, height

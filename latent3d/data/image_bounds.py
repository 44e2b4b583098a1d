"""Bounds on the work an untrusted PNG or JPEG may cause, checked on its bytes and header before anything is decoded.

Pillow parses a JPEG's metadata segments and a PNG's chunks in Python, one at a time, and
joins repeated Exif segments by concatenation: 900 Exif segments of 64 kB in front of a
112x112 image took 26-76 s to open. A PNG cannot be decoded at a smaller size, so its cost is
set by its declared pixel count: a legal 6300x6300 RGBA PNG took 1.0-1.7 GB and 4-29 s. So
before Pillow sees a file its segments or chunks are counted here (a walk over their headers
that stops at a fixed count), and a PNG's pixel count is capped from its header; a JPEG is
decoded at 1/2, 1/4 or 1/8 scale (Pillow's ``draft``) when it is larger than needed.
"""

from __future__ import annotations

__all__ = ["MAX_JPEG_METADATA_BYTES", "MAX_JPEG_SCANS", "MAX_JPEG_SEGMENTS", "MAX_PNG_CHUNKS", "MAX_PNG_PIXELS",
           "WORK_SIDE", "StructureError", "check_structure"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_JPEG_SEGMENTS = 256  # segments before the image data (a photo has about 10: tables, frame, Exif, XMP, ICC)
MAX_JPEG_METADATA_BYTES = 8 << 20  # APPn and COM bytes (Exif is at most 64 kB; an ICC profile a few MB)
MAX_JPEG_SCANS = 256  # a progressive JPEG has about 10 scans; each one is a pass over every block
MAX_PNG_CHUNKS = 65_536  # a 64 MB PNG in libpng's 8 kB IDAT chunks has 8,192
MAX_PNG_PIXELS = 16_000_000  # a PNG is decoded whole: 16 million pixels are 64 MB as RGBA, under a second
WORK_SIDE = 1024  # the longer side an image is reduced to before its conversion (the result is 28x28)
_WALK_STEPS = 4 * MAX_JPEG_SEGMENTS  # markers and fill bytes looked at before giving up


class StructureError(ValueError):
    """The file's structure would cost more than the bounds allow; the message ends a sentence about the file."""


def check_structure(raw: bytes) -> None:
    """Refuse a JPEG with too many segments, metadata bytes or scans, or a PNG with too many chunks.

    Parameters
    ----------
    raw : bytes
        The whole file (at most 64 MB, already read). Anything that is neither a JPEG nor a PNG
        passes: Pillow names what it is.

    Raises
    ------
    StructureError
        Its text says what the file holds, the bound and what to do, to follow the file's name
        (``"holds more than 256 segments before its image data ...; save it again without metadata"``).

    Notes
    -----
    Only headers are read, never more than a fixed number of them, so the check itself takes
    microseconds whatever the file holds. A structure this walk does not understand is left to
    Pillow, which reports it as damaged.
    """
    if raw.startswith(b"\xff\xd8"):
        _check_jpeg(raw)
    elif raw.startswith(PNG_SIGNATURE):
        _check_png(raw)


def _check_jpeg(raw: bytes) -> None:
    pos, n, segments, metadata = 2, len(raw), 0, 0
    for _ in range(_WALK_STEPS):
        if pos + 1 >= n or raw[pos] != 0xFF:
            return  # not a marker where one should be: Pillow reports the damage
        marker = raw[pos + 1]
        if marker == 0xFF:  # a fill byte
            pos += 1
            continue
        if marker in (0x00, 0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        if marker == 0xD9:
            return
        if marker == 0xDA:  # start of scan: the entropy-coded data follows; its scans are counted in C
            scans = raw.count(b"\xff\xda", pos)  # 0xFF in coded data is always followed by 0x00 or a marker
            if scans > MAX_JPEG_SCANS:
                raise StructureError(f"holds {scans:,} scans (a photo has up to about 10, at most "
                                     f"{MAX_JPEG_SCANS} are decoded); save it again as a baseline JPEG or a PNG")
            return
        if pos + 4 > n:
            return
        length = int.from_bytes(raw[pos + 2:pos + 4], "big")
        segments += 1
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            metadata += length
        if segments > MAX_JPEG_SEGMENTS:
            raise StructureError(f"holds more than {MAX_JPEG_SEGMENTS} segments before its image data (a photo has "
                                 "about 10); save it again without metadata")
        if metadata > MAX_JPEG_METADATA_BYTES:
            raise StructureError(f"holds more than {MAX_JPEG_METADATA_BYTES >> 20} MB of metadata before its image "
                                 "data; save it again without metadata")
        pos += 2 + length
    raise StructureError(f"holds more than {_WALK_STEPS} markers and fill bytes before its image data; save it "
                         "again without metadata")


def _check_png(raw: bytes) -> None:
    pos, n = len(PNG_SIGNATURE), len(raw)
    for count in range(MAX_PNG_CHUNKS + 1):
        if pos + 8 > n or raw[pos + 4:pos + 8] == b"IEND":
            return
        if count == MAX_PNG_CHUNKS:
            raise StructureError(f"holds more than {MAX_PNG_CHUNKS:,} chunks; save it again as an ordinary PNG")
        pos += 12 + int.from_bytes(raw[pos:pos + 4], "big")

"""Own-image reading: wall time and peak memory of ``read_image_file`` on hostile and large legal files; prints JSON.

Each file is read in a fresh child process (``os.wait4`` gives its peak resident memory), so the
figures are the whole cost of one read, as ``run.py encode`` pays it. The files (issue 29): a 59 MB
JPEG with 900 Exif segments in front of a 112x112 image, a 6300x6300 RGBA PNG (both refused from
their headers now), a 4000x4000 RGBA PNG and a 7000x5000 JPEG (both accepted). Give ``--code`` a
checkout's folder to measure that checkout's reader instead (old and new, alternating, one run).

    python benchmarks/bench_image_read.py [--repeats 3] [--code OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from latent3d.data.image_file import ImageFileError, read_image_file
try:
    read_image_file(sys.argv[2])
    print("read")
except ImageFileError:
    print("refused")
"""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _rgba_png(path: Path, side: int) -> None:
    z = zlib.compressobj(1)
    blank = b"\0" + bytes(4 * side)
    square = b"\0" + bytes(4 * (side // 4)) + b"\xff" * (4 * (side // 2)) + bytes(4 * (side - side // 4 - side // 2))
    data = b"".join(z.compress(square if side // 4 <= y < 3 * side // 4 else blank) for y in range(side)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))


def make_files_names(folder: Path) -> dict[str, Path]:
    """Where :func:`make_files` writes each case."""
    return {"jpeg 900 exif segments": folder / "app1.jpg", "png 6300x6300 rgba": folder / "big.png",
            "png 4000x4000 rgba": folder / "png16mp.png", "jpeg 7000x5000": folder / "jpg35mp.jpg"}


def make_files(folder: Path) -> dict[str, Path]:
    """The four files of the issue's measurements."""
    small = np.zeros((112, 112), np.uint8)
    small[20:90, 30:80] = 255
    buf = io.BytesIO()
    Image.fromarray(small).save(buf, "JPEG")
    body = b"Exif\0\0" + bytes(65527)
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    files = make_files_names(folder)
    files["jpeg 900 exif segments"].write_bytes(buf.getvalue()[:2] + segment * 900 + buf.getvalue()[2:])
    _rgba_png(files["png 6300x6300 rgba"], 6300)
    _rgba_png(files["png 4000x4000 rgba"], 4000)
    h, w = 5000, 7000
    yy, xx = np.ogrid[:h, :w]
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[((yy - h / 2) / (h / 3)) ** 2 + ((xx - w / 2) / (w / 3)) ** 2 < 1] = 255
    Image.fromarray(rgb).save(files["jpeg 7000x5000"], quality=90)
    return files


def read_once(code: Path, path: Path) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and the outcome of one read in a fresh child."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(code), str(path)], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout is not None else ""
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - t, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--code", type=Path, help="another checkout's folder, measured alternately with this one")
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)  # the child that writes the files
    args = parser.parse_args()
    if args.make is not None:
        make_files(args.make)
        return
    codes = {"this": REPO} | ({"other": args.code.resolve()} if args.code else {})
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        # Written by a child: a forked reader's peak memory would include this process's arrays.
        subprocess.run([sys.executable, __file__, "--make", tmp], check=True)
        files = make_files_names(Path(tmp))
        for case, path in files.items():
            runs: dict[str, list[tuple[float, float, str]]] = {k: [] for k in codes}
            for _ in range(args.repeats):
                for name, code in codes.items():
                    runs[name].append(read_once(code, path))
            for name, got in runs.items():
                results.append({"case": case, "code": name, "file_mb": round(path.stat().st_size / 1e6, 1),
                                "wall_s": round(statistics.median(r[0] for r in got), 3),
                                "peak_rss_mb": round(statistics.median(r[1] for r in got), 1), "outcome": got[0][2]})
    print(json.dumps({"loadavg": os.getloadavg(), "results": results}, indent=1))


if __name__ == "__main__":
    main()

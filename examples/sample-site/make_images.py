#!/usr/bin/env python3
"""Writes the sample site's images (PNG and SVG), deterministically, with the standard library
only. Run it again after changing a size or a pattern; the files are committed so that the demo
and the tests need nothing but this folder.

    python3 examples/sample-site/make_images.py
"""
import math
import pathlib
import struct
import zlib

HERE = pathlib.Path(__file__).resolve().parent


def png(path: pathlib.Path, width: int, height: int, seed: int) -> None:
    """A truecolour PNG (RFC 2083) with a pattern that depends on `seed`."""
    rows = bytearray()
    cell = 4 + seed % 5  # a mosaic of square cells: small files, still a picture per seed
    for y in range(height):
        rows.append(0)  # filter type 0 (None) for every scanline
        for x in range(width):
            cx, cy = x // cell, y // cell
            v = math.sin(cx * 0.35 + seed) + math.cos(cy * 0.29 + 2 * seed)
            r = int(128 + 60 * v) & 0xF0
            g = int(128 + 60 * math.sin((cx + cy) * 0.21 + seed)) & 0xF0
            b = (40 + 25 * seed) & 0xF0
            rows += bytes((r, g, b))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    data += chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
    path.write_bytes(data)


def svg(path: pathlib.Path, size: int, seed: int) -> None:
    shapes = []
    for i in range(6):
        cx = (seed * 37 + i * 53) % size
        cy = (seed * 17 + i * 71) % size
        r = 8 + (seed * 5 + i * 13) % (size // 4)
        hue = (seed * 47 + i * 60) % 360
        shapes.append(f'  <circle cx="{cx}" cy="{cy}" r="{r}" fill="hsl({hue},70%,55%)"/>')
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">\n'
        f'  <rect width="{size}" height="{size}" fill="hsl({seed * 29 % 360},30%,92%)"/>\n'
        + "\n".join(shapes) + "\n</svg>\n")


def main() -> None:
    img = HERE / "img"
    icons = HERE / "icons"
    img.mkdir(exist_ok=True)
    icons.mkdir(exist_ok=True)
    # Gallery photos of several sizes, from thumbnails to a large one.
    sizes = [(96, 64), (128, 96), (160, 120), (200, 150), (240, 180), (320, 240),
             (64, 64), (96, 96), (128, 128), (256, 192), (400, 300), (480, 360)]
    for i, (w, h) in enumerate(sizes, start=1):
        png(img / f"photo-{i:02d}.png", w, h, i)
    # One picture in three widths for srcset.
    for w in (160, 320, 640):
        png(img / f"hero-{w}.png", w, w * 9 // 16, 3)
    for i in range(1, 7):
        svg(img / f"shape-{i}.svg", 96, i)
    png(icons / "favicon.png", 32, 32, 7)
    png(icons / "touch-icon.png", 180, 180, 8)
    png(img / "button-go.png", 48, 24, 9)
    png(img / "poster.png", 320, 180, 10)


if __name__ == "__main__":
    main()

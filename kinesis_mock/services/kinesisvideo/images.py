"""Placeholder stills for GetImages: valid, mid-grey JPEG and PNG images of
the requested size. The mock stores media as opaque bytes and cannot decode
frames, so an image only says "media existed at this time", at the size and
in the format asked for."""

from __future__ import annotations

import struct
import zlib


def grey_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = (b"\x00" + b"\x80" * width) * height  # filter byte, then the pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def grey_jpeg(width: int, height: int) -> bytes:
    """A baseline greyscale JPEG whose every 8x8 block is mid-grey.

    Mid-grey level-shifts to zero, so each block has a DC difference of
    category 0 and an immediate end-of-block: with one-symbol Huffman tables
    both are the one-bit code ``0``, two bits a block."""

    def segment(marker: int, data: bytes) -> bytes:
        return struct.pack(">HH", 0xFF00 | marker, len(data) + 2) + data

    quantisation = segment(0xDB, b"\x00" + b"\x01" * 64)
    frame = segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    one_symbol = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1: symbol 0
    huffman = segment(0xC4, b"\x00" + one_symbol + b"\x10" + one_symbol)
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = 2 * blocks
    data = bytearray(bits // 8)  # every coded bit is 0
    if bits % 8:
        data.append(0xFF >> (bits % 8))  # pad the last byte with 1 bits
    if data and data[-1] == 0xFF:
        data.append(0x00)  # byte stuffing
    return b"\xff\xd8" + quantisation + frame + huffman + scan + bytes(data) + b"\xff\xd9"

"""Decode a file's bytes to text and name the codec used."""

from __future__ import annotations

import codecs

from domain.csvfile.report import ImportFileError

# Checked in this order because the UTF-32-LE mark begins with the UTF-16-LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python's cp1252 codec rejects the five bytes Windows-1252 leaves undefined
# (0x81, 0x8D, 0x8F, 0x90, 0x9D). Browsers map them to the C1 control
# characters of the same value (WHATWG Encoding Standard, "windows-1252"),
# which Latin-1 decoding followed by this table reproduces.
_CP1252_FROM_LATIN1 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}

# Office file signatures: a workbook saved as .xlsx (ZIP) or .xls (OLE2).
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode `data` and return the text and the codec name.

    A byte order mark selects UTF-8, UTF-16 or UTF-32 and is removed. Without
    one, text that looks like UTF-16 (every other byte zero) is decoded as
    such, then strict UTF-8 is tried, then Windows-1252, which decodes any
    byte. No step inserts U+FFFD.

    Raises:
        ImportFileError: if the file is a spreadsheet workbook, or if bytes
            after a byte order mark are invalid in that encoding.
    """
    if data.startswith(_WORKBOOK_SIGNATURES):
        raise ImportFileError(
            path,
            "not a CSV file",
            "the file is a spreadsheet workbook (.xlsx or .xls): save it from "
            "the spreadsheet program as CSV and import that file",
        )
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _decode_strict(data, codec, path, len(mark)), codec
    utf16 = _guess_utf16(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("latin-1").translate(_CP1252_FROM_LATIN1), "cp1252"


def _decode_strict(data: bytes, codec: str, path: str, mark_length: int) -> str:
    # The mark is cut off by hand, so "utf-8-sig" can decode as plain UTF-8.
    body_codec = "utf-8" if codec == "utf-8-sig" else codec
    try:
        return data[mark_length:].decode(body_codec)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            path,
            "cannot decode file",
            f"the file starts with a {body_codec} byte order mark, but byte "
            f"{error.start + mark_length} is not valid {body_codec}: save the "
            "file again as UTF-8",
        ) from error


def _guess_utf16(data: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" if `data` looks like BOM-less UTF-16.

    ASCII text in UTF-16 has a zero byte in every code unit. The guess needs
    at least 16 bytes, an even length, and zeros in at least 3/4 of the odd
    (LE) or even (BE) positions and almost none in the other positions.
    """
    if len(data) < 16 or len(data) % 2:
        return None
    sample = data[:4096]
    half = len(sample) // 2
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    if odd_zeros >= half * 3 // 4 and even_zeros <= half // 16:
        return "utf-16-le"
    if even_zeros >= half * 3 // 4 and odd_zeros <= half // 16:
        return "utf-16-be"
    return None

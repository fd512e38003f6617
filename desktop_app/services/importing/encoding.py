"""Guessing the text encoding of an export: Chinese shop back-ends write UTF-8 (with or
without BOM), GBK/GB18030 (Excel on Chinese Windows) or UTF-16 ("Unicode text")."""

from __future__ import annotations

import codecs
import re

SAMPLE_BYTES = 1 << 20
# How text readers decode: every byte that does not decode becomes one lone surrogate
# U+DC00+byte, so the row holding it can be rejected (or re-read as GBK) and the file kept.
# Unlike "surrogateescape" this also covers bytes below 0x80 (a UTF-16 file cut at an odd byte).
DECODE_ERRORS = "aftersales-escape"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnknownEncodingError(ValueError):
    pass


def _escape_each_byte(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(DECODE_ERRORS, _escape_each_byte)


def check_encoding(name: str) -> str:
    """``name`` as Python's codec registry knows it (``--encoding gbk``), or UnknownEncodingError."""
    try:
        "".encode(name)  # LookupError for bytes-to-bytes codecs too (base64, rot13)
        return codecs.lookup(name).name
    except LookupError:
        raise UnknownEncodingError(f"unknown encoding {name!r} (e.g. utf-8, gb18030, utf-16)") from None


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=False)  # the sample may end inside a character
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-8 and GB18030 text has no NUL bytes; UTF-16 has one in every ASCII character
    (digits, delimiters, line ends). How many depends on how much of the text is Chinese,
    so the byte order is decided by where the line breaks decode, not by a NUL ratio.

    Three NULs in a row are no UTF-16 text (only a U+0000 character makes them) but padding,
    e.g. a UTF-8 file a crash left with a run of NUL bytes: such runs are not counted. And
    Chinese UTF-16 is never valid UTF-8 (about half of all CJK code units put a byte >= 0x80
    before an ASCII one), so valid UTF-8 with a few stray NULs is UTF-8; only ASCII-only
    UTF-16, whose every other byte is NUL, is valid UTF-8 too."""
    sample = re.sub(rb"\x00{3,}", b"", sample)
    nuls = sample.count(0)
    if len(sample) < 4 or nuls < 0.01 * len(sample):
        return None
    if nuls < 0.25 * len(sample) and _decodes(sample, "utf-8"):
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = codecs.getincrementaldecoder(name)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if "\n" in text or "\r" in text:
            return name
    return None


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 with a few damaged bytes (a cut-off character, a stray byte in one row).

    GBK text read as UTF-8 yields several bad bytes for every character that happens to
    decode, so "at most one bad byte per ten good non-ASCII characters" separates the two.
    """
    return _mostly_utf8_text(sample.decode("utf-8", errors="surrogateescape"))


def _mostly_utf8_text(text: str) -> bool:
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in text if ch > "\x7f" and not "\udc80" <= ch <= "\udcff")
    return 0 < bad * 10 <= good


def detect_encoding(sample: bytes) -> str:
    """The encoding to read a file whose first bytes are ``sample`` (up to ~1 MiB)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    bomless_utf16 = _utf16_without_bom(sample)
    if bomless_utf16:
        return bomless_utf16
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _mostly_utf8(sample):
        # Decoded with surrogateescape: only the rows holding the damaged bytes are rejected.
        return "utf-8"
    if _decodes(sample, "gb18030"):
        return "gb18030"
    # Damaged in more places than that forgives (a short file, several bad rows): its lines
    # decide, so that the file is read and only the damaged rows are rejected. A clean UTF-8
    # line with Chinese in it means UTF-8 (GBK rows, if any, are read again one by one).
    utf8_lines, gbk_lines = _line_evidence(sample)
    if utf8_lines:
        return "utf-8"
    if gbk_lines:
        return "gb18030"
    raise UnknownEncodingError("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text")


def _line_evidence(sample: bytes) -> tuple[int, int]:
    """How many lines with non-ASCII bytes are clean UTF-8, and how many clean GB18030 only.
    (A line break is never part of a character in either.)"""
    utf8 = gbk = 0
    for line in sample.split(b"\n"):
        if line.isascii():
            continue
        if _decodes(line, "utf-8"):
            utf8 += 1
        elif _decodes(line, "gb18030"):
            gbk += 1
    return utf8, gbk


_UNDECODABLE = re.compile("[\udc00-\udcff]")


def has_undecodable(text: str) -> bool:
    """Bytes that did not decode are kept as lone surrogates (``DECODE_ERRORS``)."""
    return _UNDECODABLE.search(text) is not None


def redecode_as_gbk(text: str) -> str | None:
    """A row read as UTF-8 that holds undecodable bytes, read again as GB18030, when its bytes
    look like GBK rather than UTF-8 with a damaged character; else None.

    Shops append GBK exports to UTF-8 ones, so GBK rows can start after the sample that chose
    UTF-8. The row's bytes are exactly what the UTF-8 reading escaped (ASCII, and so every
    delimiter and quote, decodes the same in both), so nothing is lost by reading them again.
    """
    if _mostly_utf8_text(text):
        return None
    try:
        return text.encode("utf-8", errors="surrogateescape").decode("gb18030")
    except UnicodeError:
        return None

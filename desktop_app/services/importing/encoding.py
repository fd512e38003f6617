"""Guessing the text encoding of an export: Chinese shop back-ends write UTF-8 (with or
without BOM), GBK/GB18030 (Excel on Chinese Windows) or UTF-16 ("Unicode text")."""

from __future__ import annotations

import codecs

SAMPLE_BYTES = 1 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnknownEncodingError(ValueError):
    pass


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
    so the byte order is decided by where the line breaks decode, not by a NUL ratio."""
    if len(sample) < 4 or sample.count(0) < 0.01 * len(sample):
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
    text = sample.decode("utf-8", errors="surrogateescape")
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
    raise UnknownEncodingError("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text")


def has_undecodable(text: str) -> bool:
    """Bytes that did not decode are kept as lone surrogates (``surrogateescape``)."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)

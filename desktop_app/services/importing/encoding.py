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


def detect_encoding(sample: bytes) -> str:
    """The encoding to read a file whose first bytes are ``sample`` (up to ~1 MiB)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if len(sample) >= 4:
        # BOM-less UTF-16: ASCII-range characters leave a NUL in every other byte.
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_nuls > 0.25 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.25 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _decodes(sample, "gb18030"):
        return "gb18030"
    raise UnknownEncodingError("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text")


def has_undecodable(text: str) -> bool:
    """Bytes that did not decode are kept as lone surrogates (``surrogateescape``)."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)

"""Turn fetched bytes into text without ever raising. Pure: no I/O.

Order of evidence, first that decodes cleanly wins:

1. a byte-order mark (browsers let a BOM override everything, so do we), or markup that
   starts with ``<`` as UTF-16 (``<\\x00``: a BOM-less UTF-16 XML document, XML 1.0 appendix F);
2. the ``charset`` of the Content-Type header;
3. ``<meta charset>`` / ``<meta http-equiv=Content-Type>`` / ``<?xml encoding?>`` in the
   first few kilobytes;
4. UTF-8, strictly;
5. windows-1252, which cannot fail here (undefined bytes map to the C1 controls, as in
   the WHATWG encoding standard).

A declared charset that does not decode the bytes strictly (a header that says UTF-8 over
cp1252 bytes, the commonest lie on the web) is skipped rather than trusted. The opposite lie,
a server default of ``charset=iso-8859-1`` over UTF-8 bytes, is caught too: when the header
names a windows-1252 family label but the bytes are valid UTF-8 with non-ASCII in them, UTF-8
wins (valid multi-byte UTF-8 almost never happens by accident in cp1252 text).

Only the text encodings of the web are obeyed (:data:`WEB_CODECS`, the WHATWG encoding
standard's, as Python names them). Python knows many more labels, and a page may declare any
of them: ``undefined`` (a codec whose decode always raises ``UnicodeError``), ``base64`` or
``rot13`` (not text encodings: ``LookupError``), ``idna`` and ``punycode`` (``UnicodeError``),
``unicode_escape`` (which would read ``\\x3c`` as ``<``), ``utf-7`` (which browsers refuse, as
it smuggles markup). Such a declaration counts as no declaration, so a page, feed or sitemap
that declares one is decoded like one that declares nothing.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

PRESCAN_BYTES = 4096

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF16_MARKUP: tuple[tuple[bytes, str], ...] = ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
# Labels browsers treat as windows-1252 (latin-1 itself would turn curly quotes into C1).
_WINDOWS_1252_ALIASES = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
# Python codec names (``codecs.lookup(label).name``) of the encodings a web page may use.
WEB_CODECS = frozenset(
    {
        "utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "cp866", "koi8-r", "koi8-u",
        "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7",
        "iso8859-8", "iso8859-9", "iso8859-10", "iso8859-11", "iso8859-13", "iso8859-14",
        "iso8859-15", "iso8859-16", "tis-620", "cp874", "mac-roman", "mac-cyrillic",
        "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
        "gbk", "gb2312", "gb18030", "big5", "big5hkscs", "euc_jp", "iso2022_jp", "shift_jis",
        "cp932", "euc_kr", "cp949",
    }
)  # fmt: skip
MAX_LABEL_LENGTH = 40  # WHATWG's longest label, "cseucpkdfmtjapanese", has 19 characters
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.I)
_C1_FROM_SURROGATES = {0xDC00 + byte: byte for byte in range(0x80, 0x100)}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # the Python codec name that was used
    source: str  # "bom", "header", "meta", "utf-8" or "fallback"


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, lower-cased, or None."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            cleaned = value.strip().strip("\"'").strip().lower()
            return cleaned or None
    return None


def normalize_encoding(label: str | None) -> str | None:
    """The Python codec name for a charset label of a web text encoding, else None.

    None for unknown labels and for labels Python knows but the web does not use (see the
    module docstring), for labels over :data:`MAX_LABEL_LENGTH` and for non-printable ones.
    """
    if not label:
        return None
    label = label.strip()
    if not label or len(label) > MAX_LABEL_LENGTH or not (label.isascii() and label.isprintable()):
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    return name if name in WEB_CODECS else None


def sniff_declared_charset(body: bytes) -> str | None:
    """The charset declared inside the document's first bytes (meta tag or XML prolog)."""
    head = body[:PRESCAN_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    encoding = normalize_encoding(match.group(1)[: MAX_LABEL_LENGTH + 1].decode("ascii"))
    if encoding is not None and encoding.startswith("utf-16"):
        # The declaration was readable as ASCII, so the bytes cannot be UTF-16.
        return "utf-8"
    return encoding


def stream_encoding(head: bytes, header_charset: str | None) -> str:
    """The codec to decode a document that is read in pieces, judged by its first bytes.

    A BOM (kept for the decoder to consume: ``utf-8-sig``/``utf-16``), else the header's
    charset, else the document's own declaration, else UTF-8; always a web text encoding.
    Meant for an incremental decoder with ``errors="replace"``, which cannot fail.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = normalize_encoding(header_charset) or sniff_declared_charset(head) or "utf-8"
    # Python's incremental "utf-16" decoder raises without a BOM, even with errors="replace";
    # the label means UTF-16LE then (WHATWG).
    return "utf-16-le" if declared == "utf-16" else declared


def decode_windows_1252(body: bytes) -> str:
    """windows-1252 as browsers do it: the five undefined bytes become C1 controls."""
    return body.decode("cp1252", errors="surrogateescape").translate(_C1_FROM_SURROGATES)


def _strict(body: bytes, encoding: str) -> str | None:
    if encoding == "cp1252":
        return decode_windows_1252(body)
    try:
        return body.decode(encoding)
    except (UnicodeError, LookupError):  # UnicodeDecodeError and codecs that refuse
        return None


def decode_body(body: bytes, header_charset: str | None) -> DecodedText:
    """Decode ``body`` using the best evidence available; never raises."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = _strict(body[len(bom) :], encoding)
            if text is not None:
                return DecodedText(text, encoding, "bom")
    for markup, encoding in _UTF16_MARKUP:
        if body.startswith(markup):
            text = _strict(body, encoding)
            if text is not None:
                return DecodedText(text, encoding, "bom")
    header_encoding = normalize_encoding(header_charset)
    if header_encoding == "cp1252" and not body.isascii() and _strict(body, "utf-8") is not None:
        header_encoding = None
    candidates: tuple[tuple[str | None, str], ...] = (
        (header_encoding, "header"),
        (sniff_declared_charset(body), "meta"),
        ("utf-8", "utf-8"),
    )
    for candidate, source in candidates:
        if candidate is None:
            continue
        decoded = _strict(body, candidate)
        if decoded is not None:
            return DecodedText(decoded, candidate, source)
    return DecodedText(decode_windows_1252(body), "cp1252", "fallback")

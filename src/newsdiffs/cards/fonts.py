"""The fonts a card is drawn with, and the text they can draw.

A system sans-serif with wide coverage when the machine has one (DejaVu Sans: Debian's
``fonts-dejavu-core``, which Chromium and most desktops pull in; else Liberation, Noto,
Arial), bold for the outlet and headline; else Pillow's bundled scalable font
(``ImageFont.load_default(size=...)``, Aileron), which needs nothing installed but covers
ASCII only. Either way no character can break a card: :meth:`Fonts.displayable` turns a
character the font lacks into one it has when there is one ("é" -> "e", "–" -> "-" with
Aileron), and leaves the rest to the font's empty-box glyph (CJK with DejaVu), so the text
is measured exactly as it is drawn.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from newsdiffs.errors import ConfigError

__all__ = ["FONT_SIZES", "FontRole", "Fonts"]

FontRole = Literal["outlet", "meta", "headline", "body"]
FONT_SIZES: dict[FontRole, int] = {"outlet": 28, "meta": 21, "headline": 31, "body": 25}
_BOLD: frozenset[FontRole] = frozenset({"outlet", "headline"})

_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts/dejavu",  # FreeBSD
)
# (regular, bold) in order of preference; bold may be missing.
_CANDIDATES: tuple[tuple[str, str], ...] = (
    *((f"{d}/DejaVuSans.ttf", f"{d}/DejaVuSans-Bold.ttf") for d in _DIRS),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    (
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    ),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)
# Stand-ins for punctuation that has no decomposition, when the font lacks it.
_STAND_INS = {
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "→": "->",
    "←": "<-",
    "‚": ",",
    "„": '"',
    "«": '"',
    "»": '"',
    "′": "'",
    "″": '"',
    "\u00a0": " ",
}
_PROBE_SIZE = 24


def _bundled(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow built without FreeType
        raise ConfigError("diff cards need Pillow with FreeType (pip install pillow)")
    return font


def _glyph_image(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    image = Image.new("L", (_PROBE_SIZE * 3, _PROBE_SIZE * 2))
    ImageDraw.Draw(image).text((4, 4), text, font=font, fill=255)
    return image.tobytes()


@dataclass
class Fonts:
    """One font file (and its bold) at the card's sizes; ``None`` paths: Pillow's own."""

    regular: str | None
    bold: str | None
    _fonts: dict[FontRole, ImageFont.FreeTypeFont] = field(default_factory=dict, repr=False)
    _covered: dict[str, bool] = field(default_factory=dict, repr=False)
    _missing: bytes = b""

    @classmethod
    def system(cls) -> Fonts:
        """The first font of the list above on this machine, else Pillow's bundled one."""
        return _system_fonts()

    @classmethod
    def bundled(cls) -> Fonts:
        return cls(None, None)

    def font(self, role: FontRole) -> ImageFont.FreeTypeFont:
        found = self._fonts.get(role)
        if found is None:
            size = FONT_SIZES[role]
            path = self.bold if role in _BOLD and self.bold else self.regular
            found = ImageFont.truetype(path, size) if path else _bundled(size)
            # Basic layout: no shaping library needed; cards draw left-to-right lines.
            found.layout_engine = ImageFont.Layout.BASIC
            self._fonts[role] = found
        return found

    def _covers(self, char: str) -> bool:
        if char.isascii():
            return True
        found = self._covered.get(char)
        if found is None:
            probe = self.font("body")
            if not self._missing:
                self._missing = _glyph_image(probe, "\uffff")  # never a real character
            found = self._covered[char] = _glyph_image(probe, char) != self._missing
        return found

    def displayable(self, text: str) -> str:
        """``text`` with each character the font lacks replaced by one it has, when there
        is one: its letter without accents, or a stand-in for punctuation."""
        if text.isascii():
            return text
        chars: list[str] = []
        for char in text:
            if self._covers(char):
                chars.append(char)
                continue
            if unicodedata.combining(char):
                continue  # an accent the font cannot put on its letter: the letter alone
            plain = _STAND_INS.get(char) or "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            chars.append(plain if plain and all(self._covers(c) for c in plain) else char)
        return "".join(chars)


@cache
def _system_fonts() -> Fonts:
    for regular, bold in _CANDIDATES:
        if os.path.isfile(regular):
            return Fonts(regular, bold if os.path.isfile(bold) else None)
    return Fonts.bundled()

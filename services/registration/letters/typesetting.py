"""PDF pages in every script the UN writes: one place that knows the fonts.

The Noto fonts come from the operating system (Debian's `fonts-noto-core` and
`fonts-noto-cjk`, installed by the image and by CI; `COORD_FONT_DIRS` names other
folders). fpdf2 draws the text, with HarfBuzz shaping (Arabic joins and reads right to
left, Devanagari conjuncts form) and a fallback font per script.

Two things fpdf2 does not do are done here:
- refuse text that no font can draw (fpdf2 would leave a blank and log a line), both
  when a name is given (400) and when a page is made (409);
- embed Chinese, Japanese and Korean from a small TrueType subset of Noto Sans CJK made
  for the text at hand: the full collection is 20 MB of CFF outlines, slow to load, and
  CFF-keyed text does not extract back from the PDF (pypdf reads it byte by byte).

HarfBuzz (uharfbuzz, which fpdf2 shapes with) reads the fonts' coverage and cuts the CJK
subsets from the memory-mapped files. fontTools did both before: reading the collection's
character map and outlines kept about 65 MB resident in the registration service for good.
"""
import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fpdf import FPDF
import uharfbuzz

from coord.errors import Conflict, Invalid

DEFAULT_FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
SIMPLIFIED_CHINESE = 2  # face index of Noto Sans CJK SC in the .ttc collection
LATIN = "NotoSans"


@dataclass(frozen=True)
class Face:
    family: str
    regular: str
    bold: str
    collection_index: int = 0

    @property
    def subset_per_document(self):
        return self.regular.endswith(".ttc")


# The main face first (Latin, Greek, Cyrillic), then one fallback per other script.
FACES = (
    Face(LATIN, "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    Face("NotoSansArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    Face("NotoSansHebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    Face("NotoSansDevanagari", "NotoSansDevanagari-Regular.ttf",
         "NotoSansDevanagari-Bold.ttf"),
    Face("NotoSansCJK", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc",
         collection_index=SIMPLIFIED_CHINESE),
)


class FontsMissing(RuntimeError):
    """The machine lacks the Noto fonts: an installation fault, said plainly."""


def font_path(filename):
    directories = os.environ.get("COORD_FONT_DIRS", "").split(os.pathsep)
    for directory in [d for d in directories if d] + list(DEFAULT_FONT_DIRS):
        path = os.path.join(directory, filename)
        if os.path.isfile(path):
            return path
    raise FontsMissing(
        f"Font {filename} not found in COORD_FONT_DIRS or {', '.join(DEFAULT_FONT_DIRS)}; "
        "install Debian's fonts-noto-core and fonts-noto-cjk.")


@lru_cache(maxsize=None)
def coverage(face):
    """The code points `face` has a glyph for (read once from its character map)."""
    return frozenset(_harfbuzz_face(face.regular, face.collection_index).unicodes)


def warm_up():
    """Read every face's coverage ahead of the first name to check or page to print."""
    for face in FACES:
        coverage(face)


def _needs_no_glyph(character):
    # Line breaks, tabs, joiners and direction marks shape text; they are never drawn.
    return unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp")


def undrawable(text):
    """The characters of `text` that no face can draw, in order of appearance."""
    missing = []
    for character in text:
        if (character not in missing and not _needs_no_glyph(character)
                and not any(ord(character) in coverage(face) for face in FACES)):
            missing.append(character)
    return missing


def _describe(characters):
    return ", ".join(f"'{c}' (U+{ord(c):04X})" for c in characters)


def check_printable(fields):
    """400 naming each field (of a name or title to be printed) that a font cannot draw."""
    errors = {name: [f"Cannot be printed: no font has {_describe(missing)}."]
              for name, value in fields.items() if value and (missing := undrawable(value))}
    if errors:
        raise Invalid("Some text cannot be printed on letters and badges.",
                      code="unprintable_text", fields=errors)


def new_document(text, *, format="A4", language="en", title="", author=""):
    """An FPDF ready to draw `text` (every string the document will print, joined): the
    fonts it needs are loaded, shaping is on, and undrawable text is refused (409)."""
    missing = undrawable(text)
    if missing:
        raise Conflict(f"This document cannot be printed: no font has {_describe(missing)}.",
                       code="unprintable_text")
    pdf = FPDF(format=format)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang(language)
    beyond_latin = {ord(c) for c in text} - coverage(FACES[0])
    fallbacks = []
    for face in FACES:
        if face.family != LATIN and not beyond_latin & coverage(face):
            continue  # a face is loaded only for characters the main one lacks
        for style, filename in (("", face.regular), ("B", face.bold)):
            pdf.add_font(face.family, style, _font_file(face, filename, text))
        if face.family != LATIN:
            fallbacks.append(face.family)
    pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_font(LATIN, "", 10)
    return pdf


def _font_file(face, filename, text):
    if not face.subset_per_document:
        return font_path(filename)
    needed = "".join(sorted({c for c in text if ord(c) in coverage(face)}))
    return _truetype_subset(filename, face.collection_index, needed)


@lru_cache(maxsize=64)
def _truetype_subset(filename, collection_index, characters):
    """The path of a small TrueType font with only `characters` of a CFF collection face,
    their outlines turned quadratic (cu2qu); fpdf2 loads fonts from files, so it is
    written to a scratch folder. HarfBuzz cuts the characters' glyphs out of the
    collection (milliseconds, and only their pages of the file are read); fontTools then
    redraws that small CFF font glyph by glyph."""
    subset_input = uharfbuzz.SubsetInput()
    for character in characters:
        subset_input.unicode_set.add(ord(character))
    cut = uharfbuzz.subset(_harfbuzz_face(filename, collection_index), subset_input)
    source = TTFont(io.BytesIO(cut.blob.data))
    best_cmap, glyph_set = source.getBestCmap(), source.getGlyphSet()
    names = {character: f"uni{ord(character):04X}" for character in characters}
    glyphs, metrics = {".notdef": TTGlyphPen(None).glyph()}, {".notdef": (1000, 0)}
    for character, name in names.items():
        original = best_cmap[ord(character)]
        pen = TTGlyphPen(None)
        glyph_set[original].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
        metrics[name] = source["hmtx"][original]
    head, hhea, os2 = source["head"], source["hhea"], source["OS/2"]
    builder = FontBuilder(head.unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap({ord(c): name for c, name in names.items()})
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    builder.setupNameTable({"familyName": f"{face_name(source)}", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                     usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                     sCapHeight=getattr(os2, "sCapHeight", 0), usWeightClass=os2.usWeightClass)
    builder.setupPost()
    digest = hashlib.sha256(f"{filename}:{collection_index}:{characters}".encode()).hexdigest()
    path = os.path.join(_scratch(), f"{digest[:32]}.ttf")
    builder.save(path)
    return path


@lru_cache(maxsize=None)
def _harfbuzz_face(filename, collection_index):
    """A face of a font file as HarfBuzz reads it: the file is mapped, not loaded."""
    return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(font_path(filename)),
                          collection_index)


def face_name(font):
    return font["name"].getDebugName(6) or "NotoSansCJK"


@lru_cache(maxsize=1)
def _scratch():
    return tempfile.mkdtemp(prefix="coord-fonts-")

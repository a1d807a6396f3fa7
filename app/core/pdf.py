"""PDFs the platform produces, typeset in one embedded Chinese font.

A PDF that only names a CJK font (reportlab's built-in ``STSong-Light``) shows blank text in
viewers without Adobe's Asian font pack, so every PDF embeds the glyphs it uses from a
TrueType font: reportlab writes a subset of each font it embeds.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.config import get_settings
from app.core.errors import ServiceUnavailable

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT_NAME = "KechuangSans"
# reportlab embeds TrueType outlines only (not the CFF ones of Noto CJK): the first of these
# that exists is used unless KC_PDF_FONT_PATH names another. Debian: fonts-wqy-microhei,
# fonts-droid-fallback.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)


class PdfFontMissing(ServiceUnavailable):
    """No Chinese TrueType font to embed; the message says what to install."""


def font_path() -> Path:
    """The Chinese TrueType font PDFs embed."""
    configured = get_settings().pdf_font_path
    candidates = (Path(configured),) if configured else FONT_CANDIDATES
    for path in candidates:
        if path.is_file():
            return path
    raise PdfFontMissing(
        "暂时无法生成 PDF：服务器缺少中文字体。请安装 fonts-wqy-microhei，"
        "或用 KC_PDF_FONT_PATH 指定一个 TrueType 中文字体文件。"
    )


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME


def new_canvas(buffer: io.BytesIO, *, title: str, pagesize: tuple[float, float]) -> Canvas:
    """A reportlab canvas whose every font, the initial one included, is the embedded one."""
    from reportlab.pdfgen import canvas

    font = _register_font()
    # The initial font would otherwise be Helvetica, named in the file but never embedded.
    pdf = canvas.Canvas(buffer, pagesize=pagesize, initialFontName=font)
    pdf.setTitle(title)
    return pdf

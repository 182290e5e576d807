"""A briefing as a .docx that looks like a government document (GB/T 9704 in spirit):
a centred title in a Song-style heading face, a date line, body paragraphs in FangSong
(仿宋) 三号 with a two-character first-line indent. The East Asian font is set on each
run (w:eastAsia), so Word and WPS use it where it is installed and fall back otherwise."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zhaoshang.reports.briefing import Briefing

TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"


def _font(run: object, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run.font.name = "Times New Roman"  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), east_asian)


def briefing_docx(briefing: Briefing) -> bytes:
    doc = Document()
    styles = doc.styles["Normal"]
    styles.font.name = "Times New Roman"  # type: ignore[attr-defined]
    styles.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FALLBACK)  # type: ignore[attr-defined]
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Pt(104), Pt(99)  # 37 mm / 35 mm
    section.left_margin, section.right_margin = Pt(79), Pt(74)  # 28 mm / 26 mm
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(briefing.title), TITLE_FONT, 22)
    date = doc.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(date.add_run(briefing.date_line), BODY_FONT, 16)
    for part in briefing.sections:
        if not part.parts:
            continue
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号 (16 pt)
        p.paragraph_format.line_spacing = Pt(28)
        _font(p.add_run(part.text), BODY_FONT, 16)
    doc.core_properties.title = briefing.title
    doc.core_properties.language = "zh-CN"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

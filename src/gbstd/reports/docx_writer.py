"""The bulletin as a Word document laid out per GB/T 9704-2012 (党政机关公文格式), with python-docx.

Page: A4, margins top 37 mm and left 28 mm around a 156 × 225 mm text block (so right 26 mm, bottom 35 mm),
22 lines of 28 characters. Title 2号 (22 pt) 方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312; level-1 headings 黑体,
level-2 headings 楷体_GB2312; page numbers "— 1 —" in 4号 (14 pt) 宋体, odd pages right and even pages left.
The issuer and date are placed as for a sealed document (7.3.5.1: the office seals what it issues): the date
右空四字, the issuer centred on it. Fixed blank lines of the standard are paragraph spacing, never empty paragraphs.
Chinese font names are set on ``w:rFonts/@w:eastAsia`` (Word ignores the Latin name for CJK text); no font is
embedded: the font table names an installed alternative for each (仿宋 for 仿宋_GB2312) and Word substitutes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from gbstd.printable import printable
from gbstd.reports.compose import Block, BulletinDocument


@dataclass(frozen=True)
class OfficialLayout:
    """GB/T 9704-2012 layout numbers; fonts are the names Chinese offices install."""

    page_width_mm: float = 210
    page_height_mm: float = 297
    top_mm: float = 37
    left_mm: float = 28
    block_width_mm: float = 156
    block_height_mm: float = 225
    lines_per_page: int = 22
    chars_per_line: int = 28
    body_font: str = "仿宋_GB2312"
    title_font: str = "方正小标宋简体"
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    page_number_font: str = "宋体"
    latin_font: str = "Times New Roman"
    body_size: float = 16  # 3号
    title_size: float = 22  # 2号
    page_number_size: float = 14  # 4号
    table_size: float = 12  # 小4号

    @property
    def right_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.block_width_mm

    @property
    def bottom_mm(self) -> float:
        return self.page_height_mm - self.top_mm - self.block_height_mm

    @property
    def char_pitch_pt(self) -> float:
        """One character of the grid (一字): the block's width over ``chars_per_line``, a little under 16 pt."""
        return self.block_width_mm / 25.4 * 72 / self.chars_per_line

    @property
    def line_pitch_pt(self) -> float:
        """Exact line spacing that puts ``lines_per_page`` lines in the text block (rounded down a little)."""
        return int(self.block_height_mm / 25.4 * 72 / self.lines_per_page * 10) / 10


    @property
    def char_space(self) -> int:
        """The document grid's ``w:charSpace``: how much narrower than the body font each character's pitch is,
        in 1/4096 pt, so that ``chars_per_line`` characters fill the block (16 pt alone fits 27.6)."""
        return round((self.char_pitch_pt - self.body_size) * 4096)


LAYOUT = OfficialLayout()


def _document_grid(section: Any) -> None:
    """The 22 × 28 grid of GB/T 9704 as official templates set it: lines and characters (``linesAndChars``)."""
    properties = section._sectPr
    grid = properties.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        properties.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LAYOUT.line_pitch_pt * 20)))
    grid.set(qn("w:charSpace"), str(LAYOUT.char_space))


def set_fonts(run: Run, east_asia: str, size: float, latin: str = LAYOUT.latin_font) -> None:
    """Latin and East-Asian font of a run; the East-Asian one goes into ``w:eastAsia``.

    ``w:hint="eastAsia"`` (what Word writes for text typed in Chinese) sends the punctuation Chinese shares with
    Western text (“ ” ‘ ’ — … ·) to the East-Asian font; without it Word sets the quotes of “僵尸标准” in Times
    New Roman: narrow Western quotes and a short dash in a 仿宋 line."""
    run.font.name = latin
    run.font.size = Pt(size)
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), east_asia)
    r_fonts.set(qn("w:ascii"), latin)
    r_fonts.set(qn("w:hAnsi"), latin)
    r_fonts.set(qn("w:hint"), "eastAsia")


# The fonts the layout names, as Word describes them in word/fontTable.xml: alternative names (w:altName, tried
# in turn when the first is not installed: Windows 10 and later have 仿宋 and 楷体 but not the _GB2312 fonts),
# then the GB2312 character set and PANOSE numbers Word's own substitution goes by. Nothing is embedded.
_FONT_TABLE: dict[str, tuple[str, str, str, str]] = {
    # name: (alternative names, PANOSE, family, pitch)
    "仿宋_GB2312": ("仿宋,FangSong", "02010609030101010101", "modern", "fixed"),
    "楷体_GB2312": ("楷体,KaiTi", "02010609030101010101", "modern", "fixed"),
    "方正小标宋简体": ("华文中宋,宋体,SimSun", "02000000000000000000", "auto", "variable"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
}


def _font_table(document: DocxDocument) -> None:
    """Describe the layout's Chinese fonts in the font table (python-docx's template names Calibri, Cambria and
    two Japanese fonts only), so a machine without 仿宋_GB2312 shows 仿宋, not whatever Word falls back to."""
    part = next((p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"), None)
    if part is None:
        return
    # python-docx keeps the table as bytes (a plain Part); a version that parses it holds an element instead
    fonts = part.element if isinstance(part, XmlPart) else etree.fromstring(part.blob)
    used = {LAYOUT.body_font, LAYOUT.title_font, LAYOUT.heading1_font, LAYOUT.heading2_font, LAYOUT.page_number_font}
    present = {font.get(qn("w:name")) for font in fonts.iter(qn("w:font"))}
    for name in sorted(used - present):
        if name not in _FONT_TABLE:
            continue
        alternatives, panose, family, pitch = _FONT_TABLE[name]
        font = etree.SubElement(fonts, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alternatives), ("panose1", panose), ("charset", "86"), ("family", family),
                           ("pitch", pitch)):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
    if not isinstance(part, XmlPart):
        part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _chinese_document(document: DocxDocument) -> None:
    """Mark the text as Simplified Chinese: python-docx's template says en-US for East-Asian text and resolves
    the theme's East-Asian font for ja-JP (a Japanese Mincho wherever no font is named), and the language
    decides Chinese line-breaking rules (no ，。 at a line's start)."""
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for r_pr in (defaults, document.styles["Normal"].element.get_or_add_rPr()):
        if r_pr is None:
            continue
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _body_paragraph(document: DocxDocument, *, indent: bool = True) -> Paragraph:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LAYOUT.line_pitch_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(LAYOUT.body_size * 2) if indent else Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def _text(
    paragraph: Paragraph, text: str, font: str = LAYOUT.body_font, size: float = LAYOUT.body_size,
    latin: str = LAYOUT.latin_font,
) -> Run:
    run = paragraph.add_run(_xml_text(text))
    set_fonts(run, font, size, latin)
    return run


def _page_number_field(paragraph: Paragraph) -> None:
    """“— PAGE —”: a PAGE field between two em dashes, 4号宋体."""
    font, size = LAYOUT.page_number_font, LAYOUT.page_number_size
    _text(paragraph, "— ", font, size, latin=font)
    run = _text(paragraph, "", font, size, latin=font)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._element.append(element)
    _text(paragraph, " —", font, size, latin=font)


def _footer(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.alignment = align
    # 单页码居右空一字，双页码居左空一字 (one 4号 character from the edge of the text block).
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(LAYOUT.page_number_size)
    else:
        paragraph.paragraph_format.left_indent = Pt(LAYOUT.page_number_size)
    _page_number_field(paragraph)



_PROPERTY_LIMIT = 255


# What XML 1.0 has no character for beyond what printable() drops (the controls and the noncharacters, valid
# in YAML and so in notes and records): lone surrogates; lxml refuses a whole string for one of them.
_NOT_XML = re.compile("[\ud800-\udfff]")


def _xml_text(text: str) -> str:
    """``text`` as XML can hold it: a control character (a \\v pasted from Word) or a noncharacter dropped."""
    return _NOT_XML.sub("", printable(text))


def _property(text: str) -> str:
    """A document property value: one line, cut to the format's limit with an ellipsis."""
    line = " ".join(_xml_text(text).split())
    return line if len(line) <= _PROPERTY_LIMIT else line[: _PROPERTY_LIMIT - 1] + "…"


def write_docx(doc: BulletinDocument, charts: dict[str, bytes], font_note: str | None = None) -> bytes:
    """The whole bulletin as DOCX bytes."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(LAYOUT.page_width_mm), Mm(LAYOUT.page_height_mm)
    section.top_margin, section.left_margin = Mm(LAYOUT.top_mm), Mm(LAYOUT.left_mm)
    section.right_margin, section.bottom_margin = Mm(LAYOUT.right_mm), Mm(LAYOUT.bottom_mm)
    # The page number's dash sits 7 mm below the text block.
    section.footer_distance = Mm(LAYOUT.bottom_mm - 7 - 5)
    section.header_distance = Mm(15)
    _document_grid(section)
    normal = document.styles["Normal"]
    normal.font.name = LAYOUT.latin_font
    normal.font.size = Pt(LAYOUT.body_size)
    normal_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    normal_fonts.set(qn("w:eastAsia"), LAYOUT.body_font)
    normal_fonts.set(qn("w:hint"), "eastAsia")
    _chinese_document(document)
    _font_table(document)
    document.settings.odd_and_even_pages_header_footer = True
    _footer(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _footer(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    core = document.core_properties
    # The file's properties hold at most 255 characters each (python-docx refuses more); the body keeps all.
    core.title = _property(doc.title)
    core.author = _property(doc.issuer or "gbstd")
    core.comments = "由 gbstd 生成；数字根据标准目录统计。"
    # Dated by the figures, not the clock (the template said 2013-12-23): the same bulletin is the same file.
    core.created = core.modified = dt.datetime.combine(_file_day(doc), dt.time(), dt.timezone.utc)

    title = _body_paragraph(document, indent=False)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(LAYOUT.title_size * 1.6)
    title.paragraph_format.space_after = Pt(LAYOUT.line_pitch_pt)
    _text(title, doc.title, LAYOUT.title_font, LAYOUT.title_size)
    if doc.illustrative:
        _placeholder(_body_paragraph(document, indent=False),
                     "示例数据（illustrative）：本通报的文字素材为虚构示例，仅用于演示 gbstd 的通报生成功能。")
    addressee = _body_paragraph(document, indent=False)
    if doc.addressee:
        _text(addressee, f"{doc.addressee}：")
    else:
        _placeholder(addressee, "【待补充：主送机关】")

    for block in doc.blocks:
        _block(document, block, charts)
    if font_note:
        _note(document, font_note)

    if doc.changes is not None:
        # 附件说明 (7.3.4): 正文下空一行左空二字, "附件：" and the appendix's name, no closing punctuation.
        attachment = _body_paragraph(document)
        attachment.paragraph_format.space_before = Pt(LAYOUT.line_pitch_pt)
        _text(attachment, f"附件：{doc.changes['title']}")
    _signature_block(document, doc.issuer, doc.date)
    if doc.changes is not None:
        _changes_appendix(document, doc.changes)

    buffer = BytesIO()
    document.save(buffer)
    return _dated_zip(buffer.getvalue(), _file_day(doc))


def _width_in_chars(text: str) -> float:
    """How many characters of the grid ``text`` takes: a Chinese character (or fullwidth, or ambiguous
    punctuation such as “”) one, an Arabic digit or Latin letter of Times New Roman half of one."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _signature_block(document: DocxDocument, issuer: str | None, date: str | None) -> None:
    """发文机关署名 and 成文日期 of a sealed document (GB/T 9704-2012 7.3.5.1, as the bureau's real bulletin is
    signed): the date 右空四字, the issuer centred on the date in the line above, one blank line (a space
    before, not an empty paragraph) under the text or the 附件说明."""
    issuer_text = issuer or "【待补充：发文机关署名】"
    date_text = date or "【待补充：成文日期】"
    date_right = 4.0
    # Centred on the date: its right edge moves in by half the difference of the widths; an issuer longer than
    # the date and its four characters together stays inside the block (flush right) instead.
    issuer_right = max(0.0, date_right + (_width_in_chars(date_text) - _width_in_chars(issuer_text)) / 2)
    signature = _body_paragraph(document, indent=False)
    signature.paragraph_format.space_before = Pt(LAYOUT.line_pitch_pt)
    for paragraph, text, given, right in (
        (signature, issuer_text, issuer, issuer_right),
        (_body_paragraph(document, indent=False), date_text, date, date_right),
    ):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(LAYOUT.char_pitch_pt * right)
        if given:
            _text(paragraph, text)
        else:
            _placeholder(paragraph, text)


def _file_day(doc: BulletinDocument) -> dt.date:
    """The file's date: the last day the figures count, within what a zip entry can say (1980…2107; a
    four-digit year, which the properties' W3CDTF needs too)."""
    return min(max(doc.bulletin.cutoff, dt.date(1980, 1, 1)), dt.date(2107, 12, 31))


def _dated_zip(data: bytes, day: dt.date) -> bytes:
    """The package with every entry dated ``day`` (python-docx stamps them with the time of writing, so two
    runs differed)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            dated = zipfile.ZipInfo(entry.filename, (day.year, day.month, day.day, 0, 0, 0))
            dated.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(dated, source.read(entry))
    return out.getvalue()


def _changes_appendix(document: DocxDocument, appendix: Mapping[str, Any]) -> None:
    """附件 本期目录变化 on a page of its own (7.3.7): "附件" 黑体 顶格 on the block's first line, the title centred
    on its third; a table per kind, text left-aligned."""
    mark = _body_paragraph(document, indent=False)
    # Page break before, not a paragraph holding a break: that one, falling on a page's first line, left a
    # blank page.
    mark.paragraph_format.page_break_before = True
    _text(mark, "附件", LAYOUT.heading1_font)
    title = _body_paragraph(document, indent=False)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(LAYOUT.line_pitch_pt)  # 第三行: one blank line under 附件
    _text(title, appendix["title"], LAYOUT.title_font, LAYOUT.title_size)
    _text(_body_paragraph(document), f"比较范围：{appendix['range']}。{appendix['summary']}。")
    for rows in appendix["tables"]:
        caption = _body_paragraph(document, indent=False)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(caption, rows["caption"], LAYOUT.heading1_font, LAYOUT.table_size)
        table = document.add_table(rows=1, cols=len(rows["header"]))
        table.style = "Table Grid"
        for cell, value in zip(table.rows[0].cells, rows["header"], strict=True):
            _cell(cell, value, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for row in rows["rows"]:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                _cell(cell, value, align=WD_ALIGN_PARAGRAPH.LEFT)


def _placeholder(paragraph: Paragraph, text: str) -> None:
    run = _text(paragraph, text)
    run.font.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    run.font.color.rgb = RGBColor(0x9C, 0x00, 0x06)


def _note(document: DocxDocument, text: str) -> None:
    paragraph = _body_paragraph(document, indent=False)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # Black like all the text (GB/T 9704-2012 5.2.5); only a placeholder, to be replaced, is coloured.
    _text(paragraph, f"注：{text}", size=LAYOUT.table_size)


def _block(document: DocxDocument, block: Block, charts: dict[str, bytes]) -> None:
    if block.kind == "heading1":
        _text(_body_paragraph(document), block.text, LAYOUT.heading1_font)
    elif block.kind == "paragraph":
        paragraph = _body_paragraph(document)
        if block.lead:
            _text(paragraph, block.lead, LAYOUT.heading2_font)
        if block.text:
            _text(paragraph, block.text)
    elif block.kind == "placeholder":
        _placeholder(_body_paragraph(document), block.text)
    elif block.kind == "note":
        _note(document, block.text)
    elif block.kind == "table" and block.table is not None:
        caption = _body_paragraph(document, indent=False)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(caption, block.table.caption, LAYOUT.heading1_font, LAYOUT.table_size)
        table = document.add_table(rows=1, cols=len(block.table.header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, value in zip(table.rows[0].cells, block.table.header, strict=True):
            _cell(cell, value, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for row in block.table.rows:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
                text = index < block.table.text_columns
                _cell(cell, value, align=WD_ALIGN_PARAGRAPH.LEFT if text else WD_ALIGN_PARAGRAPH.RIGHT)
    elif block.kind == "chart" and block.chart is not None and block.chart.name in charts:
        picture = _body_paragraph(document, indent=False)
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        picture.add_run().add_picture(BytesIO(charts[block.chart.name]), width=Mm(LAYOUT.block_width_mm - 10))
        caption = _body_paragraph(document, indent=False)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(caption, block.chart.caption, LAYOUT.heading1_font, LAYOUT.table_size)


def _cell(cell: _Cell, value: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    run = _text(paragraph, value, size=LAYOUT.table_size)
    run.font.bold = bold

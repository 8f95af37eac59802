"""Word documents in the official layout of GB/T 9704-2012 (党政机关公文格式), as far as a generated
document can follow it: page, fonts, line grid, page numbers, tables and the signature block.

Any module that writes a .docx for circulation (the monthly bulletin, later case forms or quarterly
reports) starts from `official_document()` and adds content through the helpers here, so that every
document shares one page setup.

Fonts. The standard names 方正小标宋简体 (title), 仿宋_GB2312 (body), 黑体 (first-level headings) and
楷体_GB2312 (second level). Styles carry them as the East Asian font (`w:eastAsia` on `w:rFonts`) and,
for the digits and Latin letters the text contains, as the ascii/hAnsi font too (the standard sets
numbers in the body font). Machines without the GB2312-era fonts substitute: each font is declared in the
document's font table with `w:altName` naming the font every Chinese Windows/WPS has (仿宋, 宋体, 楷体), plus
the GB2312 charset and a fixed pitch, which is what Word and WPS read when the named font is missing.
LibreOffice substitutes through fontconfig (any installed CJK font).
"""
import dataclasses
import io
import math
import unicodedata

from docx import Document
from lxml import etree
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from .inputs import sanitise_cell

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # 156 mm: the 版心 width
# 22 lines of 三号 on the 225 mm 版心 (GB/T 9704 7.1: 每面排22行，每行排28个字): 225 mm / 22 = 28.95 pt, the
# line pitch Word's own 公文 templates use. Exact spacing keeps every page on that grid.
LINE_PITCH = Pt(28.95)

TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, PAGE_NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体",
)
# Font table entries: (name, altName, panose). altName is the substitute Word/WPS pick when the font is
# not installed.
FONT_TABLE = [
    (TITLE_FONT, "宋体", "02000000000000000000"),
    (BODY_FONT, "仿宋", "02010609030101010101"),
    (HEADING_FONT, "SimHei", "02010609060101010101"),
    (SUBHEADING_FONT, "楷体", "02010609030101010101"),
    (PAGE_NUMBER_FONT, "SimSun", "02010600030101010101"),
]
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(14), Pt(10.5)  # 二号, 三号, 四号, 五号
TITLE_STYLE, HEADING_STYLE, TABLE_STYLE, SIGNATURE_STYLE = "公文标题", "公文一级标题", "公文表格", "公文署名"


def set_fonts(target, name: str) -> None:
    """Name `name` for every script on a style's or run's rPr: East Asian text and the digits in it."""
    rpr = target.get_or_add_rPr() if hasattr(target, "get_or_add_rPr") else target
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):  # a theme font would win over the named one
            del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)


def _style(doc, name: str, *, font: str, size, base="Normal", align=None, exact=True, bold=False):
    style = doc.styles[name] if name in [s.name for s in doc.styles] else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = doc.styles[base]
    set_fonts(style.element, font)
    style.font.size, style.font.bold = size, bold
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    else:
        # Off the page's line grid: a table line or page number takes its own height, not 28.95 pt.
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        _insert_ordered(style.element.get_or_add_pPr(), snap, P_PR_AFTER_SNAP)
    if align is not None:
        fmt.alignment = align
    return style


# Schema order matters to Word: the elements that must follow w:snapToGrid in w:pPr and w:tblLayout in w:tblPr.
P_PR_AFTER_SNAP = {qn(t) for t in ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
                                   "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                                   "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")}
TBL_PR_AFTER_LAYOUT = {qn(t) for t in ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")}


def _insert_ordered(parent, element, successors: set) -> None:
    for index, child in enumerate(parent):
        if child.tag in successors:
            parent.insert(index, element)
            return
    parent.append(element)


def _font_table(doc) -> None:
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alt, panose in FONT_TABLE:
        font = parse_xml(
            f'<w:font xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:name="{name}">'
            f'<w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
            '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # a generic part keeps bytes


def _page_number(paragraph) -> None:
    """“— 1 —”: the PAGE field between two dashes, in 四号 宋体."""
    def run(text=None):
        r = paragraph.add_run(text)
        set_fonts(r._r, PAGE_NUMBER_FONT)
        r.font.size = PAGE_NUMBER_SIZE
        return r

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        r = run("1" if kind is None and instruction is None else None)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif instruction:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            r._r.append(text)
    run(" —")


def official_document():
    """A new Document with the GB/T 9704 page, styles, font table and page-numbered footers."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    # 页码 一字线上距版心下边缘 7 mm: the footer's baseline sits about 7 mm + one 四号 line below the 版心.
    section.footer_distance, section.header_distance = Mm(35 - 7 - 5), Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_FONT)
    normal = _style(doc, "Normal", font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    normal.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)  # 段首空二字
    _style(doc, TITLE_STYLE, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.first_line_indent = Pt(0)
    _style(doc, HEADING_STYLE, font=HEADING_FONT, size=BODY_SIZE).paragraph_format.keep_with_next = True
    table = _style(doc, TABLE_STYLE, font=BODY_FONT, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    table.paragraph_format.first_line_indent = Pt(0)
    table.paragraph_format.space_before = table.paragraph_format.space_after = Pt(2)
    _style(doc, SIGNATURE_STYLE, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT).paragraph_format.first_line_indent = Pt(0)
    for name in ("Footer", "Header"):
        _style(doc, name, font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE, exact=False).paragraph_format.first_line_indent = Pt(0)
    _font_table(doc)

    # 页码 单页码居右空一字，双页码居左空一字: different odd and even footers.
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment, odd.paragraph_format.right_indent = WD_ALIGN_PARAGRAPH.RIGHT, PAGE_NUMBER_SIZE
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment, even.paragraph_format.left_indent = WD_ALIGN_PARAGRAPH.LEFT, PAGE_NUMBER_SIZE
    _page_number(even)
    return doc


def add_title(doc, text: str):
    doc.add_paragraph(sanitise_cell(text), style=TITLE_STYLE)
    return doc.add_paragraph("", style=TITLE_STYLE)  # 标题下空一行


def add_heading(doc, text: str):
    return doc.add_paragraph(sanitise_cell(text), style=HEADING_STYLE)


def add_paragraph(doc, text: str):
    # User text (titles, units) may hold control characters stored before they were refused on input:
    # lxml refuses them, so every text the document writes is sanitised as the workbooks are.
    return doc.add_paragraph(sanitise_cell(text))


def text_width(text: str) -> float:
    """Width in em: full-width characters (and those Chinese fonts set full width, such as “”) count 1,
    half-width ones (digits, Latin) 0.5."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


@dataclasses.dataclass
class DocColumn:
    """numeric: right-aligned; no_wrap: never broken across lines (numbers, codes), sized to its widest value."""

    label: str
    numeric: bool = False
    no_wrap: bool = False


def _cell_paragraph(cell, text: str, *, bold=False, align=None, no_wrap=False):
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(sanitise_cell(text))
    run.bold = bold or None
    if no_wrap:
        props = cell._tc.get_or_add_tcPr()
        props.append(OxmlElement("w:noWrap"))


def column_widths(columns: list[DocColumn], rows: list[list[str]], *, size_pt: float = TABLE_SIZE.pt) -> list[float]:
    """Widths in points fitting the content: a no-wrap column (numbers, codes) as wide as its widest value,
    its header wrapped onto at most two lines; text columns share what is left in proportion to their
    content, each at least four characters wide."""
    # Cell margins (Word and LibreOffice: 2 × 0.19 cm) plus air; substitute fonts set digits up to 0.6 em.
    padding, digit_slack = 14.0, 1.3
    natural, minimum = [], []
    for i, column in enumerate(columns):
        values = [text_width(r[i]) for r in rows] or [0]
        header = text_width(column.label)
        if column.no_wrap:
            width = max(max(values) * digit_slack, math.ceil(header / 2), 2) * size_pt + padding
            natural.append(width)
            minimum.append(width)
        else:
            natural.append(max(max(values), min(header, 8), 2) * size_pt + padding)
            minimum.append(min(natural[-1], 4 * size_pt + padding))
    total = sum(natural)
    if total <= TEXT_WIDTH_PT:
        spare = TEXT_WIDTH_PT - total  # spread the slack over the text columns (or all, if none)
        flexible = [i for i, c in enumerate(columns) if not c.no_wrap] or list(range(len(columns)))
        return [w + (spare / len(flexible) if i in flexible else 0) for i, w in enumerate(natural)]
    # Too wide: text columns shrink in proportion, none below its minimum; a column held at its minimum
    # leaves the rest of the room to the others (repeat until no column falls below its minimum).
    widths = list(natural)
    held = {i for i, c in enumerate(columns) if c.no_wrap}
    while True:
        room = TEXT_WIDTH_PT - sum(widths[i] for i in held)
        shrinking = [i for i in range(len(columns)) if i not in held]
        total = sum(natural[i] for i in shrinking) or 1
        for i in shrinking:
            widths[i] = natural[i] * max(room, 0) / total
        below = {i for i in shrinking if widths[i] < minimum[i]}
        if not below:
            return widths
        for i in below:
            widths[i] = minimum[i]
        held |= below


def add_table(doc, columns: list[DocColumn], rows: list[list[str]], *, emphasised: set[int] = frozenset()):
    """A grid table with fixed column widths fit to the content, its header row repeated on every page;
    number cells right-aligned and never wrapped. `emphasised`: indexes of rows set in bold (subtotals)."""
    widths = column_widths(columns, rows)
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _insert_ordered(table._tbl.tblPr, layout, TBL_PR_AFTER_LAYOUT)
    for column, width in zip(table.columns, widths):
        column.width = Twips(round(width * 20))
    header = table.rows[0]
    header_props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    # A row is never split across pages (w:cantSplit): a half row on the next page reads as a new item.
    for cell, column, width in zip(header.cells, columns, widths):
        cell.width = Twips(round(width * 20))
        _cell_paragraph(cell, column.label, bold=True)
    for index, values in enumerate(rows):
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, column, width, value in zip(row.cells, columns, widths, values):
            cell.width = Twips(round(width * 20))
            _cell_paragraph(
                cell, value, bold=index in emphasised, no_wrap=column.no_wrap,
                align=WD_ALIGN_PARAGRAPH.RIGHT if column.numeric else WD_ALIGN_PARAGRAPH.LEFT,
            )
    return table


def add_signature(doc, issuer: str, date) -> None:
    """发文机关署名 and 成文日期 for a document without a seal (GB/T 9704 7.3.5.2): one blank line below the
    text, the issuer ending two characters from the right edge, the date on the next line starting two
    characters right of the issuer's first character; a date longer than that ends two characters from
    the edge and the issuer moves left by as much. The date is in Arabic numerals (2026年12月3日).

    Both lines are placed by their left indent from the issuer's width (full-width characters, which
    every font sets alike) so that the date's start does not depend on how wide a substitute font sets
    its digits; the date's width is only estimated, generously, to detect the long-date case."""
    dated = f"{date.year}年{date.month}月{date.day}日"
    em = BODY_SIZE.pt
    issuer_start = TEXT_WIDTH_PT - (2 + text_width(issuer)) * em
    date_width = (text_width(dated) + 0.1 * sum(c.isdigit() for c in dated) + 1) * em  # digits up to 0.6 em, spacing
    overflow = issuer_start + 2 * em + date_width - (TEXT_WIDTH_PT - 2 * em)
    if overflow > 0:
        issuer_start -= overflow
    # The block never stands alone on a page: the text's last paragraph, the blank line, the issuer and
    # the date are kept together.
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph("", style=SIGNATURE_STYLE).paragraph_format.keep_with_next = True
    for text, start, keep in ((issuer, issuer_start, True), (dated, issuer_start + 2 * em, False)):
        paragraph = doc.add_paragraph(text, style=SIGNATURE_STYLE)
        paragraph.paragraph_format.left_indent = Pt(max(start, 0))
        paragraph.paragraph_format.keep_with_next = keep


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

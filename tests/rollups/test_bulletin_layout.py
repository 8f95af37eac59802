"""The Word bulletin in the official layout (GB/T 9704-2012): checked in the .docx itself, then rendered
to PDF by LibreOffice (page size, page count, the header row repeated on page 2), with a PNG of page 1
kept under var/test-output/ for people to look at.

The content is built here, not from the database: the layout is what is under test, and a table long
enough to run over a page is easier to make than 120 counties of cases."""
import datetime as dt
import shutil
import subprocess
import types
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from pypdf import PdfReader

from registry import documents
from rollups.bulletins import render_docx
from rollups.bulletins.content import ITEM_COLUMNS, Section, Table, county_columns

SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
OUTPUT = Path(settings.BASE_DIR) / "var" / "test-output"
TODAY = dt.date(2026, 12, 3)


def content(rows: int = 120) -> dict:
    counties = [[f"测试县{i:03d}", i, i // 2, 12345.67 / (i + 1), None, i % 3, 99.99, -123.45] for i in range(rows)]
    items = [["逾期未改的一件事项，标题较长需要换行显示", "义乌市", "义乌市住房和城乡建设局", dt.date(2026, 9, 18), "整改中", "县级", "逾期"]]
    return {
        "month": dt.date(2026, 11, 1),
        "division": types.SimpleNamespace(name="浙江省"),
        "totals": None,
        "schedule_share": 91.67,
        "today": TODAY,
        "issuer": "浙江省缩小“三大差距”工作专班",
        "sections": [
            Section("一、各地交办销号情况", [], Table("各地交办销号情况", county_columns(dt.date(2026, 9, 1)), counties, {rows - 1})),
            Section("二、逾期及提级事项", ["下列事项逾期未办结。"], Table("逾期及提级事项", ITEM_COLUMNS, items)),
            Section("三、千万工程成果建设情况", ["本辖区尚未录入成果数据。"]),
        ],
    }


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("bulletin") / "bulletin.docx"
    path.write_bytes(render_docx(content()))
    return path


def _fonts(style):
    return style.element.rPr.find(qn("w:rFonts"))


def test_page_is_a4_with_the_standard_margins_and_22_lines_of_28_95_pt(docx_path):
    section = Document(docx_path).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    normal = Document(docx_path).styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # twips: 28.95 pt


def test_styles_name_the_official_fonts_as_east_asian_fonts_with_fallbacks(docx_path):
    doc = Document(docx_path)
    expected = {"Normal": ("仿宋_GB2312", 16), documents.TITLE_STYLE: ("方正小标宋简体", 22), documents.HEADING_STYLE: ("黑体", 16)}
    for name, (font, size) in expected.items():
        style = doc.styles[name]
        assert _fonts(style).get(qn("w:eastAsia")) == font, name
        assert _fonts(style).get(qn("w:ascii")) == font, name  # digits in the text use the same face
        assert style.font.size.pt == size, name
    assert doc.paragraphs[0].style.name == documents.TITLE_STYLE
    # The font table names the substitute Word/WPS use where the GB2312 fonts are not installed.
    font_table = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in font_table


def test_footers_number_pages_with_a_page_field_between_dashes_on_the_outside_edge(docx_path):
    doc = Document(docx_path)
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert "<w:instrText" in xml and " PAGE " in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert {r.font.size.pt for r in paragraph.runs} == {14}
        assert {r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in paragraph.runs} == {"宋体"}


def test_every_table_repeats_its_header_row_with_fixed_widths_and_unbroken_numbers(docx_path):
    doc = Document(docx_path)
    assert len(doc.tables) == 2
    for table in doc.tables:
        header = table.rows[0]._tr
        assert header.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        widths = [c.width for c in table.columns]
        assert sum(w.pt for w in widths) <= documents.TEXT_WIDTH_PT + 1
    county = doc.tables[0]
    number_cell = county.rows[1].cells[3]
    assert number_cell._tc.tcPr.find(qn("w:noWrap")) is not None
    assert county.rows[1].cells[3].text == "12345.67"
    assert county.rows[-1].cells[0].paragraphs[0].runs[0].bold  # the total row


def test_issuer_and_date_close_the_document_with_the_date_two_characters_right_of_the_issuer(docx_path):
    paragraphs = Document(docx_path).paragraphs
    issuer, dated = paragraphs[-2], paragraphs[-1]
    assert (issuer.text, dated.text) == ("浙江省缩小“三大差距”工作专班", "2026年12月3日")
    assert paragraphs[-3].text == ""  # 下空一行
    shift = dated.paragraph_format.left_indent.pt - issuer.paragraph_format.left_indent.pt
    assert shift == pytest.approx(32, abs=0.1)  # two 三号 characters
    right_edge = issuer.paragraph_format.left_indent.pt + documents.text_width(issuer.text) * 16
    assert right_edge == pytest.approx(documents.TEXT_WIDTH_PT - 32, abs=0.5)  # 右空二字


@pytest.fixture(scope="module")
def pdf_path(docx_path, tmp_path_factory):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make browser` installs libreoffice-writer-nogui")
    out = tmp_path_factory.mktemp("pdf")
    # A profile of its own: a second soffice sharing the default profile waits for the first or fails.
    profile = (out / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )
    return out / "bulletin.pdf"


def test_libreoffice_renders_a4_pages_and_repeats_the_table_header_on_page_two(pdf_path):
    reader = PdfReader(pdf_path)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    first = "".join(reader.pages[0].extract_text().split())
    second = "".join(reader.pages[1].extract_text().split())
    assert "浙江省千万工程交办事项月度调度通报" in first
    assert "测试县119" not in first and "测试县119" in "".join(
        "".join(p.extract_text().split()) for p in reader.pages[1:]
    )
    # The county table runs over page 1: page 2 starts with its header labels again.
    assert second.index("地区") < second.index("本月交办") < second.index("测试县")
    assert "12345.67" in first  # a number is never broken across lines
    last = "".join(reader.pages[-1].extract_text().split())
    # The issuer and the date stay together on the last page (the quotes may come out of order in the text).
    assert last.index("浙江省缩小") < last.index("工作专班") < last.index("2026年12月3日")


def test_page_one_is_kept_as_a_png_for_people_to_look_at(pdf_path):
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: `make browser` installs it; no PNG of page 1 drawn")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(OUTPUT / "bulletin-page1")],
                   check=True, timeout=60)
    png = OUTPUT / "bulletin-page1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

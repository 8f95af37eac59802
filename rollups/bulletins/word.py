"""The bulletin as a Word document in the official layout (registry.documents: GB/T 9704-2012)."""
import datetime as dt

from registry import documents

from .content import fmt, summary, title


def cell_text(column, value) -> str:
    if value is None:
        return "—"
    if column.kind in ("rate", "points", "money"):
        return fmt(value)
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def render_docx(content) -> bytes:
    doc = documents.official_document()
    documents.add_title(doc, title(content))
    documents.add_paragraph(doc, summary(content))
    for section in content["sections"]:
        documents.add_heading(doc, section.heading)
        for text in section.paragraphs:
            documents.add_paragraph(doc, text)
        if section.table is not None:
            table = section.table
            columns = [documents.DocColumn(c.word_label, numeric=c.numeric, no_wrap=c.no_wrap) for c in table.columns]
            rows = [[cell_text(c, v) for c, v in zip(table.columns, values)] for values in table.rows]
            documents.add_table(doc, columns, rows, emphasised=table.emphasised)
    documents.add_signature(doc, content["issuer"], content["today"])
    return documents.to_bytes(doc)

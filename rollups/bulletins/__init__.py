"""The monthly dispatch bulletin: requests and rendering (services), what it says (content), and its
Word (official GB/T 9704 layout) and Excel files."""
from .content import ITEM_LIMIT, bulletin_content, summary, title
from .excel import render_xlsx
from .services import bulletin_render, bulletin_request, bulletins_after_finalising, filename
from .word import render_docx

__all__ = [
    "ITEM_LIMIT", "bulletin_content", "bulletin_render", "bulletin_request", "bulletins_after_finalising", "filename",
    "render_docx", "render_xlsx", "summary", "title",
]

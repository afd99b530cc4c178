"""The one place PDFs are made (fpdf2): a page set up with a Unicode font shipped with the code (DejaVu Sans,
regular and bold, data/DejaVu-LICENSE.txt), so €, ’, accents and non-Latin names print as written — the PDF's
built-in fonts know Latin-1 only. Invoices (invoices/pdf.py) and till receipts (checkout/receipts.py) use it."""

from io import BytesIO
from pathlib import Path

from fpdf import FPDF

FONT = "DejaVu"
_DATA = Path(__file__).resolve().parent / "data"


def pdf_document(
    *, format: str | tuple[float, float] = "A4", margin_mm: float = 15, title: str = "", language: str = ""
) -> FPDF:
    """A new document (millimetres) with its first page, in the shipped font, its margins and metadata set."""
    pdf = FPDF(unit="mm", format=format)
    pdf.add_font(FONT, "", str(_DATA / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(_DATA / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(margin_mm, margin_mm, margin_mm)
    pdf.set_auto_page_break(auto=True, margin=margin_mm)
    pdf.set_creator("remarket")
    if title:
        pdf.set_title(title)
    if language:
        pdf.set_lang(language)
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    return pdf


def pdf_text(text: str) -> str:
    """Text as the shipped font prints it: the narrow no-break spaces babel puts in amounts are plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def pdf_bytes(pdf: FPDF) -> bytes:
    out = BytesIO()
    pdf.output(out)
    return out.getvalue()

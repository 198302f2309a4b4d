"""Helpers for tests of what the secretariat prints: text out of a PDF, and a picture of
its first page in test-artifacts/ for a person to look at."""
import io
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def pdf_text(content):
    """The PDF's text, whitespace runs made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(
        io.BytesIO(content)).pages).split())


def save_picture(content, name):
    """Write the PDF and a PNG of its first page (pdftoppm, Debian's poppler-utils)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile",
                        str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)], check=True)

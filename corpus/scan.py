"""A report as a scanner uploads it: each page of a corpus PDF rasterised, skewed a little,
blurred, with noise and JPEG artefacts, and a red seal stamped over a corner, wrapped back
into a PDF of images with no text layer (issue 13). Everything is drawn from `rng`; only
pdfium, OpenCV and Pillow are needed (no fonts), so scans can be made from committed PDFs."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image


@dataclass(frozen=True)
class ScanLook:
    dpi: int
    skew: float  # degrees
    blur: float  # gaussian sigma, pixels
    noise: float  # gaussian sigma, grey levels
    jpeg: int  # quality
    stamp_corner: str  # 'top-right' | 'bottom-right' | 'top-left'


def draw_scan_look(rng: random.Random) -> ScanLook:
    return ScanLook(
        dpi=rng.choice((150, 200, 200, 300)),
        skew=round(rng.uniform(-1.5, 1.5), 2),
        blur=rng.choice((0.0, 0.5, 0.8)),
        noise=rng.choice((0.0, 4.0, 8.0)),
        jpeg=rng.choice((60, 75, 90)),
        stamp_corner=rng.choice(("top-right", "bottom-right", "top-left")),
    )


def scanned_pdf(pdf: Path, look: ScanLook, rng: random.Random) -> bytes:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = [_page(doc[i], look, rng, stamped=i in (0, len(doc) - 1)) for i in range(len(doc))]
    finally:
        doc.close()
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=look.dpi)
    return buf.getvalue()


def _page(page: pdfium.PdfPage, look: ScanLook, rng: random.Random, stamped: bool) -> Image.Image:
    rgb = page.render(scale=look.dpi / 72).to_numpy()[:, :, :3].copy()
    h, w = rgb.shape[:2]
    if stamped:
        _stamp(rgb, look.stamp_corner, look.dpi)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), look.skew, 1.0)
    rgb = cv2.warpAffine(rgb, matrix, (w, h), borderValue=(255, 255, 255))
    if look.blur:
        rgb = cv2.GaussianBlur(rgb, (0, 0), look.blur)
    if look.noise:
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, look.noise, rgb.shape)
        rgb = np.clip(rgb.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", rgb, [cv2.IMWRITE_JPEG_QUALITY, look.jpeg])
    assert ok
    return Image.open(io.BytesIO(jpeg.tobytes())).convert("RGB")


def _stamp(rgb: np.ndarray, corner: str, dpi: int) -> None:
    """A red seal (a ring, a star, a ring of text-like marks) over a corner of the page."""
    h, w = rgb.shape[:2]
    r = int(0.8 * dpi)  # a 4 cm seal
    cx = w - int(1.3 * dpi) if corner.endswith("right") else int(1.3 * dpi)
    cy = int(1.1 * dpi) if corner.startswith("top") else h - int(1.3 * dpi)
    red = (210, 40, 40)  # the image is RGB
    cv2.circle(rgb, (cx, cy), r, red, max(2, dpi // 40))
    star = np.array(
        [
            (cx + int(0.3 * r * np.cos(a)), cy - int(0.3 * r * np.sin(a)))
            for a in np.linspace(np.pi / 2, np.pi / 2 + 4 * np.pi, 6)
        ],
        np.int32,
    )
    cv2.fillPoly(rgb, [star], red)
    for a in np.linspace(0.2 * np.pi, 0.8 * np.pi, 9):
        x, y = cx + int(0.72 * r * np.cos(a)), cy - int(0.72 * r * np.sin(a))
        cv2.rectangle(rgb, (x - dpi // 30, y - dpi // 30), (x + dpi // 30, y + dpi // 30), red, -1)

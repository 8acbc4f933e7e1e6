"""CJK fonts the corpus is drawn with, from Debian's font packages (`make fonts`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Font:
    family: str  # the name LibreOffice knows it by
    file: Path
    subfont: int  # index inside the .ttc, for reportlab
    outlines: str  # 'TrueType' (as Word/WPS embed) or 'CFF' (OpenType, as Noto CJK)
    serif: bool


FONTS: dict[str, Font] = {
    "wqy-zenhei": Font(
        "WenQuanYi Zen Hei",
        Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        0,
        "TrueType",
        False,
    ),
    "ar-pl-uming": Font(
        "AR PL UMing CN", Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "TrueType", True
    ),
    "noto-sans-cjk": Font(
        "Noto Sans CJK SC",
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        2,
        "CFF",
        False,
    ),
    "noto-serif-cjk": Font(
        "Noto Serif CJK SC",
        Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
        2,
        "CFF",
        True,
    ),
}
DEBIAN_PACKAGES = ("fonts-wqy-zenhei", "fonts-arphic-uming", "fonts-noto-cjk")


def missing_fonts() -> list[str]:
    return [f"{key} ({font.file})" for key, font in FONTS.items() if not font.file.is_file()]

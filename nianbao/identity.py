"""A stable `agency_id` for a body whose printed name varies between its reports.

洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) are one body (SPEC §3). The id is the
portal's host, then the name as printed with its city prefix dropped when what remains still
names a district- or county-level body, then mapped through the user's alias file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

# 淮安市洪泽区人民政府 → 洪泽区人民政府; 云溪市青山县教育局 → 青山县教育局. Same-named districts of
# different cities (鼓楼区…) stay apart through the portal host.
_CITY_PREFIX = re.compile(
    r"^[\u4e00-\u9fff]{2,6}?市(?=[\u4e00-\u9fff]{1,6}?(区|县|旗)[\u4e00-\u9fff])"
)


def load_aliases(path: Path | None) -> dict[str, str]:
    """`[aliases]` of a TOML file: printed name → the name to file it under."""
    if path is None or not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.get("aliases", {}).items()}


def canonical_name(agency: str, aliases: dict[str, str]) -> str:
    name = re.sub(r"\s+", "", agency)
    name = aliases.get(name, name)
    name = _CITY_PREFIX.sub("", name)
    return aliases.get(name, name)


def agency_id(source_url: str, agency: str, aliases: dict[str, str]) -> str:
    host = urlsplit(source_url).hostname or "local"
    return f"{host}/{canonical_name(agency, aliases)}"

"""The portals a nightly run crawls, from a TOML file (pydantic at this edge).

[[source]]
name = "淮安市人民政府"
listing = "https://www.huaian.gov.cn/col/col46/index.html"
allowed_host = "www.huaian.gov.cn"     # optional: the listing's host
rate_per_second = 1.0                  # optional: the settings' default
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator


class Source(BaseModel):
    name: str
    listing: str
    allowed_host: str | None = None
    rate_per_second: float | None = Field(default=None, ge=0)

    @field_validator("listing")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"listing must be an http(s) URL, not {value!r}")
        return value

    @property
    def host(self) -> str:
        return self.allowed_host or (urlsplit(self.listing).hostname or "")


def load_sources(path: Path) -> list[Source]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Source(**entry) for entry in data.get("source", [])]

"""The portals a nightly run crawls, from a TOML file (pydantic at this edge).

[[source]]
name = "淮安市人民政府"
listing = "https://www.huaian.gov.cn/col/col46/index.html"
allowed_host = "www.huaian.gov.cn"     # optional: the listing's host
rate_per_second = 1.0                  # optional: the settings' default
adapter = "hanweb"                     # optional: how the column lists (else told from it)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator

# The CMS listings nianbao can walk (extract/portals.py's ADAPTERS; a test holds them equal).
AdapterName = Literal["static", "hanweb", "gkmlpt"]


class Source(BaseModel):
    name: str
    listing: str
    allowed_host: str | None = None
    rate_per_second: float | None = Field(default=None, ge=0)
    adapter: AdapterName | None = None

    @field_validator("listing")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"listing must be an http(s) URL, not {value!r}")
        return value

    @property
    def host(self) -> str:
        return self.allowed_host or (urlsplit(self.listing).hostname or "")

    def portal(self) -> Portal:
        return Portal(self.name, self.listing, self.host, self.rate_per_second, self.adapter)


@dataclass(frozen=True)
class Portal:
    """A portal a run crawls: its name, its column's listing, the one host it may fetch
    from, and its own pace (requests a second; None: the settings')."""

    name: str
    listing: str
    host: str
    rate_per_second: float | None = None
    adapter: str | None = None  # None: told from the listing's first page

    @classmethod
    def of_listing(cls, listing: str, allowed_host: str | None = None) -> Portal:
        """The portal of a listing URL given alone (`nianbao run --source`), named by it."""
        return cls(listing, listing, allowed_host or urlsplit(listing).hostname or "")


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file and why."""


def load_sources(path: Path) -> list[Source]:
    """The portals of `path`; a file that is missing, malformed or lists no [[source]] is an
    error (never a reason to crawl something else)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"sources file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SourcesError(f"sources file {path} cannot be read: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise SourcesError(f"sources file {path} is not valid TOML: {err}") from err
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"sources file {path} lists no [[source]] entries")
    sources = []
    for n, entry in enumerate(entries, start=1):
        try:
            sources.append(Source(**entry))
        except (ValidationError, TypeError) as err:
            raise SourcesError(
                f"sources file {path}, [[source]] #{n}: {_first_error(err)}"
            ) from err
    return sources


def _first_error(err: Exception) -> str:
    if isinstance(err, ValidationError):
        problem = err.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        return f"{where}: {problem['msg']}"
    return str(err)

"""One settings object, read when a command starts (env prefix NIANBAO_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NIANBAO_", extra="ignore")

    db_path: Path = Field(default=DATA_DIR / "warehouse.duckdb")
    raw_dir: Path | None = Field(
        default=None, description="Downloaded files; default: a 'raw' folder beside the warehouse."
    )
    sample_portal_dir: Path = Field(default=DATA_DIR / "sample_portal")
    # A stable port keeps the sample portal's URLs (and so dead-link records) the same run to run.
    sample_portal_port: int = 8731
    http_timeout_seconds: float = Field(default=30.0, gt=0)  # each connect, read or write
    # A whole response (headers and body) must arrive within this: a server trickling bytes
    # cannot hold the night (and the warehouse lock) for ever.
    request_deadline_seconds: float = Field(default=300.0, gt=0)
    max_download_mb: float = Field(default=200.0, gt=0)  # a bigger attachment is not kept
    fetch_attempts: int = Field(default=3, ge=1)  # tries of a URL in one run (transient failures)
    retry_backoff_seconds: float = Field(default=1.0, ge=0)  # first wait; doubled, with jitter
    max_retry_after_seconds: float = Field(default=60.0, ge=0)  # longer Retry-After: next run
    max_crawl_pages: int = Field(default=500, ge=1)
    user_agent: str = "nianbao/0.1 (+government transparency research)"
    rate_per_second: float = Field(default=2.0, ge=0)  # requests per host; 0: no limit
    # A night's portals are crawled and downloaded from this many hosts at once (a request
    # open to each at most), each at its own pace, with at most `open_requests` requests open
    # over them all.
    hosts_at_once: int = Field(default=256, ge=1)
    open_requests: int = Field(default=16, ge=1)
    # A host whose files fail this many times in a row (after their retries) is asked
    # nothing more that night: its other files are recorded as not asked, for the next.
    host_failures_in_a_row: int = Field(default=5, ge=1)
    # Warm nights: a known attachment is asked again (a conditional GET) once in this many
    # nights, and a portal's whole column (every detail page) walked once in this many; the
    # nights each falls on are spread by its URL. 1: every night.
    revalidate_days: int = Field(default=7, ge=1)
    full_walk_days: int = Field(default=7, ge=1)
    respect_robots: bool = True
    sources_file: Path | None = Field(default=REPO_ROOT / "sources.toml")
    # Extraction runs in this many worker processes (Prefect's process pool) when a run has
    # at least `parallel_from` files to read; fewer are read in the flow's own process.
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    parallel_from: int = Field(default=6, ge=1)
    files_per_task: int = Field(default=3, ge=1)
    # A Dask scheduler (e.g. tcp://10.0.0.5:8786): extraction then runs on that cluster.
    dask_address: str | None = None
    # printed name → name filed under; see nianbao/identity.py
    aliases_file: Path | None = Field(default=DATA_DIR / "agency_aliases.toml")
    # Alert mail. No host: findings stay pending in the warehouse until one is set.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None  # NIANBAO_SMTP_PASSWORD only; never logged or stored
    smtp_timeout_seconds: float = 20.0
    alert_from: str = "nianbao@localhost"
    alert_to: list[str] = Field(default_factory=list)  # NIANBAO_ALERT_TO='["a@x.cn","b@x.cn"]'
    # a second run waits this long for the first, then gives up
    lock_wait_seconds: float = Field(default=600.0, ge=0)
    docs_dir: Path | None = None  # Data Docs; default: a 'docs' folder beside the warehouse
    docs_keep_runs: int = Field(default=10, ge=1)  # Data Docs show the newest runs' results
    # Where the docs folder is served (e.g. https://dq.example.org/nianbao/): the alert mail
    # links its pages there. Unset: the mail names the files on this machine.
    docs_base_url: str | None = None

    @property
    def max_download_bytes(self) -> int:
        return int(self.max_download_mb * 1024 * 1024)

    @property
    def raw_folder(self) -> Path:
        return self.raw_dir if self.raw_dir is not None else self.db_path.parent / "raw"

    @property
    def docs_folder(self) -> Path:
        return self.docs_dir if self.docs_dir is not None else self.db_path.parent / "docs"


class SettingsError(ValueError):
    """A NIANBAO_* value (or flag) that cannot be used; the message names it and why."""


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) winning."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as err:
        raise SettingsError(_explain(err)) from err


def _explain(err: ValidationError) -> str:
    """'NIANBAO_WORKERS=abc: Input should be a valid integer' for each bad value, on one line."""
    parts = []
    for problem in err.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        name = f"NIANBAO_{field.upper()}"
        value = os.environ.get(name, problem.get("input"))
        parts.append(f"{name}={value!s}: {problem['msg']}")
    return "bad setting: " + "; ".join(parts)

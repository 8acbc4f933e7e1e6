"""A polite HTTP client: a per-host request rate, and robots.txt honoured."""

from __future__ import annotations

import threading
import time
from urllib.robotparser import RobotFileParser

import httpx

from nianbao.errors import TerminalError


class DisallowedByRobots(TerminalError):
    pass


class Politeness:
    """httpx request hook: waits for the host's next slot, refuses what robots.txt disallows."""

    def __init__(
        self, user_agent: str, rate_per_second: float, respect_robots: bool, timeout: float
    ) -> None:
        self.user_agent = user_agent
        self.interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0
        self.respect_robots = respect_robots
        self.timeout = timeout
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> None:
        origin = f"{request.url.scheme}://{request.url.netloc.decode()}"
        self._wait_for_slot(origin)
        if self.respect_robots and request.url.path != "/robots.txt":
            rules = self._rules(origin)
            if rules is not None and not rules.can_fetch(self.user_agent, str(request.url)):
                raise DisallowedByRobots(f"disallowed by {origin}/robots.txt: {request.url}")

    def _wait_for_slot(self, origin: str) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(origin, now))
            self._next_slot[origin] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)

    def _rules(self, origin: str) -> RobotFileParser | None:
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
        rules: RobotFileParser | None = None
        try:
            self._wait_for_slot(origin)
            response = httpx.get(
                f"{origin}/robots.txt",
                timeout=self.timeout,
                headers={"User-Agent": self.user_agent},
            )
            if response.status_code == 200:
                rules = RobotFileParser()
                rules.parse(response.text.splitlines())
        except httpx.HTTPError:
            rules = None  # no robots.txt to be had: nothing is disallowed
        with self._lock:
            self._robots[origin] = rules
        return rules


_RUNS: dict[str, Politeness] = {}
_RUNS_LOCK = threading.Lock()


def run_politeness(
    run_id: str, user_agent: str, rate_per_second: float, respect_robots: bool, timeout: float
) -> Politeness:
    """The run's one Politeness, shared by every client it opens (one per download batch):
    a new client must neither reset a host's pace nor read its robots.txt again."""
    with _RUNS_LOCK:
        if run_id not in _RUNS:
            _RUNS[run_id] = Politeness(user_agent, rate_per_second, respect_robots, timeout)
        return _RUNS[run_id]


def end_run(run_id: str) -> None:
    """Forget the run's pace and robots.txt rules (a long-lived `serve` reads them anew)."""
    with _RUNS_LOCK:
        _RUNS.pop(run_id, None)


def polite_client(politeness: Politeness) -> httpx.Client:
    """An httpx client paced per host and honouring robots.txt as `politeness` says; a
    run's clients share one (run_politeness), so its pace and rules carry over."""
    return httpx.Client(
        timeout=politeness.timeout,
        follow_redirects=True,
        headers={"User-Agent": politeness.user_agent},
        event_hooks={"request": [politeness]},
    )

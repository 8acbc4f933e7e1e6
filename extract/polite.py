"""A polite HTTP client: a per-host request rate (and the host's Crawl-delay), robots.txt
honoured as RFC 9309 says, and a deadline on every whole response (extract/http.py)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import httpx
from protego import Protego

from extract.http import DeadlineTransport, RetryLater
from nianbao.errors import TerminalError


class DisallowedByRobots(TerminalError):
    pass


# RFC 9309 §2.3.1.4: a robots.txt that cannot be read (5xx, network trouble) means the whole
# host is disallowed until it can be; one that does not exist (4xx) means nothing is.
_DISALLOW_ALL = Protego.parse("User-agent: *\nDisallow: /\n")
_ALLOW_ALL = Protego.parse("")


class Politeness:
    """httpx request hook: waits for the host's next slot, refuses what robots.txt disallows."""

    def __init__(
        self,
        user_agent: str,
        rate_per_second: float,
        respect_robots: bool,
        timeout: float,
        deadline_seconds: float = 300.0,
        host_rates: dict[str, float] | None = None,
        open_requests: int = 16,
    ) -> None:
        self._made_with = (
            user_agent,
            rate_per_second,
            respect_robots,
            timeout,
            deadline_seconds,
            host_rates,
            open_requests,
        )
        self.user_agent = user_agent
        # each connect, read or write; waiting for one of the open requests' slots is the
        # night's, not the host's fault: no pool timeout (each response has its deadline)
        self.timeout = httpx.Timeout(timeout, pool=None)
        # One transport for every request of the run, robots.txt's too: its pool caps the
        # requests open at once over every host (`open_requests`). The run's client closes
        # its connections when the run ends (a pool closed is opened again by a request).
        self.transport = DeadlineTransport(deadline_seconds, open_requests)
        self._robots_client = httpx.Client(
            transport=self.transport,
            timeout=self.timeout,
            follow_redirects=True,  # RFC 9309: at least five redirects are followed
            headers={"User-Agent": user_agent},
        )
        self.interval = _interval(rate_per_second)
        # a host's own pace (a source's rate_per_second), over the run's
        self._intervals = {host: _interval(rate) for host, rate in (host_rates or {}).items()}
        self.respect_robots = respect_robots
        self.open_requests = open_requests
        self._next_slot: dict[str, float] = {}
        # origin → its rules, and why when they refuse everything
        self._robots: dict[str, tuple[Protego, str]] = {}
        self._reading: dict[str, threading.Lock] = {}  # origin → held while its rules are read
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[type[Politeness], tuple[object, ...]]:
        # Prefect pickles a flow run's parameters into every task sent to a worker process:
        # a copy there paces and reads robots.txt on its own (and is not used: workers read
        # files, they ask nothing of the portals).
        return Politeness, self._made_with

    def __call__(self, request: httpx.Request) -> None:
        origin = _origin(request.url)
        own = self._own_interval(request.url)
        if self.respect_robots and request.url.path != "/robots.txt":
            rules, why = self._rules(origin, own)
            self._wait_for_slot(origin, own, rules)
            if not rules.can_fetch(str(request.url), self.user_agent):
                raise DisallowedByRobots(f"disallowed by {origin}/robots.txt{why}: {request.url}")
        else:
            self._wait_for_slot(origin, own, None)

    def _wait_for_slot(self, origin: str, own: float, rules: Protego | None) -> None:
        delay = rules.crawl_delay(self.user_agent) if rules is not None else None
        interval = max(own, float(delay or 0.0))
        if not interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(origin, now))
            self._next_slot[origin] = slot + interval
        if slot > now:
            time.sleep(slot - now)

    def _own_interval(self, url: httpx.URL) -> float:
        return self._intervals.get(url.host, self.interval)

    def read_robots_ahead(self, urls: Iterable[str]) -> None:
        """Start reading the robots.txt of the URLs' hosts, in threads, and return:
        while a one-shot command waits for its Prefect server (seconds), each host's
        robots.txt is read and its pace runs, so that its first page waits for neither. A page
        asked meanwhile waits for its host's reading; a robots.txt that could not be reached
        is left to that page, which reads it again (retried as any request)."""
        hosts = {_origin(url): url for url in map(httpx.URL, urls)}
        if not self.respect_robots or not hosts:
            return
        ahead = ThreadPoolExecutor(min(len(hosts), self.open_requests), "robots-ahead")
        for origin, url in hosts.items():
            ahead.submit(self._rules_or_not, origin, self._own_interval(url))
        ahead.shutdown(wait=False)

    def _rules_or_not(self, origin: str, own: float) -> None:
        # what fails here, the host's first page meets again and says why
        with contextlib.suppress(Exception):
            self._rules(origin, own)

    def _rules(self, origin: str, own: float) -> tuple[Protego, str]:
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
            reading = self._reading.setdefault(origin, threading.Lock())
        with reading:  # read once: a page asked while it is read (ahead) waits for it
            with self._lock:
                if origin in self._robots:
                    return self._robots[origin]
            self._wait_for_slot(origin, own, None)
            found = self._read_robots(origin)  # raises RetryLater when the host is unreachable
            with self._lock:
                self._robots[origin] = found
            return found

    def _read_robots(self, origin: str) -> tuple[Protego, str]:
        try:
            response = self._robots_client.get(f"{origin}/robots.txt")
        except httpx.TransportError as err:
            # the host itself cannot be reached: as for any request to it, a transient failure
            raise RetryLater(f"{origin}/robots.txt: {err.__class__.__name__}: {err}") from err
        except httpx.HTTPError as err:
            return _DISALLOW_ALL, f" (unreadable: {err.__class__.__name__}; tried again next run)"
        if response.status_code >= 500:
            return _DISALLOW_ALL, f" (HTTP {response.status_code}; tried again next run)"
        if response.status_code >= 400:
            return _ALLOW_ALL, ""
        return Protego.parse(response.text), ""


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode()}"


def _interval(rate_per_second: float) -> float:
    return 1.0 / rate_per_second if rate_per_second > 0 else 0.0


def polite_client(politeness: Politeness) -> httpx.Client:
    """An httpx client paced per host and honouring robots.txt as `politeness` says; a
    run's clients share the run's one, so that a new client neither resets a host's pace
    nor reads its robots.txt again. Redirects are followed by extract.http.open_response,
    which keeps them on the allowed host."""
    return httpx.Client(
        transport=politeness.transport,
        timeout=politeness.timeout,
        follow_redirects=False,
        headers={"User-Agent": politeness.user_agent},
        event_hooks={"request": [politeness]},
    )

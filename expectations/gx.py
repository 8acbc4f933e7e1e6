"""A Great Expectations context with its data source and validation targets, built once (it
takes seconds) and kept for the life of the Validator that owns it (expectations/validator.py)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from nianbao.records import GxResult

T = TypeVar("T")


class GxProcess:
    """A GX context and what is registered in it, each made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # GX's context is not safe to change from two threads
        self._built = threading.Event()
        self._warming: threading.Thread | None = None
        self._context: Any = None
        self._source: Any = None
        self._registered: dict[str, Any] = {}
        self._taken: set[tuple[str, ...]] = set()

    @contextmanager
    def locked(self) -> Iterator[Any]:
        """The context, for the block alone."""
        with self._lock:
            yield self._made_context()

    def registered(self, name: str, make: Callable[[Any, Any], Any]) -> Any:
        """What `make(context, data_source)` registers under `name`, made once."""
        with self._lock:
            if name not in self._registered:
                self._registered[name] = make(self._made_context(), self._made_source())
            return self._registered[name]

    def build(self, make_all: Callable[[], T]) -> T:
        """Build now, in this thread: what `make_all` registers (every suite), made once."""
        made = make_all()
        self._built.set()
        return made

    def warm_up(self, make_all: Callable[[], object]) -> None:
        """Build in a background thread, e.g. while files download; at most one such thread,
        however often it is asked for."""
        with self._lock:
            if self._warming is not None or self._built.is_set():
                return
            self._warming = threading.Thread(
                target=self.build, args=(make_all,), name="gx-warm-up", daemon=True
            )
            self._warming.start()

    def is_warm(self) -> bool:
        """Built: validating now will not wait seconds for it."""
        return self._built.is_set()

    def results_not_taken(self) -> tuple[GxResult, ...]:
        """The validation results this process recorded and has not handed over yet, as plain
        data: workers validate, and one process builds Data Docs from all their results."""
        if not self._built.is_set():
            return ()
        with self.locked() as context:
            backend = context.validation_results_store.store_backend
            # the JSON the store keeps, as it is: a result loaded and dumped again cost 25 ms
            # (marshmallow), a tenth of reading the report it judges
            taken = tuple(
                (key, backend.get(key)) for key in _result_keys(backend) if key not in self._taken
            )
            self._taken.update(t for t, _ in taken)
        return taken

    def hold_results(self, results: Sequence[GxResult], exactly: bool = True) -> None:
        """These results in the context (other processes' and other runs' too, for Data Docs
        built here); `exactly`: any other result it held (e.g. of a run pruned) let go."""
        with self.locked() as context:
            backend = context.validation_results_store.store_backend
            wanted = dict(results)
            held = set(_result_keys(backend))
            for key in held - wanted.keys() if exactly else ():
                backend.remove_key(key)
            for key, value in wanted.items():
                if key not in held:  # the store's own JSON (results_not_taken): kept as it is
                    backend.set(key, value)

    def build_pages(self, folder: Path, new: Sequence[GxResult]) -> None:
        """A page in `folder`'s Data Docs for each of the `new` results (held here), and none
        other: processes may build their shares of a night's pages side by side."""
        with self.locked() as context:
            store = context.validation_results_store
            pages = [store.tuple_to_key(key) for key, _ in new]
            if pages:  # GX reads no identifiers as "every result": build them all
                context.build_data_docs(
                    site_names=[self._site(context, folder)],
                    resource_identifiers=_Identifiers(pages),
                    build_index=False,
                )

    def build_index(self, folder: Path) -> Path | None:
        """The suites' pages and the index of `folder`'s Data Docs over every result this
        process holds (a page whose result it no longer holds is removed from the site); the
        index page."""
        with self.locked() as context:
            from great_expectations.data_context.types.resource_identifiers import (
                ExpectationSuiteIdentifier,
            )

            suites = [ExpectationSuiteIdentifier(name=s.name) for s in context.suites.all()]
            context.build_data_docs(
                site_names=[self._site(context, folder)], resource_identifiers=suites
            )
        index = folder / "index.html"
        return index if index.exists() else None

    @staticmethod
    def _site(context: Any, folder: Path) -> str:
        """The context's Data Docs site writing to `folder`, added on first use."""
        site = f"nianbao-{abs(hash(str(folder.resolve())))}"  # one site per folder
        if site not in context.get_site_names():
            context.add_data_docs_site(
                site_name=site,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(folder),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        return site

    def _made_context(self) -> Any:
        if self._context is None:
            # No network here or on most servers that run nianbao: GX must not phone home.
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            # That module sets its own logger to INFO, and tells of its temporary folders:
            # a line in every run's output
            logging.getLogger(ProgressBarsConfig.__module__).setLevel(logging.WARNING)

            self._context = gx.get_context(mode="ephemeral")
            self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        return self._context

    def _made_source(self) -> Any:
        if self._source is None:
            self._source = self._made_context().data_sources.add_pandas("nianbao")
        return self._source


def _result_keys(backend: Any) -> list[tuple[str, ...]]:
    """The keys of the results a store's backend holds (not its own id's key)."""
    from great_expectations.data_context.store.store_backend import StoreBackend

    return [tuple(key) for key in backend.list_keys() if key != StoreBackend.STORE_BACKEND_ID_KEY]


class _Identifiers(list[Any]):
    """The pages to build, as GX asks for them (a list), looked up as a set: GX asks of every
    result it holds whether it is one of them (`key not in resource_identifiers`), which
    on a list of a night's 1,700 pages took 23 s, and ten kept runs' results ten times that."""

    def __init__(self, keys: list[Any]) -> None:
        super().__init__(keys)
        self._keys = frozenset(keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

"""Extraction on Ray: the same normalize + extract, spread over a cluster's cores.

One actor per CPU loads the model once; chunks of documents go to the actors
round-robin, at most two chunks per actor in flight (memory stays flat), and
results come back in input order to the caller, which stays the single DuckDB
writer. Ray is an optional extra (`pip install 'facts[ray]'`).
"""

from __future__ import annotations

from collections import deque
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from .config import Settings
from .engine import Extractor, Item, Result
from .errors import PipelineError
from .model import resolve_model


class _ExtractorActor:
    """Holds one Extractor (model loaded once) for the actor's lifetime."""

    def __init__(self, settings: Settings, raw: bool, published: str | None):
        self.extractor = Extractor(settings, raw=raw, published=published)

    def process(self, docs: list[Item]) -> list[Result]:
        return self.extractor.process(docs)


def _import_ray():
    try:
        import ray
    except ImportError:
        raise PipelineError("--engine ray needs Ray: pip install 'facts[ray]' (or pip install ray)") from None
    return ray


def process_documents_ray(docs: Iterable[Item], settings: Settings, *, workers: int = 0,
                          raw: bool = False, published: str | None = None,
                          address: str | None = None) -> Iterator[Result]:
    """Like engine.process_documents, on Ray actors.

    address=None starts a local Ray with `workers` CPUs (0 = all cores); an address
    ("auto", "ray://host:10001", "host:6379") joins that cluster, one actor per
    cluster CPU unless workers says otherwise. A Ray this call started is shut
    down at the end; one already running in the process is left running.
    """
    ray = _import_ray()
    resolve_model(settings)  # fail here, clearly, not inside every actor
    started = not ray.is_initialized()
    if started:
        package = str(Path(__file__).resolve().parent)
        ray.init(address=address, num_cpus=(workers or None) if address is None else None,
                 include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                 runtime_env={"py_modules": [package]} if address else None)
    try:
        n_actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor_cls = ray.remote(num_cpus=1)(_ExtractorActor)
        actors = [actor_cls.remote(settings, raw, published) for _ in range(n_actors)]
        chunk_size = max(1, settings.run.batch_size // 4)
        pending: deque = deque()
        it = iter(docs)
        turn = 0
        while chunk := list(islice(it, chunk_size)):
            pending.append(actors[turn % n_actors].process.remote(chunk))
            turn += 1
            while len(pending) >= n_actors * 2:
                yield from ray.get(pending.popleft())
        while pending:
            yield from ray.get(pending.popleft())
        for actor in actors:
            ray.kill(actor)
    finally:
        if started:
            ray.shutdown()

"""Annotation on a Dask cluster: workers parse parts of the corpus and write them to the store.

``kit.load(path, engine="dask", scheduler=None)`` calls :func:`annotate`. Without a scheduler
address it starts a ``LocalCluster`` (one single-threaded worker process per core); with one it
uses that running cluster, whose workers must reach the store (a shared folder or an fsspec URL)
and have the kit and the model installed.

- Each worker loads the spaCy model once (a worker plugin, at start-up).
- The work is the store's parts (:func:`kit.store.plan_parts`), packed into tasks of about the
  same number of words; a worker writes its parts straight to the store and returns only counts,
  so the client never holds the annotations.
- A worker that dies has its tasks redone elsewhere (Dask reschedules them); a part is whole only
  once its manifest is written, so a half-written part is redone too. An interrupted run leaves
  its finished parts in the store, and the next run annotates only the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterable
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from kit.annotate import nlp
from kit.errors import KitError
from kit.store.parquet import Part, Store, split_by_part

# Dask gives up on a task after it was running on this many workers that died.
ALLOWED_FAILURES = 4


def bundle(parts: Iterable[Part], *, words: int) -> list[list[Part]]:
    """Return the parts packed, in order, into tasks of at least ``words`` words (the last less).

    >>> parts = [Part("f", i, (str(i),), ("h",), 10) for i in range(5)]
    >>> [[part.part for part in task] for task in bundle(parts, words=20)]
    [[0, 1], [2, 3], [4]]
    """
    tasks: list[list[Part]] = []
    current: list[Part] = []
    current_words = 0
    for part in parts:
        current.append(part)
        current_words += part.words
        if current_words >= words:
            tasks.append(current)
            current, current_words = [], 0
    if current:
        tasks.append(current)
    return tasks


def annotate_task(
    texts: dict[str, str], parts: list[Part], store: Store, model: str
) -> dict[str, int]:
    """Return the counts of one task after annotating its parts and writing them to the store.

    Runs on a worker: the model comes from the worker's process-wide cache.
    """
    language = nlp.load_model(model)
    doc_ids = [doc_id for part in parts for doc_id in part.doc_ids]
    articles = pd.DataFrame({"doc_id": doc_ids, "text": [texts[doc_id] for doc_id in doc_ids]})
    fresh = nlp.annotate(articles, nlp=language, progress=False)
    for part in parts:
        store.write(part, split_by_part(fresh, [part])[(part.file_hash, part.part)])
    return {
        "parts": len(parts),
        "words": sum(part.words for part in parts),
        "pid": os.getpid(),
    }


def model_plugin(model: str) -> Any:
    """Return a worker plugin that loads the spaCy model when a worker starts."""
    from distributed import WorkerPlugin

    class LoadModel(WorkerPlugin):
        idempotent = True
        name = f"kit-spacy-{model}"

        def setup(self, worker: Any) -> None:
            nlp.load_model(model)

    return LoadModel()


def _quiet_dask_logs() -> None:
    """Let this process's Dask, Tornado and asyncio loggers show only critical records.

    (Dask's logging config gives some of their children levels of their own: each is set.)
    """
    noisy = ("distributed", "tornado", "asyncio")
    for name in [*noisy, *logging.root.manager.loggerDict]:
        if name.split(".")[0] in noisy:
            logging.getLogger(name).setLevel(logging.CRITICAL)


def _client(scheduler: str | None, n_workers: int | None) -> tuple[Any, Any]:
    """Return (client, cluster or None): a client of ``scheduler`` or of a new LocalCluster."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise KitError(
            "engine='dask' needs dask[distributed]: pip install 'coverage-kit[scale]' "
            "(make lab and make test install it)"
        ) from error
    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
    if scheduler:
        return Client(scheduler), None
    # The worker processes start with Ctrl-C ignored (they inherit it): Ctrl-C reaches this
    # client alone, which then shuts them down, instead of every worker dying with a traceback.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main_thread else None
    try:
        cluster = LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)
    return Client(cluster), cluster


def annotate(
    articles: pd.DataFrame,
    parts: list[Part],
    *,
    store: Store,
    model: str,
    scheduler: str | None = None,
    n_workers: int | None = None,
    task_words: int | None = None,
    progress: bool = True,
) -> list[Part]:
    """Return the parts annotated on Dask (those not already whole in ``store``).

    Args:
        articles: ``doc_id, text`` of the whole corpus.
        parts: every part of the corpus (see ``kit.store.parquet.plan_parts``).
        store: the NLP cache the workers write to (they must be able to reach it).
        model: the spaCy model name, installed on every worker.
        scheduler: a running scheduler's address; default a LocalCluster here.
        n_workers: the LocalCluster's worker processes (default: this machine's cores).
        task_words: words per task (default: those of the largest part).
        progress: show a bar counting parts and words, and what was reused.
    """
    missing = [part for part in parts if not store.is_complete(part)]
    reused_words = sum(part.words for part in parts) - sum(part.words for part in missing)
    if progress and len(missing) < len(parts):
        print(
            f"store {store.folder}: reusing {len(parts) - len(missing)} of {len(parts)} parts "
            f"({reused_words:,} words); annotating {len(missing)}",
            file=sys.stderr,
        )
    if not missing:
        return []
    task_words = task_words or max(part.words for part in parts)
    texts = articles.set_index("doc_id")["text"]
    client, cluster = _client(scheduler, n_workers)
    bar = tqdm(
        total=sum(part.words for part in missing),
        unit="word",
        unit_scale=True,
        desc="spaCy on Dask",
        disable=not progress,
    )
    try:
        from distributed import as_completed

        client.register_plugin(model_plugin(model))
        futures = []
        for task in bundle(missing, words=task_words):
            doc_ids = [doc_id for part in task for doc_id in part.doc_ids]
            futures.append(
                client.submit(
                    annotate_task,
                    texts.loc[doc_ids].to_dict(),
                    task,
                    store,
                    model,
                    pure=False,
                    retries=2,
                )
            )
        done_parts = 0
        with bar:
            # On this client's loop: by default as_completed takes the process's default
            # client, which may be another one (the caller's own, beside a scheduler= given)
            # and whose loop then makes future.result() fail with "bound to a different
            # event loop" (dask/distributed#4357).
            for future in as_completed(futures, loop=client.loop):
                counts = future.result()
                done_parts += counts["parts"]
                bar.set_postfix_str(f"{done_parts}/{len(missing)} parts")
                bar.update(counts["words"])
    except KeyboardInterrupt:
        # Closing a cluster mid-run logs errors with tracebacks, here and in the workers (a
        # heartbeat that finds the scheduler gone): expected, and not the user's to read.
        _quiet_dask_logs()
        with contextlib.suppress(Exception):
            client.run(_quiet_dask_logs)
        if progress:
            print(
                "interrupted: finished parts are in the store; run again to annotate the rest",
                file=sys.stderr,
            )
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return missing

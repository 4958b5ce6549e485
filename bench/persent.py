"""PerSenT (author's stance toward an article's main entity) as stance targets, for the bench.

PerSenT's ``MASKED_DOCUMENT`` marks every mention of the main entity (pronouns included) as
``[TGT]``. Each marked mention becomes one stance target: its sentence with the marks put back
as the entity's name, the mention's span in it, its sentence number and paragraph. Read from
``../shared/stance/persent/dev.csv``; nothing of it is written into the project.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

MARK = "[TGT]"
PERSENT_LABELS = {"Negative": "negative", "Neutral": "neutral", "Positive": "positive"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“A-Z\[])")


def read_persent(path: str | Path) -> pd.DataFrame:
    """Return one row per article: ``doc_id, entity, gold, title, masked``."""
    articles = pd.read_csv(path)
    return pd.DataFrame(
        {
            "doc_id": articles["DOCUMENT_INDEX"].astype(str),
            "entity": articles["TARGET_ENTITY"].astype(str),
            "gold": articles["TRUE_SENTIMENT"].map(PERSENT_LABELS),
            "title": articles["TITLE"].fillna("").astype(str),
            "masked": articles["MASKED_DOCUMENT"].fillna("").astype(str),
        }
    )


def persent_targets(articles: pd.DataFrame, max_per_article: int = 20) -> pd.DataFrame:
    """Return one row per marked mention: ``doc_id, entity, sent_id, text, start, end``.

    The first ``max_per_article`` mentions of each article are kept (the lead weighs most).
    """
    rows = []
    for doc_id, entity, masked in zip(
        articles["doc_id"], articles["entity"], articles["masked"], strict=True
    ):
        sent_id, kept = 0, 0
        for paragraph in masked.split("\n"):
            for sentence in _SENTENCE_END.split(paragraph.strip()):
                if not sentence:
                    continue
                pieces = sentence.split(MARK)
                text, spans = pieces[0], []
                for piece in pieces[1:]:
                    spans.append((len(text), len(text) + len(entity)))
                    text += entity + piece
                for start, end in spans:
                    if kept < max_per_article:
                        rows.append((doc_id, entity, sent_id, text, start, end))
                        kept += 1
                sent_id += 1
    return pd.DataFrame(rows, columns=["doc_id", "entity", "sent_id", "text", "start", "end"])

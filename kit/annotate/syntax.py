"""Small questions asked of spaCy's parse, shared by the lenses (descriptors, quotes, citations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Dependents that start a clause or a list, not part of the noun phrase itself.
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "punct", "cc", "conj", "ccomp"})


def path_up(token: Token, top: Token) -> list[Token]:
    """Return the tokens from ``token`` up the tree to ``top`` (``top`` itself excluded)."""
    path = []
    while token.i != top.i and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


def noun_phrase(token: Token, *, drop: frozenset[str] = CLAUSE_DEPS) -> Span:
    """Return the phrase ``token`` heads, without the clauses hanging from it."""
    kept = [
        part
        for part in token.subtree
        if part.i == token.i or not any(step.dep_ in drop for step in path_up(part, token))
    ]
    return token.doc[min(part.i for part in kept) : max(part.i for part in kept) + 1]


def entity_of(token: Token) -> Span | None:
    """Return the named-entity span ``token`` belongs to, or None."""
    if token.ent_iob_ == "O":
        return None
    return next((ent for ent in token.sent.ents if ent.start <= token.i < ent.end), None)


def subject_of(verb: Token) -> Token | None:
    """Return the subject of ``verb``, or of the verb it is coordinated with ("X said, added")."""
    current = verb
    while True:
        subjects = [child for child in current.children if child.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            return subjects[0]
        if current.dep_ != "conj" or current.head.i == current.i:
            return None
        current = current.head

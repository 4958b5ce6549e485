"""Annotate: spaCy over clean articles, once per part — entities, the lenses' extraction and stance.

Modules: nlp (the only module that loads spaCy), scale (the Dask engine), entities, descriptors,
quotes, citations, spans, syntax; stance, stance_roles and stance_lexicon score each mention.

>>> import kit.annotate
>>> "nlp" in kit.annotate.__all__
True
"""

from kit.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "nlp": "kit.annotate.nlp",
        "scale": "kit.annotate.scale",
        "entities": "kit.annotate.entities",
        "descriptors": "kit.annotate.descriptors",
        "quotes": "kit.annotate.quotes",
        "citations": "kit.annotate.citations",
        "spans": "kit.annotate.spans",
        "syntax": "kit.annotate.syntax",
        "stance": "kit.annotate.stance",
        "stance_roles": "kit.annotate.stance_roles",
        "stance_lexicon": "kit.annotate.stance_lexicon",
    },
)

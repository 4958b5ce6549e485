"""Store: the kit's files (the NLP cache, corpus frames, rollups, snapshots) as plain Parquet.

Modules: storage (write whole, read verified), parquet (the store itself), rollups, snapshots and
sources (cache keys from the code that produced the data).

>>> import kit.store
>>> "Damaged" in kit.store.__all__
True
"""

from kit.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Damaged": "kit.store.storage:Damaged",
        "plan_parts": "kit.store.parquet:plan_parts",
        "storage": "kit.store.storage",
        "parquet": "kit.store.parquet",
        "rollups": "kit.store.rollups",
        "snapshots": "kit.store.snapshots",
        "sources": "kit.store.sources",
    },
)

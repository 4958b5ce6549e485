"""Rollups: counts pre-aggregated from a store's mentions, so big-corpus queries read little.

Written by ``kit.store.parquet.write_corpus`` under ``<store>/rollups/<name>/part-0.parquet``:

- ``entity_day``: entity, label, source, day, mentions, articles — sorted by entity, so an
  entity's timeline reads only its own row groups;
- ``source_day``: the same rows sorted by source and day, for questions about some outlets;
- ``entity_week``: entity, label, source, week (Monday), mentions, articles, sorted by entity;
- ``outlet_day``: source, day, words_total, articles_total (every article, for normalising);
- ``mentions_by_entity``: the mentions sorted by entity and date, with their sentence's
  offsets (``sent_start``, ``sent_end``) and whether each is its entity's first mention in
  that sentence (``first_in_sentence``), for key words in context and the evidence table.
  Read with ``file_row_number``, a row's position in this order picks it out cheaply.

Days and weeks are UTC; an undated article's rows have a null day. ``articles`` counts distinct
articles; an article has one outlet and one date, so these counts add up over outlets, days and
weeks for one entity.
"""

from __future__ import annotations

import os
import posixpath
import uuid
from pathlib import Path

from kit.store.storage import is_local, location, write_table

# An article has one outlet and one date, so counting per article first and then summing gives
# distinct-article counts without a ``count(distinct)`` over every mention.
PER_ARTICLE = """
    select doc_id, entity, label, source, date_trunc('day', published::timestamptz) as day,
           count(*) as n
    from mentions group by all"""
ROLLUPS = {
    "entity_day": f"""
        select entity, label, source, day, sum(n)::bigint as mentions, count(*) as articles
        from ({PER_ARTICLE}) group by all order by entity, source, day nulls last""",
    "source_day": """
        select * from read_parquet({entity_day}) order by source, day nulls last, entity""",
    "entity_week": """
        select entity, label, source, date_trunc('week', day) as week,
               sum(mentions)::bigint as mentions, sum(articles)::bigint as articles
        from read_parquet({entity_day}) group by all order by entity, source, week nulls last""",
    "outlet_day": """
        select source, date_trunc('day', published::timestamptz) as day,
               sum(n_words)::bigint as words_total, count(*) as articles_total
        from articles group by all order by source, day nulls last""",
    "mentions_by_entity": """
        select m.doc_id, m.sent_id, m.start, m."end", m.text, m.entity, m.label, m.source,
               m.published, s.start as sent_start, s."end" as sent_end,
               row_number() over (partition by m.entity, m.doc_id, m.sent_id order by m.start)
                   = 1 as first_in_sentence
        from mentions m left join sentences s on m.doc_id = s.doc_id and m.sent_id = s.sent_id
        order by m.entity, m.published nulls last, m.source, m.doc_id, m.start""",
}
ROW_GROUP_SIZE = 100_000


def frame_glob(root: str | Path, frame: str) -> str:
    """Return the glob of a frame's Parquet files, as DuckDB reads it.

    >>> frame_glob("/tmp/store", "mentions")
    '/tmp/store/mentions/*/*.parquet'
    """
    filesystem, path = location(root)
    glob = posixpath.join(path, frame, "*", "*.parquet")
    return glob if is_local(filesystem) else filesystem.unstrip_protocol(glob)


def rollup_path(root: str | Path, name: str) -> str:
    """Return the path (or URL) of a rollup's Parquet file."""
    filesystem, path = location(root)
    file_path = posixpath.join(path, "rollups", name, "part-0.parquet")
    return file_path if is_local(filesystem) else filesystem.unstrip_protocol(file_path)


def connect(root: str | Path, *, threads: int | None = None, memory_limit: str | None = None):
    """Return a DuckDB connection with views over the store's frames (UTC session time)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    if threads:
        connection.execute(f"set threads = {int(threads)}")
    if memory_limit:
        connection.execute(f"set memory_limit = '{memory_limit}'")
    filesystem, _ = location(root)
    if not is_local(filesystem):
        connection.register_filesystem(filesystem)
    return connection


def quoted(text: str) -> str:
    """Return ``text`` as a SQL string literal.

    >>> quoted("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def build(root: str | Path, *, connection=None) -> dict[str, int]:
    """Write every rollup of the store under ``root``; return {rollup: rows}."""
    connection = connection or connect(root)
    filesystem, path = location(root)
    for frame in ("mentions", "articles", "sentences"):
        connection.execute(
            f"create or replace temp view {frame} as select * from read_parquet("
            f"{quoted(frame_glob(root, frame))}, hive_partitioning = false, union_by_name = true)"
        )
    rows = {}
    for name, query in ROLLUPS.items():
        query = query.format(entity_day=quoted(rollup_path(root, "entity_day")))
        target = rollup_path(root, name)
        filesystem.makedirs(posixpath.dirname(posixpath.join(path, "rollups", name, "x")),
                            exist_ok=True)  # fmt: skip
        if is_local(filesystem):
            temporary = posixpath.join(posixpath.dirname(target), f".{uuid.uuid4().hex}.tmp")
            connection.execute(
                f"copy ({query}) to {quoted(temporary)} "
                f"(format parquet, compression zstd, row_group_size {ROW_GROUP_SIZE})"
            )
            os.replace(temporary, target)
        else:
            frame = connection.execute(query).df()
            write_table(filesystem, target, frame, row_group_size=ROW_GROUP_SIZE)
        rows[name] = connection.execute(
            f"select count(*) from read_parquet({quoted(target)})"
        ).fetchone()[0]
    return rows

"""A seeded sweep of damage to the annotation cache and the snapshots of a small corpus.

For every file the kit keeps for the bundled corpus (``data/``) — the NLP cache's part tables
and part manifests under ``store=ROOT``, the snapshot's frames and manifest in the default
cache — it applies, one at a time on a fresh copy of the clean files: single-byte changes at
seeded random offsets, a truncation, deletion, and for the JSON manifests three kinds of
garbling (not JSON; valid JSON missing a key; a key's value of the wrong type). After each
damage a warm load must either equal the clean load's frames, or report the damage in
``corpus.problems`` and still equal the clean frames; the load after that must equal them with
no report (the damage was healed, not served again).

Prints trials, how many were handled cleanly (equal unreported, or reported and rebuilt), and
the failures: crashes, silent changes (frames differ, nothing reported), reported-but-wrong,
and damage still there on the next load.

Run: ``.venv/bin/python bench/fuzz_store.py`` (``--seed 12 --flips 4``; ``--limit N`` for a
quick look; ``--show`` prints every failure).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
FRAMES = ("articles", "dropped", "sentences", "mentions", "descriptors", "quotes", "citations")


def input_problems(corpus, stores: Path) -> pd.DataFrame:
    """Return the problems that are not about the kit's own files under ``stores``."""
    problems = corpus.problems
    about_store = problems["path"].astype(str).str.startswith(str(stores))
    return problems[~about_store].reset_index(drop=True)


def store_reports(corpus, stores: Path) -> list[str]:
    """Return the reasons of the problems naming the kit's own files under ``stores``."""
    problems = corpus.problems
    about_store = problems["path"].astype(str).str.startswith(str(stores))
    return list(problems.loc[about_store, "reason"])


def differences(corpus, clean, stores: Path) -> list[str]:
    """Return the frames of ``corpus`` that differ from ``clean`` (problems: the input's only)."""
    different = []
    for name in FRAMES:
        try:
            pd.testing.assert_frame_equal(getattr(corpus, name), getattr(clean, name))
        except AssertionError:
            different.append(name)
    try:
        pd.testing.assert_frame_equal(
            input_problems(corpus, stores), input_problems(clean, stores), check_dtype=False
        )
    except AssertionError:
        different.append("problems")
    return different


def damages(path: Path, rng: random.Random, flips: int) -> list[tuple[str, object]]:
    """Return the damages to try on one file: (kind, argument)."""
    size = path.stat().st_size
    tried: list[tuple[str, object]] = [
        ("flip", (offset, rng.randrange(1, 256)))
        for offset in sorted(rng.sample(range(size), min(flips, size)))
    ]
    tried.append(("truncate", rng.randrange(0, max(size, 1))))
    tried.append(("delete", None))
    if path.suffix == ".json":
        tried += [("not json", None), ("drop a key", rng.random()), ("wrong type", rng.random())]
    return tried


def apply(path: Path, kind: str, argument) -> None:
    """Damage ``path`` in place."""
    payload = path.read_bytes()
    if kind == "flip":
        offset, mask = argument
        changed = bytearray(payload)
        changed[offset] ^= mask
        path.write_bytes(bytes(changed))
    elif kind == "truncate":
        path.write_bytes(payload[:argument])
    elif kind == "delete":
        path.unlink()
    elif kind == "not json":
        path.write_bytes(payload[: len(payload) // 2])
    else:
        record = json.loads(payload)
        keys = sorted(record)
        key = keys[int(argument * len(keys))]
        if kind == "drop a key":
            del record[key]
        else:  # the same key, holding a value of another type
            record[key] = [] if isinstance(record[key], dict) else {"x": 1}
        path.write_text(json.dumps(record), encoding="utf-8")


def restore(pristine: Path, live: Path) -> None:
    if live.exists():
        shutil.rmtree(live)
    shutil.copytree(pristine, live)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--flips", type=int, default=4, help="byte changes per file")
    parser.add_argument("--limit", type=int, default=None, help="at most this many trials")
    parser.add_argument("--show", action="store_true", help="print every failure")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    work = Path(tempfile.mkdtemp(prefix="fuzz_store_"))
    corpus_folder = work / "corpus"
    shutil.copytree(REPO / "data", corpus_folder, ignore=shutil.ignore_patterns(".*"))
    stores = work / "stores"
    live_root, live_cache = stores / "root", stores / "cache"
    os.environ["KIT_STORE"] = str(live_cache)  # the default cache, where snapshots live
    import kit

    began = time.perf_counter()
    clean_store = kit.load(corpus_folder, store=live_root, progress=False)
    kit.load(corpus_folder, progress=False)
    clean_snapshot = kit.load(corpus_folder, progress=False)
    assert clean_snapshot.meta.get("snapshot"), "the warm load did not read a snapshot"
    pristine = work / "pristine"
    shutil.copytree(stores, pristine)
    # Part files are read by a load with store=ROOT (which keeps no snapshot); snapshot files
    # by a load with the default cache. Damage to one is tested through the load that reads it.
    targets = [
        ("store", path, clean_store)
        for path in sorted((live_root / "cache").rglob("*"))
        if path.is_file()
    ] + [
        ("snapshot", path, clean_snapshot)
        for path in sorted((live_cache / "snapshots").rglob("*"))
        if path.is_file()
    ]
    trials = []
    for mode, path, clean in targets:
        for kind, argument in damages(path, rng, arguments.flips):
            trials.append((mode, path, clean, kind, argument))
    if arguments.limit:
        trials = rng.sample(trials, min(arguments.limit, len(trials)))
    outcomes: collections.Counter = collections.Counter()
    failures = []
    for number, (mode, path, clean, kind, argument) in enumerate(trials, start=1):
        restore(pristine / "root", live_root)
        restore(pristine / "cache", live_cache)
        apply(path, kind, argument)
        name = path.relative_to(stores)
        described = f"{mode}: {kind} {argument!r} in {name}"

        def load(mode=mode):
            if mode == "store":
                return kit.load(corpus_folder, store=live_root, progress=False)
            return kit.load(corpus_folder, progress=False)

        try:
            damaged = load()
        except Exception:  # a crash is what the sweep counts
            outcomes["crash"] += 1
            failures.append((described, "crash", traceback.format_exc(limit=3)))
            try:
                load()
            except Exception:
                outcomes["crash on the next load too"] += 1
            continue
        reported = store_reports(damaged, stores)
        different = differences(damaged, clean, stores)
        if different and not reported:
            outcome = "silent change"
        elif different:
            outcome = "reported but wrong"
        else:
            outcome = "reported and rebuilt" if reported else "equal, nothing to report"
        outcomes[outcome] += 1
        if different:
            failures.append((described, outcome, f"frames differ: {', '.join(different)}"))
        try:
            after = load()
            healed = not differences(after, clean, stores) and not store_reports(after, stores)
        except Exception:
            healed = False
        if not healed:
            outcomes["not healed on the next load"] += 1
            failures.append((described, "not healed on the next load", ""))
        if number % 10 == 0:
            tally = ", ".join(f"{outcome}: {count}" for outcome, count in sorted(outcomes.items()))
            print(f"  {number}/{len(trials)} trials, {time.perf_counter() - began:.0f} s ({tally})",
                  file=sys.stderr)  # fmt: skip
    handled = outcomes["equal, nothing to report"] + outcomes["reported and rebuilt"]
    failed = outcomes["crash"] + outcomes["silent change"] + outcomes["reported but wrong"]
    print(f"seed {arguments.seed}, {len(targets)} files, {len(trials)} trials "
          f"({time.perf_counter() - began:.0f} s)")  # fmt: skip
    print(f"  handled cleanly: {handled}  (equal with nothing to report: "
          f"{outcomes['equal, nothing to report']}; reported and rebuilt: "
          f"{outcomes['reported and rebuilt']})")  # fmt: skip
    print(f"  failures: {failed}  (crash: {outcomes['crash']}, crash on the next load too: "
          f"{outcomes['crash on the next load too']}; silent change: "
          f"{outcomes['silent change']}; reported but wrong: "
          f"{outcomes['reported but wrong']})")  # fmt: skip
    print(f"  not healed on the next load: {outcomes['not healed on the next load']}")
    if arguments.show:
        for described, outcome, detail in failures:
            print(f"- {outcome}: {described}\n    {detail.strip()}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed or outcomes["not healed on the next load"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz the kit's input side: random and mutated files, each beside a good page, each read with
a time limit. Prints inputs tried, handled cleanly, and failures by kind.

    .venv/bin/python bench/fuzz.py [--seed 12] [--inputs 300] [--timeout 30] [--verbose]

Every input is written with a fixed seed into its own temporary folder beside ``good.txt``, then
read in a forked child process (``read_documents`` → ``clean_documents``, the aliases and the
fingerprint: everything ``kit.load`` does before the NLP), which is killed after ``--timeout``
seconds. The outcome is one of:

- handled cleanly: no exception, the good page loaded, and the bad file either loaded as
  expected or is named in the problems;
- crash: an exception escaped (in a lenient load);
- hang: the child was still running at the time limit;
- lost good page: the good page beside the bad file did not load;
- silent drop: the bad file gave no article and no problem names it;
- silent change: the loaded text differs from what the file holds (known for the encoding and
  CSV generators) or holds NUL/control characters, with no problem naming the file.

Generators: byte flips, truncation, random bytes, encodings (with and without marks and
declarations), JSON and HTML nesting, sizes (empty, one byte, one huge line, many lines), CSV
quoting and delimiters, configuration files (manifest, outlets, aliases), special files
(FIFO, symlink loop, dangling link).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOOD = (
    "The minister said on Tuesday that talks would resume in Geneva next week.\n\n"
    "Critics were not convinced, and the opposition called the plan “a delay, not a deal”."
)
ARTICLES = {
    "en": "“We are ready,” the minister said on Tuesday — talks resume in Geneva.\n\n"
    "Critics weren’t convinced; the café owners’ union called it “déjà vu”.",
    "de": "Der Minister sagte am Dienstag, die Gespräche würden fortgesetzt.\n\n"
    "Kritiker äußerten sich über die Größe des Vorhabens skeptisch.",
    "es": "¿Qué dijo el ministro? «Estamos listos», afirmó el martes.\n\n"
    "Los críticos no estaban convencidos: «Ya veremos», dijo Muñoz.",
    "ru": "Министр заявил во вторник, что переговоры возобновятся.\n\n"
    "«Мы готовы», — сказала она. Критики не были убеждены.",
    "ja": "大臣は火曜日、協議を再開すると述べた。\n\n"
    "「準備はできている」と彼女は語った。批評家たちは納得していない。",
}
ENCODINGS = {
    "en": ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1252"],
    "de": ["utf-8", "utf-16", "cp1252", "latin-1", "utf-32"],
    "es": ["utf-8", "cp1252", "latin-1", "utf-16"],
    "ru": ["utf-8", "utf-8-sig", "cp1251", "utf-16", "koi8-r"],
    "ja": ["utf-8", "shift_jis", "utf-16", "utf-32", "euc-jp"],
}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


@dataclass
class Case:
    """One fuzz input: files to write beside the good page, and what a right reading gives."""

    generator: str
    files: dict[str, bytes] = field(default_factory=dict)
    expected_text: str | None = None  # the article text the bad file holds, when known
    expected_rows: int | None = None  # CSV rows that must load or be named in problems
    special: str | None = None  # "fifo", "loop", "dangling"
    config: bool = False  # a configuration file: gives no article by design


# ---------------------------------------------------------------------------------------------
# Generators


def _seed_files(rng: random.Random) -> dict[str, bytes]:
    """Return well-formed files of every kind, for the mutating generators to damage."""
    records = [
        {"id": f"r{n}", "source": rng.choice(["Fox", "nyt", "BBC"]), "date": "2023-02-21",
         "text": f"Record {n} says the talks would resume. " * rng.randint(1, 30)}
        for n in range(rng.randint(2, 12))
    ]  # fmt: skip
    csv_lines = ["id,source,date,text"] + [
        f'{record["id"]},{record["source"]},{record["date"]},"{record["text"]}"'
        for record in records
    ]
    html = (
        "<html><head><meta charset='utf-8'><title>Talks resume</title></head><body>"
        "<nav>Home | World</nav><article><h1>Talks resume</h1>"
        + "".join(f"<p>{paragraph}</p>" for paragraph in (GOOD + "\n\n" + GOOD).split("\n\n"))
        + "</article></body></html>"
    )
    return {
        "page.txt": ("Talks resume\nBy Jane Roe February 21, 2023 7:00 PM\n" + GOOD).encode(),
        "feed.csv": ("\n".join(csv_lines) + "\n").encode(),
        "feed.jsonl": "".join(json.dumps(record) + "\n" for record in records).encode(),
        "feed.json": json.dumps(records).encode(),
        "page.html": html.encode(),
    }


def byte_flips(rng: random.Random) -> Case:
    name, data = rng.choice(list(_seed_files(rng).items()))
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(data))
        data[position] = rng.randrange(256)
    return Case("byte flips", {name: bytes(data)})


def truncation(rng: random.Random) -> Case:
    name, data = rng.choice(list(_seed_files(rng).items()))
    return Case("truncation", {name: data[: rng.randrange(1, len(data))]})


def random_bytes(rng: random.Random) -> Case:
    prefix = rng.choice([b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00"])
    name = rng.choice(["noise.txt", "noise.json", "noise.csv", "noise.html", "noise"])
    return Case("random bytes", {name: prefix + rng.randbytes(rng.randint(1, 20_000))})


def encodings(rng: random.Random) -> Case:
    language = rng.choice(list(ARTICLES))
    encoding = rng.choice(ENCODINGS[language])
    text = ARTICLES[language]
    if rng.random() < 0.3:  # a declaration, as saved pages and servers give them
        label = {"utf-8-sig": "utf-8", "latin-1": "iso-8859-1"}.get(encoding, encoding)
        if not label.startswith(("utf-16", "utf-32")):
            text = f'<meta charset="{label}">\n' + text
    return Case(f"encoding {encoding}", {f"{language}.txt": text.encode(encoding)},
                expected_text=text)  # fmt: skip


def tail_binary(rng: random.Random) -> Case:
    text = (GOOD + "\n") * rng.randint(1, 200)
    return Case("binary tail", {"tail.txt": text.encode() + rng.randbytes(rng.randint(50, 9000))})


def stray_cp1252(rng: random.Random) -> Case:
    text = ARTICLES["en"] + "\n\nIt cost 5€ more."
    data = text.encode().replace("€".encode(), b"\x80")
    return Case("cp1252 byte in UTF-8", {"mixed.txt": data}, expected_text=text)


def json_nesting(rng: random.Random) -> Case:
    depth = rng.choice([10, 900, 1_100, 5_000, 100_000, 300_000])
    opening, closing = rng.choice([("[", "]"), ('{"a":', "}")])
    value = opening * depth + "1" + closing * depth
    name = rng.choice(["deep.json", "deep.jsonl"])
    if name == "deep.jsonl":
        value = json.dumps({"text": GOOD}) + "\n" + '{"text": "x", "deep": ' + value + "}\n"
    return Case(f"JSON nesting {depth}", {name: value.encode()})


def html_nesting(rng: random.Random) -> Case:
    depth = rng.choice([50, 300, 1_000, 20_000])
    html = "<html><body>" + "<div>" * depth + f"<p>{GOOD}</p>" + "</div>" * depth + "</body></html>"
    return Case(f"HTML nesting {depth}", {"deep.html": html.encode()})


def sizes(rng: random.Random) -> Case:
    kind = rng.choice(["empty", "one byte", "huge line", "many lines", "only newlines"])
    data = {
        "empty": b"",
        "one byte": bytes([rng.randrange(256)]),
        "huge line": (GOOD.replace("\n", " ") + " ").encode() * rng.randint(5_000, 40_000),
        "many lines": (GOOD + "\n").encode() * rng.randint(2_000, 20_000),
        "only newlines": b"\n" * rng.randint(1, 5000),
    }[kind]
    name = rng.choice(["size.txt", "size.csv", "size.jsonl"]) if kind != "huge line" else "size.txt"
    return Case(f"size: {kind}", {name: data})


def csv_quoting(rng: random.Random) -> Case:
    delimiter = rng.choice([",", ";", "\t"])
    n_rows = rng.randint(3, 60)
    rows = [delimiter.join(["id", "source", "text"])]
    rows += [delimiter.join([str(n), f"Outlet {n}", f"Row {n} says talks resumed."])
             for n in range(n_rows)]  # fmt: skip
    broken = rng.randrange(1, n_rows + 1)
    fields = rows[broken].split(delimiter)
    column = rng.randrange(3)
    fields[column] = rng.choice(['"', 'x"y"', '"unclosed', 'say "hi']) + fields[column]
    rows[broken] = delimiter.join(fields)
    return Case(f"CSV quoting ({delimiter!r})", {"feed.csv": ("\n".join(rows) + "\n").encode()},
                expected_rows=n_rows)  # fmt: skip


def config_files(rng: random.Random) -> Case:
    name = rng.choice(["manifest.csv", "outlets.csv", "aliases.csv"])
    header = {"manifest.csv": "file,source,published,timezone",
              "outlets.csv": "alias,outlet", "aliases.csv": "alias,entity"}[name]  # fmt: skip
    body = {
        "manifest.csv": "good.txt,Fox,05/02/2023 02:30,America/New_York\nmissing.txt,x,y,z\n",
        "outlets.csv": "fox,Fox News\nnyt,The New York Times\n",
        "aliases.csv": "Putin,Vladimir Putin\nXi,Xi Jinping\n",
    }[name]
    text = header + "\n" + body
    mutation = rng.choice(["extra field", "wrong header", "empty", "cp1252", "quote", "flip"])
    if mutation == "extra field":
        text = header + "\n" + body.replace("\n", ",extra\n", 1)
    elif mutation == "wrong header":
        text = "name,value\n" + body
    elif mutation == "empty":
        text = ""
    elif mutation == "quote":
        text = text.replace(",", ',"', 1)
    data = text.encode("cp1252" if mutation == "cp1252" else "utf-8", errors="replace")
    if mutation == "flip" and data:
        data = bytearray(data)
        data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    return Case(f"config {name}: {mutation}", {name: data}, config=True)


def special_files(rng: random.Random) -> Case:
    return Case("special file", special=rng.choice(["fifo", "loop", "dangling", "folder loop"]))


GENERATORS: list[tuple[Callable[[random.Random], Case], int]] = [
    (byte_flips, 6), (truncation, 4), (random_bytes, 3), (encodings, 6), (tail_binary, 2),
    (stray_cp1252, 1), (json_nesting, 2), (html_nesting, 1), (sizes, 2), (csv_quoting, 4),
    (config_files, 3), (special_files, 1),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Running one case


def _write(case: Case, folder: Path) -> None:
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    if case.special == "fifo":
        os.mkfifo(folder / "pipe.txt")
    elif case.special == "loop":
        os.symlink(folder / "b.txt", folder / "a.txt")
        os.symlink(folder / "a.txt", folder / "b.txt")
    elif case.special == "dangling":
        os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    elif case.special == "folder loop":
        os.symlink(folder, folder / "again")


def _read(folder: Path) -> dict:
    """Everything kit.load does before the NLP; returns what the judge needs."""
    from kit.annotate import entities
    from kit.corpus import pipeline
    from kit.ingest.clean import clean_documents
    from kit.ingest.readers import fingerprint, read_documents

    if hasattr(pipeline, "_read_alias_files"):
        pipeline._read_alias_files(None, folder, strict=False)
    elif (folder / "aliases.csv").exists():  # older kits read it so, after the NLP
        entities.read_aliases(folder / "aliases.csv")
    fingerprint(folder)
    documents, problems = read_documents(folder)
    articles, _, clean_problems = clean_documents(documents)
    named = [str(path) for path in problems["path"]]
    named += [str(problem["path"]) for problem in clean_problems]
    return {
        "texts": {Path(path).name: text for path, text in zip(documents["path"],
                                                               documents["raw_text"],
                                                               strict=True)},
        "rows": int((documents["kind"] == "csv").sum()),
        "problem_files": sorted({Path(path).name for path in named}),
        "problem_lines": [int(line) for line in problems["line"].dropna()],
        "reasons": problems["reason"].tolist()[:5],
    }  # fmt: skip


def _child(folder: Path, results) -> None:
    try:
        results.put(("ok", _read(folder)))
    except BaseException:
        results.put(("crash", traceback.format_exc(limit=6)))


def run_case(case: Case, *, timeout: float) -> tuple[str, str]:
    """Return ``(outcome, detail)`` for one case."""
    folder = Path(tempfile.mkdtemp(prefix="kit-fuzz-"))
    try:
        _write(case, folder)
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        process = context.Process(target=_child, args=(folder, results))
        process.start()
        try:
            status, value = results.get(timeout=timeout)
        except Exception:
            process.kill()
            process.join()
            return "hang", f"still running after {timeout:.0f} s"
        process.join()
        if status == "crash":
            return "crash", value.strip().splitlines()[-1]
        return _judge(case, value)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_SPECIAL_NAMES = {"fifo": "pipe.txt", "loop": "a.txt", "dangling": "dangling.txt",
                  "folder loop": "again"}  # fmt: skip


def _judge(case: Case, read: dict) -> tuple[str, str]:
    texts, named = read["texts"], set(read["problem_files"])
    if GOOD not in texts.values():
        return "lost good page", f"problems: {read['reasons']}"
    for name, text in texts.items():
        if _CONTROL.search(text) and name not in named:
            return "silent change", f"{name}: control characters in the text"
    if case.special:
        bad_names = [_SPECIAL_NAMES[case.special]]
    else:
        bad_names = [] if case.config else list(case.files)
    for name in bad_names:
        if name not in texts and name not in named:
            return "silent drop", f"{name}: no article and no problem"
    if case.expected_text is not None:
        [name] = case.files
        if texts.get(name) != case.expected_text and name not in named:
            return "silent change", f"{name}: {texts.get(name, '')[:60]!r}"
    if case.expected_rows is not None:
        reported = len(read["problem_lines"])
        if read["rows"] + reported < case.expected_rows:
            return "silent drop", f"{case.expected_rows} rows, {read['rows']} loaded, " \
                                  f"{reported} named"  # fmt: skip
    return "handled", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--inputs", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()

    # Imported once before the children fork, as one load imports them once.
    import trafilatura  # noqa: F401

    import kit.corpus.pipeline
    import kit.ingest.clean
    import kit.ingest.readers  # noqa: F401

    rng = random.Random(options.seed)
    weights = [weight for _, weight in GENERATORS]
    outcomes: Counter[str] = Counter()
    by_generator: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    began = time.perf_counter()
    for number in range(options.inputs):
        generator = rng.choices([gen for gen, _ in GENERATORS], weights)[0]
        case = generator(random.Random(rng.getrandbits(64)))
        outcome, detail = run_case(case, timeout=options.timeout)
        outcomes[outcome] += 1
        by_generator[generator.__name__][outcome] += 1
        if outcome != "handled" and len(examples[outcome]) < 5:
            examples[outcome].append(f"#{number} {case.generator}: {detail}")
        if options.verbose:
            print(f"{number:4d} {case.generator:32s} {outcome} {detail}", flush=True)
    seconds = time.perf_counter() - began
    failures = options.inputs - outcomes["handled"]
    print(f"seed {options.seed}: {options.inputs} inputs tried in {seconds:.0f} s, "
          f"{outcomes['handled']} handled cleanly, {failures} failures")  # fmt: skip
    for kind in ("crash", "hang", "silent change", "silent drop", "lost good page"):
        print(f"  {kind:15s} {outcomes[kind]}")
    print("by generator (handled/tried):")
    for name, counts in sorted(by_generator.items()):
        print(f"  {name:15s} {counts['handled']}/{sum(counts.values())}")
    for kind, lines in examples.items():
        print(f"examples of {kind}:")
        for line in lines:
            print(f"  {line}")


if __name__ == "__main__":
    main()

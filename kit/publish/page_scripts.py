"""The web app page's scripts, put in place at set-up (``make setup``), never while it serves.

- **Voila's chunks as one file.** Voila's page loads its front end (JupyterLab's rendering,
  the widget manager) as some 80 small scripts, one request each. With a class's pages on one
  machine, the requests cost the browsers more than the scripts themselves: one file holding
  them (``page_chunks``) took 8 pages' Chromium CPU from 27.6 to 20.9 seconds
  (``bench/app_profile.py --users 8``). The file is the installed scripts put end to end, in
  the order ``app/page-chunks.txt`` lists them (the chunks a page of the app asked for,
  recorded by ``bench/app_profile.py --record-chunks``); each script registers its modules
  with webpack's loader, which then finds them there instead of asking the server. A chunk the
  list misses is still fetched on its own, so a stale list costs time, never the page.
- **plotly.js for the app's renderer** (``app/labextensions/kit-plotly``): the basic bundle
  (bar, pie, scatter; 1.2 MB) from npm and the full one the plotly package ships.

>>> chunk_sources([]) == []
True
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP_EXTENSIONS = REPO / "app" / "labextensions"
PLOTLY_BUNDLES = APP_EXTENSIONS / "kit-plotly" / "static"
BASIC_BUNDLE = "plotly-basic.min.js"
FULL_BUNDLE = "plotly.min.js"
# The chunks a page of the app loads, as paths under a Jupyter data folder (share/jupyter).
CHUNK_LIST = REPO / "app" / "page-chunks.txt"
# Where the one file goes: the app template's static folder, served with a version in its URL.
PAGE_CHUNKS = REPO / "app" / "jupyter" / "voila" / "templates" / "kit" / "static" / "page-chunks.js"
_STAMP = re.compile(r"^/\* kit page chunks (\w+) \*/")


def chunk_sources(names: list[str], data_folders: list[str] | None = None) -> list[Path]:
    """Return the installed file of each chunk ``names`` lists that is installed, in order.

    ``data_folders`` are Jupyter's data folders (default: ``jupyter_core.paths.jupyter_path()``).
    """
    if data_folders is None:
        from jupyter_core.paths import jupyter_path

        data_folders = jupyter_path()
    found = []
    for name in names:
        for folder in data_folders:
            path = Path(folder) / name
            if path.is_file():
                found.append(path)
                break
    return found


def listed_chunks(path: Path = CHUNK_LIST) -> list[str]:
    """Return the chunk names ``app/page-chunks.txt`` lists ('#' starts a comment)."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _stamp(sources: list[Path]) -> str:
    """Return a digest of the sources' names, sizes and times: it changes when they do."""
    digest = hashlib.sha1()
    for path in sources:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def install_page_chunks(
    out: Path = PAGE_CHUNKS, chunk_list: Path = CHUNK_LIST, data_folders: list[str] | None = None
) -> bool:
    """Write the listed chunks, as installed now, to ``out`` as one script; return whether
    it is there. Says how many listed chunks are not installed (another Voila version)."""
    names = listed_chunks(chunk_list)
    sources = chunk_sources(names, data_folders)
    if len(sources) < len(names):
        print(
            f"kit.publish.page_scripts: {len(names) - len(sources)} of {len(names)} chunks in "
            f"{chunk_list.name} are not installed (another Voila?): pages fetch what they need "
            "on their own; refresh the list with bench/app_profile.py --record-chunks"
        )
    if not sources:
        out.unlink(missing_ok=True)
        return False
    parts = [f"/* kit page chunks {_stamp(sources)} */\n"]
    parts += [path.read_text(encoding="utf-8").rstrip().rstrip(";") + ";\n" for path in sources]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    partial.write_text("".join(parts), encoding="utf-8")
    partial.replace(out)
    return True


def has_page_chunks(
    out: Path = PAGE_CHUNKS, chunk_list: Path = CHUNK_LIST, data_folders: list[str] | None = None
) -> bool:
    """Return whether ``out`` holds the listed chunks as installed now (not an older Voila's)."""
    if not out.is_file():
        return False
    with out.open(encoding="utf-8") as bundle:
        found = _STAMP.match(bundle.readline())
    sources = chunk_sources(listed_chunks(chunk_list), data_folders)
    return bool(found and sources) and found.group(1) == _stamp(sources)


def has_plotly_bundles(folder: Path | None = None) -> bool:
    """Return whether the app's renderer has both plotly.js bundles (``install_plotly``)."""
    folder = PLOTLY_BUNDLES if folder is None else folder
    return all((folder / name).is_file() for name in (BASIC_BUNDLE, FULL_BUNDLE))


def install_plotly(folder: Path | None = None) -> bool:
    """Install the app renderer's plotly.js bundles in ``folder``; return whether both are there.

    The full bundle is the one the plotly package ships (the same plotly.js as reports and
    JupyterLab); the basic one is npm's ``plotly.js-basic-dist-min`` of that same version,
    fetched with ``npm pack`` (at setup, never when the app runs). Without npm or the network
    this says so and returns False: the app then draws with jupyterlab-plotly, as before.
    """
    import shutil
    import subprocess
    import tarfile
    import tempfile

    import plotly
    from plotly.offline import get_plotlyjs_version

    folder = PLOTLY_BUNDLES if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        Path(plotly.__file__).parent / "package_data" / FULL_BUNDLE, folder / FULL_BUNDLE
    )
    version = get_plotlyjs_version()
    if (folder / BASIC_BUNDLE).is_file() and bundle_version(folder / BASIC_BUNDLE) == version:
        return True
    package = f"plotly.js-basic-dist-min@{version}"
    fallback = "the app draws with jupyterlab-plotly"
    npm = shutil.which("npm")
    if npm is None:
        print(f"kit.publish.page_scripts: no npm, so no {package}: {fallback}")
        return False
    with tempfile.TemporaryDirectory(prefix="kit-plotly-") as scratch:
        packed = subprocess.run(
            [npm, "pack", package, "--silent", "--pack-destination", scratch],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        archives = list(Path(scratch).glob("*.tgz"))
        if packed.returncode != 0 or not archives:
            failure = packed.stderr.strip()[-300:]
            print(f"kit.publish.page_scripts: npm pack {package} failed ({failure}): {fallback}")
            return False
        with tarfile.open(archives[0]) as archive:
            member = archive.extractfile(f"package/{BASIC_BUNDLE}")
            if member is None:
                print(f"kit.publish.page_scripts: {package} has no {BASIC_BUNDLE}: {fallback}")
                return False
            partial = folder / f".{BASIC_BUNDLE}.part"
            partial.write_bytes(member.read())
            partial.replace(folder / BASIC_BUNDLE)
    return has_plotly_bundles(folder)


def bundle_version(path: Path) -> str:
    """Return the plotly.js version a bundle's banner names ('' if none)."""
    with path.open(errors="replace") as bundle:
        banner = bundle.read(300)
    found = re.search(r"\bv(\d+\.\d+\.\d+)\b", banner)
    return found.group(1) if found else ""


def install() -> bool:
    """Put every page script in place (``make setup``); return whether all are there."""
    plotly = install_plotly()
    chunks = install_page_chunks()
    print(
        f"kit.publish.page_scripts: plotly.js bundles {'in' if plotly else 'not in'} "
        f"{PLOTLY_BUNDLES}; Voila's chunks {'in' if chunks else 'not in'} {PAGE_CHUNKS}"
    )
    return plotly and chunks


if __name__ == "__main__":
    install()

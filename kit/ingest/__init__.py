"""Ingest: files on disk → raw documents → clean articles, every problem and removed line recorded.

Modules: readers (one reader per format: records, csv_rows, html_pages), decoding and encodings,
files, dates, manifests and outlets, clean, body (where the body is, from the line model's
scores) and lines (the line model).

>>> import kit.ingest
>>> "read_documents" in kit.ingest.__all__
True
"""

from kit.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "read_documents": "kit.ingest.readers:read_documents",
        "clean_documents": "kit.ingest.clean:clean_documents",
        "ProblemLog": "kit.ingest.documents:ProblemLog",
        "readers": "kit.ingest.readers",
        "records": "kit.ingest.records",
        "csv_rows": "kit.ingest.csv_rows",
        "files": "kit.ingest.files",
        "decoding": "kit.ingest.decoding",
        "encodings": "kit.ingest.encodings",
        "dates": "kit.ingest.dates",
        "manifests": "kit.ingest.manifests",
        "outlets": "kit.ingest.outlets",
        "html_pages": "kit.ingest.html_pages",
        "clean": "kit.ingest.clean",
        "lines": "kit.ingest.lines",
        "documents": "kit.ingest.documents",
        "demo": "kit.ingest.demo",
    },
)

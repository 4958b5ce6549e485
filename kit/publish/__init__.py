"""Publish: rendered reports and the Voila web app.

Modules: report (``python -m kit report``) and app (``make app``).

>>> import kit.publish
>>> "report" in kit.publish.__all__
True
"""

from kit.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "report": "kit.publish.report",
        "app": "kit.publish.app",
    },
)

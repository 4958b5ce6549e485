"""Publish: rendered reports and the Voila web app.

Modules: report (``python -m kit report``), app (``make app``) and page_scripts (the app
page's scripts, put in place by ``make setup``).

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
        "page_scripts": "kit.publish.page_scripts",
    },
)

"""Views: what people see: charts, the dashboard, the framing view, comparison, the lesson.

Modules: chart_style, charts, framing_charts, plots (live charts), html (escaping), templates
(every HTML template), explorer (the dashboard), framing, compare, lesson. Views draw; they do
not count.

>>> import kit.views
>>> "dashboard" in kit.views.__all__
True
"""

from kit.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "dashboard": "kit.views.explorer:dashboard",
        "chart_style": "kit.views.chart_style",
        "charts": "kit.views.charts",
        "framing_charts": "kit.views.framing_charts",
        "plots": "kit.views.plots",
        "html": "kit.views.html",
        "explorer": "kit.views.explorer",
        "framing": "kit.views.framing",
        "framing_html": "kit.views.framing_html",
        "compare": "kit.views.compare",
        "lesson": "kit.views.lesson",
        "templates": "kit.views.templates",
    },
)

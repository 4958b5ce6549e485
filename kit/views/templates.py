"""Every HTML template of the kit's views and reports, in one place, as data.

Templates are ``str.format`` strings (the report's page is a Jinja template for nbconvert).
Whatever fills them is escaped first (``kit.views.html.escape``); the modules that fill them
import the dictionary they need: ``kit.views.html`` (tables, marks, notes), ``framing_html``,
``compare`` and ``kit.publish.report``. Plotly's hover templates stay beside the charts they
label: they are plotly's format strings, not HTML pages.

>>> BASIC["cell"].format(align="left", text="Kyiv")
'<td style="text-align:left;vertical-align:top">Kyiv</td>'
"""

from __future__ import annotations

# Tables, highlighted marks, notes and blocks: every view's building blocks (kit.views.html).
BASIC: dict[str, str] = {
    "table": '<table class="kit-table">{caption}<thead><tr>{headers}</tr></thead>'
    "<tbody>{rows}</tbody></table>",
    "caption": "<caption>{text}</caption>",
    "header": '<th style="text-align:left">{text}</th>',
    "row": "<tr>{cells}</tr>",
    "cell": '<td style="text-align:{align};vertical-align:top">{text}</td>',
    "mark": "<mark{style}>{text}</mark>",
    "mark_style": ' style="background:{color}"',
    "note": '<p class="kit-note">{text}</p>',
    "block": "<div>{body}</div>",
    "bold": "<b>{text}</b>",
    "code": "<code>{text}</code>",
    "quotation": "<blockquote>{text}</blockquote>",
}

# The framing view's labels, headings, code and columns (kit.views.framing_html).
FRAMING: dict[str, str] = {
    "label": '<span style="background:{color};padding:0 4px;border-radius:3px;'
    'white-space:nowrap">{text}</span>',
    "heading": "<h4>{text}</h4>",
    "columns": '<div style="display:flex;gap:2em;flex-wrap:wrap">{body}</div>',
}

# Grey behind a quotation in the side-by-side reading (kit.views.compare).
QUOTE_BACKGROUND = "#E8E8E8"
# The side-by-side reading: its grid, columns, highlighted layers and legend (kit.views.compare).
COMPARE: dict[str, str] = {
    "grid": '<div class="kit-compare" style="display:grid;'
    'grid-template-columns:repeat({n},minmax(0,1fr));gap:1.2em;align-items:start">'
    "{columns}</div>",
    "column": '<section class="kit-compare-column" data-doc-id="{doc_id}" '
    'data-source="{source}">{header}'
    '<div class="kit-compare-text" style="white-space:pre-wrap;line-height:1.55">{body}</div>'
    "</section>",
    "header": '<header style="border-top:6px solid {color};padding-top:.3em;margin-bottom:.6em">'
    '<div class="kit-compare-outlet" style="font-weight:bold">{source}</div>'
    '<div class="kit-compare-title" style="font-size:1.1em;margin:.2em 0">{title}</div>'
    '<div class="kit-compare-date" style="color:#555">{published}</div></header>',
    "mention": '<mark class="kit-entity" data-entity="{entity}" title="{title}" '
    'style="background:{background};border-bottom:2px solid {color};padding:0">{text}</mark>',
    "descriptor": '<u class="kit-descriptor" data-entity="{entity}" title="{title}" '
    'style="text-decoration-thickness:2px">{text}</u>',
    "quote": '<span class="kit-quote" title="{title}" '
    'style="background:' + QUOTE_BACKGROUND + ';font-style:italic">{text}</span>',
    "citation": '<span class="kit-citation" title="{title}" '
    'style="border-bottom:1px dotted #333">{text}</span>',
    "legend": '<div class="kit-compare-legend" style="margin:.4em 0 .8em 0;line-height:2">'
    "{items}</div>",
    "legend_entity": '<mark class="kit-entity" data-entity="{entity}" '
    'style="background:{background};border-bottom:2px solid {color};margin-right:.5em">'
    "{entity}</mark>",
    "legend_key": '<span style="margin-right:1em">{sample} {text}</span>',
}

# A report's static parts: provenance, plots, widget boxes and controls (kit.publish.report).
REPORT: dict[str, str] = {
    "provenance": '<section class="kit-provenance" aria-label="What this report was made from">'
    "<h2>What this report was made from</h2><dl>{items}</dl>"
    '<script type="application/json" id="kit-provenance">{json}</script></section>',
    "provenance_item": "<dt>{label}</dt><dd>{value}</dd>",
    "plot": '<div class="kit-plot" id="{div_id}" style="width:100%;min-height:{height}px"></div>'
    '<script type="text/javascript">Plotly.newPlot("{div_id}", {data}, {layout}, '
    "{config});</script>",
    "box": '<div class="kit-static-box" style="display:flex;flex-direction:{direction};'
    'gap:8px;flex-wrap:wrap">{children}</div>',
    "control": '<div class="kit-static-control"><span class="kit-static-label">{label}</span>'
    " {value}</div>",
    "missing": '<p class="kit-note">({name}: interactive in a live notebook or the app; '
    "no static view of it was saved.)</p>",
    "output_text": "<pre>{text}</pre>",
}

# The report's page: JupyterLab's nbconvert template without its CDN scripts (require.js,
# MathJax, mermaid, the widget manager), with plotly.js inlined and the provenance on top.
REPORT_PAGE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}
<script type="text/javascript">{{ resources.kit_plotly_js }}</script>
{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
.kit-provenance { border: 1px solid #999; padding: 0.5em 1em; margin: 1em 0; font-size: 90%; }
.kit-provenance dl { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; }
.kit-provenance dt { font-weight: bold; }
.kit-static-label { font-weight: bold; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.kit_provenance }}
{%- endblock body_header -%}
"""

"""Render the audit report (contract §4) as a self-contained HTML page or as Markdown.

Everything that comes from documents or the framework is untrusted. The HTML is built with
:func:`el`, which escapes every plain ``str`` child and attribute; only ``Markup`` produced by
this module passes through unescaped. The page loads nothing: CSS is inline, charts are SVG.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

Report = Mapping[str, Any]

GREEN, RED, GREY, SLATE, TRACK = "#2e7d32", "#c62828", "#9e9e9e", "#546e7a", "#eceff1"
KIND_ORDER = ("memo", "promotion", "postmortem", "other")
MAX_QUOTE = 480
UNSTATED = "(unstated)"
VOID_TAGS = frozenset({"br", "hr", "meta"})

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fafafa; color: #212121; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 64px; background: #fff; }
header { display: flex; gap: 32px; align-items: flex-end; justify-content: space-between;
  flex-wrap: wrap; border-bottom: 2px solid #263238; padding-bottom: 16px; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 40px 0 8px; font-size: 20px; border-bottom: 1px solid #cfd8dc; padding-bottom: 4px; }
h3 { margin: 20px 0 6px; font-size: 16px; }
.muted, .note { color: #607d8b; }
.note { font-size: 13px; margin: 4px 0 12px; }
.big { text-align: right; }
.big strong { display: block; font-size: 48px; line-height: 1; color: #263238; }
.big span { font-size: 13px; color: #607d8b; }
.kinds { display: flex; gap: 8px; flex-wrap: wrap; margin: 10px 0 0; padding: 0;
  list-style: none; }
.kinds li { background: #eceff1; border-radius: 4px; padding: 2px 8px; font-size: 13px; }
nav { font-size: 13px; margin: 12px 0 0; }
nav a { color: #37474f; margin-right: 14px; }
.card { border: 1px solid #e0e0e0; border-left: 4px solid #c62828; border-radius: 4px;
  padding: 10px 14px; margin: 12px 0; break-inside: avoid; }
.card.theme { border-left-color: #546e7a; }
.card h3 { margin: 0; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.rank { color: #90a4ae; font-weight: 400; }
.score { font-size: 13px; color: #546e7a; font-weight: 400; display: inline-flex; gap: 6px;
  align-items: center; }
blockquote { margin: 8px 0; padding: 6px 12px; border-left: 3px solid #cfd8dc;
  background: #f5f7f8; font-size: 14px; }
blockquote p { margin: 0; white-space: pre-wrap; }
blockquote footer { font-size: 12px; color: #607d8b; margin-top: 4px; }
.chip, .badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
  margin: 1px 2px; border: 1px solid #cfd8dc; background: #eceff1; }
.badge { border-radius: 3px; font-weight: 600; }
.badge.explicit, .badge.follows, .badge.upholds { background: #e8f5e9; color: #1b5e20;
  border-color: #a5d6a7; }
.badge.implicit { background: #f5f5f5; color: #616161; border-color: #e0e0e0; }
.badge.against, .badge.violates { background: #ffebee; color: #b71c1c; border-color: #ef9a9a; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px;
  border-bottom: 1px solid #eceff1; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #546e7a; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.bars td { vertical-align: middle; }
table.heat td { text-align: center; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.heat td:first-child, table.heat th:first-child { text-align: left; }
.legend { display: flex; gap: 14px; font-size: 12px; color: #546e7a; margin: 4px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 4px; vertical-align: -1px; }
.up { color: #2e7d32; } .down { color: #c62828; }
.callout { background: #fff8e1; border: 1px solid #ffe082; border-radius: 4px; padding: 8px 12px;
  font-size: 14px; }
.empty { color: #78909c; font-style: italic; }
details { border: 1px solid #e0e0e0; border-radius: 4px; margin: 6px 0; padding: 0 12px; }
details[open] { padding-bottom: 10px; }
summary { cursor: pointer; padding: 8px 0; }
summary .muted { font-size: 13px; }
details ul { padding-left: 18px; margin: 4px 0; }
details li { margin: 4px 0; }
svg { vertical-align: middle; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  .card, details, blockquote, tr { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


# --- a tiny escaping HTML builder -------------------------------------------------------------


def _children(items: Iterable[Any]) -> str:
    out: list[str] = []
    for item in items:
        if item is None or item is False:
            continue
        if isinstance(item, Markup):
            out.append(str(item))
        elif isinstance(item, str | int | float):
            out.append(str(escape(str(item))))
        else:
            out.append(_children(item))
    return "".join(out)


def _attrs(attrs: Mapping[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def el(tag: str, *children: Any, **attrs: Any) -> Markup:
    """``el("td", text, class_="num")`` -> ``<td class="num">escaped text</td>``."""
    if tag in VOID_TAGS:
        return Markup(f"<{tag}{_attrs(attrs)}>")
    return Markup(f"<{tag}{_attrs(attrs)}>{_children(children)}</{tag}>")


# --- small shared formatters ------------------------------------------------------------------


def _fmt_score(score: Any) -> str:
    return f"{float(score):.2f}" if isinstance(score, int | float) else "–"


def _fmt_pct(share: Any) -> str:
    return f"{round(float(share) * 100)}%" if isinstance(share, int | float) else "–"


def _clip(text: Any) -> str:
    s = str(text or "").strip()
    return s if len(s) <= MAX_QUOTE else s[: MAX_QUOTE - 1].rstrip() + "…"


def _breakdowns(values: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """(dimension, heading, columns) for each of kind / quarter / team that has any data."""
    out = []
    for dim, title in (
        ("by_kind", "By document kind"),
        ("by_quarter", "By quarter"),
        ("by_team", "By team"),
    ):
        keys = [k for v in values for k in (v.get(dim) or {})]
        if keys:
            columns = _ordered_kinds(keys) if dim == "by_kind" else sorted(set(keys))
            out.append((dim, title, columns))
    return out


def _ordered_kinds(keys: Iterable[str]) -> list[str]:
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(set(keys), key=lambda k: (rank.get(k, len(rank)), k))


def _drift(report: Report, kind: str) -> list[Mapping[str, Any]]:
    items = [d for d in report.get("drift") or [] if d.get("type") == kind]
    return sorted(items, key=lambda d: -float(d.get("score") or 0))


def _tenet_total(row: Mapping[str, Any]) -> int:
    return int(row.get("explicit_documents") or 0) + int(row.get("implicit_documents") or 0)


def _tenets_by_use(report: Report) -> list[Mapping[str, Any]]:
    return sorted(report.get("tenet_usage") or [], key=lambda r: (-_tenet_total(r), r["tenet"]))


def least_used_tenets(report: Report) -> tuple[str, list[str]]:
    """("never applied" | "least used" | "", tenet ids) for the call-out under the usage chart."""
    rows = report.get("tenet_usage") or []
    unused = sorted(r["tenet"] for r in rows if _tenet_total(r) == 0)
    if unused:
        return "never applied", unused
    totals = [_tenet_total(r) for r in rows]
    if len(rows) < 3 or min(totals) == max(totals):
        return "", []
    return "least used", sorted(r["tenet"] for r in rows if _tenet_total(r) == min(totals))


def resolution(conflict: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(value, documents it won) per side of a conflict, plus "(unstated)" for the remainder."""
    resolved = conflict.get("resolved_for") or {}
    wins = [(str(v), int(n or 0)) for v, n in resolved.items()]
    rest = int(conflict.get("documents") or 0) - sum(n for _, n in wins)
    return wins + ([(UNSTATED, rest)] if rest > 0 else [])


def _doc_meta(doc: Mapping[str, Any]) -> str:
    parts = (
        doc.get("kind") or "unknown kind",
        doc.get("team") or "no team",
        doc.get("date") or "undated",
    )
    return " · ".join(str(p) for p in parts)


def _period(report: Report) -> str:
    period = report.get("period") or {}
    start, end = period.get("from"), period.get("to")
    if not start and not end:
        return "period unknown"
    return f"{start or '…'} to {end or '…'}"


def _memo_share(report: Report) -> str:
    memos = ((report.get("corpus") or {}).get("by_kind") or {}).get("memo")
    return "–" if not memos else _fmt_pct(report.get("memos_citing_any_tenet"))


# --- HTML: charts -----------------------------------------------------------------------------


def svg_bar(
    segments: list[tuple[float, str]],
    scale: float,
    width: int = 320,
    height: int = 14,
    label: str = "",
) -> Markup:
    """A horizontal bar of coloured segments; ``scale`` is the value that fills ``width``."""
    rects, x = [el("rect", width=width, height=height, fill=TRACK, rx=2)], 0.0
    for value, colour in segments:
        w = width * value / scale if scale > 0 else 0.0
        if w > 0:
            rects.append(el("rect", x=f"{x:.1f}", width=f"{w:.1f}", height=height, fill=colour))
        x += w
    return el(
        "svg",
        el("title", label),
        *rects,
        width=width,
        height=height,
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_label=label,
    )


def _score_bar(score: Any, colour: str) -> Markup:
    value = min(max(float(score), 0.0), 1.0) if isinstance(score, int | float) else 0.0
    bar = svg_bar([(value, colour)], 1.0, width=120, height=10, label=f"score {_fmt_score(score)}")
    return el("span", bar, _fmt_score(score), class_="score")


def _legend(*items: tuple[str, str]) -> Markup:
    return el(
        "div",
        [
            el("span", el("span", class_="swatch", style=f"background:{c}"), text)
            for text, c in items
        ],
        class_="legend",
    )


# --- HTML: sections ---------------------------------------------------------------------------


def _quote(ev: Mapping[str, Any]) -> Markup:
    where = f" · chars {ev['start']}–{ev['end']}" if "start" in ev and "end" in ev else ""
    footer = el("footer", "— ", el("cite", ev.get("document") or "unknown document"), where)
    return el("blockquote", el("p", _clip(ev.get("text"))), footer)


def _empty(text: str) -> Markup:
    return el("p", text, class_="empty")


def html_header(report: Report) -> Markup:
    corpus = report.get("corpus") or {}
    by_kind = corpus.get("by_kind") or {}
    kinds = el(
        "ul", [el("li", f"{k}: {by_kind[k]}") for k in _ordered_kinds(by_kind)], class_="kinds"
    )
    left = el(
        "div",
        el("h1", report.get("organization") or "Values audit"),
        el(
            "div",
            f"Values audit · {_period(report)} · {corpus.get('documents', 0)} documents",
            class_="muted",
        ),
        kinds,
    )
    big = el(
        "div",
        el("strong", _memo_share(report)),
        el("span", "of memos cite a tenet explicitly"),
        class_="big",
    )
    links = [
        ("gaps", "Say-do gaps"),
        ("unstated", "Unstated values"),
        ("tenets", "Tenet usage"),
        ("breakdown", "By kind & quarter"),
        ("conflicts", "Conflicts"),
        ("documents", "Documents"),
    ]
    nav = el("nav", [el("a", text, href=f"#{anchor}") for anchor, text in links])
    return Markup(el("header", left, big) + nav)


def html_gaps(report: Report) -> Markup:
    gaps = _drift(report, "say_do_gap")
    body: list[Markup] = [
        el("p", "Stated values that the documents contradict, most severe first.", class_="note")
    ]
    if not gaps:
        body.append(_empty("No say-do gaps found."))
    for rank, gap in enumerate(gaps, 1):
        title = el(
            "h3",
            el("span", f"#{rank}", class_="rank"),
            gap.get("value") or "",
            _score_bar(gap.get("score"), RED),
        )
        quotes = [_quote(ev) for ev in gap.get("evidence") or []]
        body.append(el("div", title, el("p", gap.get("summary") or ""), quotes, class_="card"))
    return el("section", el("h2", "Say-do gaps"), body, id="gaps")


def html_unstated(report: Report) -> Markup:
    themes = _drift(report, "unstated_value")
    body: list[Markup] = [
        el(
            "p",
            "Recurring reasons for decisions or praise that no stated value names.",
            class_="note",
        )
    ]
    if not themes:
        body.append(_empty("No unstated values found."))
    for item in themes:
        docs = item.get("documents") or []
        body.append(
            el(
                "div",
                el("h3", item.get("theme") or "", _score_bar(item.get("score"), SLATE)),
                el("div", [el("span", k, class_="chip") for k in item.get("keywords") or []]),
                el("p", item.get("summary") or ""),
                el("p", f"{len(docs)} documents: ", ", ".join(str(d) for d in docs), class_="note"),
                class_="card theme",
            )
        )
    return el("section", el("h2", "Unstated values"), body, id="unstated")


def _tenet_row(row: Mapping[str, Any], scale: int) -> Markup:
    exp, imp = int(row.get("explicit_documents") or 0), int(row.get("implicit_documents") or 0)
    against = int(row.get("against_documents") or 0)
    used = svg_bar([(exp, GREEN), (imp, GREY)], scale, label=f"{exp} explicit, {imp} implicit")
    opposed = svg_bar([(against, RED)], scale, height=6, label=f"{against} against")
    return el(
        "tr",
        el("td", row["tenet"]),
        el("td", used, el("br"), opposed),
        el("td", exp, class_="num"),
        el("td", imp, class_="num"),
        el("td", against, class_="num down"),
    )


def html_tenets(report: Report) -> Markup:
    rows = _tenets_by_use(report)
    head = el("h2", "Tenet usage")
    if not rows:
        return el("section", head, _empty("No tenets in this framework."), id="tenets")
    scale = max(max(_tenet_total(r), int(r.get("against_documents") or 0)) for r in rows) or 1
    table = el(
        "table",
        el(
            "tr",
            el("th", "Tenet"),
            el("th", "Documents"),
            el("th", "Explicit", class_="num"),
            el("th", "Implicit", class_="num"),
            el("th", "Against", class_="num"),
        ),
        [_tenet_row(r, scale) for r in rows],
        class_="bars",
    )
    legend = _legend(
        ("explicit citation", GREEN),
        ("applied without citing", GREY),
        ("against: of those, documents that made the opposite choice", RED),
    )
    label, least = least_used_tenets(report)
    callout = (
        el("p", el("strong", label.capitalize() + ": "), ", ".join(least), class_="callout")
        if least
        else None
    )
    return el("section", head, legend, table, callout, id="tenets")


def _heat_cell(cell: Mapping[str, Any] | None, scale: int) -> Markup:
    if not cell or not (cell.get("upheld") or cell.get("violated")):
        return el("td", "·", class_="muted")
    up, down = int(cell.get("upheld") or 0), int(cell.get("violated") or 0)
    share = down / (up + down)
    tint = (
        f"background: rgba(198, 40, 40, {0.06 + 0.3 * share:.2f})"
        if down
        else "background: rgba(46, 125, 50, 0.08)"
    )
    bars = (
        svg_bar([(up, GREEN)], scale, width=60, height=5, label=f"{up} upheld"),
        el("br"),
        svg_bar([(down, RED)], scale, width=60, height=5, label=f"{down} violated"),
    )
    return el(
        "td",
        el("span", up, class_="up"),
        " / ",
        el("span", down, class_="down"),
        el("br"),
        bars,
        style=tint,
    )


def _totals(value: Mapping[str, Any]) -> dict[str, int]:
    return {
        "upheld": int(value.get("upheld_documents") or 0),
        "violated": int(value.get("violated_documents") or 0),
    }


def _max_count(cells: Iterable[Mapping[str, Any]]) -> int:
    counts = [int(c.get(k) or 0) for c in cells for k in ("upheld", "violated")]
    return max(counts, default=0) or 1


def _heat_table(values: list[Mapping[str, Any]], dim: str, columns: list[str]) -> Markup:
    """Rows are values, columns the groups of ``dim``, plus an "All" column on its own scale."""
    scale = _max_count(c for v in values for c in (v.get(dim) or {}).values())
    all_scale = _max_count(_totals(v) for v in values)
    head = el("tr", el("th", "Value"), [el("th", c) for c in columns], el("th", "All"))
    rows = [
        el(
            "tr",
            el("td", v["value"]),
            [_heat_cell((v.get(dim) or {}).get(c), scale) for c in columns],
            _heat_cell(_totals(v), all_scale),
        )
        for v in values
    ]
    return el("table", head, rows, class_="heat")


def html_breakdown(report: Report) -> Markup:
    values = report.get("values") or []
    parts: list[Markup] = [
        el("h2", "Values upheld and violated, by kind and by quarter"),
        _legend(("upheld", GREEN), ("violated", RED)),
        el(
            "p",
            "Each cell: documents upholding / violating the value; the "
            "redder the cell, the larger the share violating.",
            class_="note",
        ),
    ]
    if not values:
        parts.append(_empty("No values in this framework."))
    for dim, title, columns in _breakdowns(values):
        parts += [el("h3", title), _heat_table(values, dim, columns)]
    return el("section", parts, id="breakdown")


def _wins(conflict: Mapping[str, Any]) -> Markup:
    return Markup("").join(
        el("div", f"{v}: {n}", class_="muted" if v == UNSTATED else None)
        for v, n in resolution(conflict)
    )


def _conflict_row(conflict: Mapping[str, Any]) -> Markup:
    evidence = conflict.get("evidence") or []
    against = conflict.get("against_tenet_documents") or []
    return el(
        "tr",
        el("td", " vs ".join(str(v) for v in conflict.get("values") or [])),
        el("td", conflict.get("documents", 0), class_="num"),
        el("td", _wins(conflict)),
        el("td", conflict.get("tenet") or "none"),
        el("td", ", ".join(str(d) for d in against) or "–", class_="down" if against else None),
        el("td", _quote(evidence[0]) if evidence else "–"),
    )


def html_conflicts(report: Report) -> Markup:
    conflicts = report.get("conflicts") or []
    head = el("h2", "Conflicts between values")
    if not conflicts:
        return el("section", head, _empty("No value conflicts found."), id="conflicts")
    table = el(
        "table",
        el(
            "tr",
            el("th", "Value pair"),
            el("th", "Docs", class_="num"),
            el("th", "Resolved for"),
            el("th", "Settling tenet"),
            el("th", "Against the tenet"),
            el("th", "Evidence"),
        ),
        [_conflict_row(c) for c in conflicts],
    )
    return el("section", head, table, id="conflicts")


def _badge(text: Any) -> Markup:
    return el("span", text, class_=f"badge {text}")


def _finding(label: Any, badges: list[Any], score: Any, evidence: list[Any]) -> Markup:
    score_text = f" · {_fmt_score(score)}" if score is not None else ""
    return el(
        "li",
        el("strong", label),
        " ",
        [_badge(b) for b in badges if b],
        el("span", score_text, class_="muted"),
        [_quote(ev) for ev in evidence[:2]],
    )


def _doc_summary(doc: Mapping[str, Any]) -> Markup:
    meta = _doc_meta(doc)
    counts = (
        f"{len(doc.get('tenets') or [])} tenets, {len(doc.get('values') or [])} values, "
        f"{len(doc.get('tradeoffs') or [])} trade-offs"
    )
    title = f" — {doc['title']}" if doc.get("title") else ""
    return el(
        "summary",
        el("strong", doc.get("id") or "?"),
        title,
        " ",
        el("span", f"{meta} · {counts}", class_="muted"),
    )


def _tradeoff_label(t: Mapping[str, Any]) -> str:
    winner = t.get("winner") or (
        f"“{t['winner_text']}” {UNSTATED}" if t.get("winner_text") else UNSTATED
    )
    loser = t.get("loser") or (
        f"“{t['loser_text']}” {UNSTATED}" if t.get("loser_text") else UNSTATED
    )
    # a tenet's trade-off is inferred from applying the tenet, not read in the text: say so
    source = " (by the tenet applied)" if t.get("basis") == "tenet" else ""
    return f"{winner} → {loser}{source}"


def _tenet_tags(t: Mapping[str, Any]) -> list[Any]:
    """Mode and direction, and a warning when a model, not a citation or trade-off, says so."""
    tags = [t.get("mode"), t.get("direction")]
    return tags + ["inferred by model"] if t.get("basis") == "model" else tags


def _doc_block(doc: Mapping[str, Any]) -> Markup:
    groups = [
        (
            "Tenets",
            [
                _finding(
                    t.get("tenet"),
                    _tenet_tags(t),
                    t.get("score"),
                    t.get("evidence") or [],
                )
                for t in doc.get("tenets") or []
            ],
        ),
        (
            "Value stances",
            [
                _finding(v.get("value"), [v.get("stance")], v.get("score"), v.get("evidence") or [])
                for v in doc.get("values") or []
            ],
        ),
        (
            "Trade-offs",
            [
                _finding(_tradeoff_label(t), [], None, t.get("evidence") or [])
                for t in doc.get("tradeoffs") or []
            ],
        ),
    ]
    body = [Markup(el("h3", title) + el("ul", items)) for title, items in groups if items]
    themes = doc.get("themes") or []
    if themes:
        body.append(
            Markup(el("h3", "Themes") + el("div", [el("span", t, class_="chip") for t in themes]))
        )
    return el("details", _doc_summary(doc), body or _empty("No findings in this document."))


def html_documents(report: Report) -> Markup:
    docs = report.get("documents") or []
    body = [_doc_block(d) for d in docs] if docs else [_empty("No documents.")]
    return el("section", el("h2", "Documents"), body, id="documents")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no scripts, no links out)."""
    org = report.get("organization") or "Values audit"
    head = Markup(
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    )
    sections = [
        html_header(report),
        html_gaps(report),
        html_unstated(report),
        html_tenets(report),
        html_breakdown(report),
        html_conflicts(report),
        html_documents(report),
    ]
    page = el(
        "html",
        el("head", head, el("title", f"{org} — values audit"), el("style", Markup(CSS))),
        el("body", el("main", sections)),
        lang="en",
    )
    return str(Markup("<!doctype html>\n") + page + Markup("\n"))


# --- Markdown ---------------------------------------------------------------------------------


def md_text(text: Any) -> str:
    """Untrusted text for Markdown prose: HTML-significant characters become entities."""
    return (
        str(escape(str(text if text is not None else "")))
        .replace("&#39;", "'")
        .replace("&#34;", '"')
    )


def md_cell(text: Any) -> str:
    """One table cell: escaped like :func:`md_text`, pipes escaped, on a single line."""
    return " ".join(md_text(text).split()).replace("|", "\\|")


def md_table(
    header: list[str], rows: list[list[Any]], numeric: frozenset[int] = frozenset()
) -> list[str]:
    align = ["---:" if i in numeric else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def md_quote(ev: Mapping[str, Any]) -> list[str]:
    lines = [f"> {md_text(line)}".rstrip() for line in _clip(ev.get("text")).splitlines()]
    return [*lines, f"> — {md_text(ev.get('document') or 'unknown document')}", ""]


def md_header(report: Report) -> list[str]:
    corpus = report.get("corpus") or {}
    by_kind = corpus.get("by_kind") or {}
    kinds = ", ".join(f"{k}: {by_kind[k]}" for k in _ordered_kinds(by_kind)) or "none"
    return [
        f"# {md_text(report.get('organization') or 'Values audit')} — values audit",
        "",
        f"- Period: {md_text(_period(report))}",
        f"- Documents: {corpus.get('documents', 0)} ({md_text(kinds)})",
        f"- Memos citing any tenet explicitly: **{_memo_share(report)}**",
        "",
    ]


def md_gaps(report: Report) -> list[str]:
    gaps = _drift(report, "say_do_gap")
    out = ["## Say-do gaps", ""]
    if not gaps:
        return [*out, "_No say-do gaps found._", ""]
    out += md_table(
        ["#", "Value", "Score", "Summary"],
        [
            [i, g.get("value"), _fmt_score(g.get("score")), g.get("summary")]
            for i, g in enumerate(gaps, 1)
        ],
        numeric=frozenset({0, 2}),
    )
    for i, gap in enumerate(gaps, 1):
        evidence = gap.get("evidence") or []
        if evidence:
            out += [f"### {i}. {md_text(gap.get('value'))}", ""]
            out += [line for ev in evidence for line in md_quote(ev)]
    return out


def md_unstated(report: Report) -> list[str]:
    themes = _drift(report, "unstated_value")
    out = ["## Unstated values", ""]
    if not themes:
        return [*out, "_No unstated values found._", ""]
    return out + md_table(
        ["Theme", "Keywords", "Documents", "Score", "Summary"],
        [
            [
                t.get("theme"),
                ", ".join(t.get("keywords") or []),
                ", ".join(t.get("documents") or []),
                _fmt_score(t.get("score")),
                t.get("summary"),
            ]
            for t in themes
        ],
        numeric=frozenset({3}),
    )


def md_tenets(report: Report) -> list[str]:
    rows = _tenets_by_use(report)
    out = ["## Tenet usage", ""]
    if not rows:
        return [*out, "_No tenets in this framework._", ""]
    out += md_table(
        ["Tenet", "Explicit", "Implicit", "Against"],
        [
            [
                r["tenet"],
                r.get("explicit_documents", 0),
                r.get("implicit_documents", 0),
                r.get("against_documents", 0),
            ]
            for r in rows
        ],
        numeric=frozenset({1, 2, 3}),
    )
    label, least = least_used_tenets(report)
    if least:
        out += [f"**{label.capitalize()}:** {md_text(', '.join(least))}", ""]
    return out


def _md_cell_counts(cell: Mapping[str, Any] | None) -> str:
    if not cell:
        return "·"
    return f"{cell.get('upheld', 0)} / {cell.get('violated', 0)}"


def md_breakdown(report: Report) -> list[str]:
    values = report.get("values") or []
    out = ["## Values upheld / violated, by kind and by quarter", ""]
    if not values:
        return [*out, "_No values in this framework._", ""]
    for dim, title, columns in _breakdowns(values):
        rows = [
            [
                v["value"],
                *[_md_cell_counts((v.get(dim) or {}).get(c)) for c in columns],
                f"{v.get('upheld_documents', 0)} / {v.get('violated_documents', 0)}",
            ]
            for v in values
        ]
        out += [f"### {title} (upheld / violated)", ""]
        out += md_table(["Value", *[md_cell(c) for c in columns], "All"], rows)
    return out


def md_conflicts(report: Report) -> list[str]:
    conflicts = report.get("conflicts") or []
    out = ["## Conflicts between values", ""]
    if not conflicts:
        return [*out, "_No value conflicts found._", ""]
    rows = []
    for c in conflicts:
        evidence = c.get("evidence") or []
        quote = (
            f"“{_clip(evidence[0].get('text'))}” — {evidence[0].get('document')}"
            if evidence
            else "–"
        )
        rows.append(
            [
                " vs ".join(c.get("values") or []),
                c.get("documents", 0),
                ", ".join(f"{v}: {n}" for v, n in resolution(c)),
                c.get("tenet") or "none",
                ", ".join(c.get("against_tenet_documents") or []) or "–",
                quote,
            ]
        )
    return out + md_table(
        ["Value pair", "Docs", "Resolved for", "Settling tenet", "Against the tenet", "Evidence"],
        rows,
        numeric=frozenset({1}),
    )


def _md_finding(label: Any, tags: list[Any], score: Any, evidence: list[Any]) -> list[str]:
    tag_text = "".join(f" _{md_text(t)}_" for t in tags if t)
    score_text = f" ({_fmt_score(score)})" if score is not None else ""
    quotes = [
        f"  > {md_text(' '.join(_clip(ev.get('text')).split()))} — {md_text(ev.get('document'))}"
        for ev in evidence[:2]
    ]
    return [f"- **{md_text(label)}**{tag_text}{score_text}", *quotes]


def md_document(doc: Mapping[str, Any]) -> list[str]:
    title = f" — {md_text(doc['title'])}" if doc.get("title") else ""
    out = [f"### {md_text(doc.get('id'))}{title}", "", f"_{md_text(_doc_meta(doc))}_", ""]
    for t in doc.get("tenets") or []:
        out += _md_finding(
            f"tenet {t.get('tenet')}",
            _tenet_tags(t),
            t.get("score"),
            t.get("evidence") or [],
        )
    for v in doc.get("values") or []:
        out += _md_finding(
            f"value {v.get('value')}", [v.get("stance")], v.get("score"), v.get("evidence") or []
        )
    for t in doc.get("tradeoffs") or []:
        out += _md_finding(f"trade-off {_tradeoff_label(t)}", [], None, t.get("evidence") or [])
    if doc.get("themes"):
        out.append(f"- themes: {md_text(', '.join(doc['themes']))}")
    return [*out, ""]


def md_documents(report: Report) -> list[str]:
    docs = report.get("documents") or []
    out = ["## Documents", ""]
    if not docs:
        return [*out, "_No documents._", ""]
    return out + [line for d in docs for line in md_document(d)]


def render_markdown(report: Report) -> str:
    """The same content as :func:`render_html`, as Markdown tables, lists and quotes."""
    parts = [md_header, md_gaps, md_unstated, md_tenets, md_breakdown, md_conflicts, md_documents]
    lines = [line for part in parts for line in part(report)]
    return "\n".join(lines).rstrip() + "\n"

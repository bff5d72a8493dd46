"""The report as the office reads it: one self-contained HTML page (charts drawn here as inline
SVG, nothing fetched), a CSV of every figure, a PNG chart and a short text for the staff chat.

Labels are in the staff's language (`STAFF_LANGUAGE`); no student identity appears anywhere.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
from typing import Any, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot import texts
from bot.report.figures import ALL, LANGUAGES, OTHER, OUTCOMES, Figures

CHARTS = ("trend", "outcomes", "languages", "handoffs", "questions")
COLOURS = {"fr": "#1f5fa8", "en": "#d9822b", "other": "#8a8a8a", "yes": "#2e8b57", "no": "#c0392b",
           "conditional": "#e1a95f", "needs_staff": "#6c5ce7", "rate": "#222222"}


def _period(figures: Figures, lang: str) -> str:
    """The period as the office gave it: local dates, the last one included."""
    zone = ZoneInfo(figures.timezone)

    def local(moment: dt.datetime) -> dt.date:
        return moment.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()

    return _t("period", lang, since=local(figures.since).isoformat(),
              until=(local(figures.until) - dt.timedelta(days=1)).isoformat(), timezone=figures.timezone)


def _t(key: str, lang: str, **params: Any) -> str:
    return texts.text(f"report.{key}", lang, **params)


def _pct(value: Optional[float]) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _num(value: Optional[float]) -> str:
    return "—" if value is None else (f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}")


def _label(kind: str, name: str, lang: str) -> str:
    key = f"{kind}.{name}"
    return texts.text(key, lang) if texts.has(key) else name


# -- charts ---------------------------------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "ul-mobility-report",
                                "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    import matplotlib.pyplot as plt

    return plt


def _draw(name: str, figures: Figures, lang: str):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=100)
    if name == "trend":
        buckets = list(figures.series)
        x = range(len(buckets))
        for group in LANGUAGES:
            ax.plot(x, [figures.series[b][group]["questions"] for b in buckets], marker="o", color=COLOURS[group],
                    label=_t(f"lang_{group}", lang))
        ax.set_ylabel(_t("questions", lang))
        ax.set_xticks(list(x))
        ax.set_xticklabels(buckets, rotation=45, ha="right", fontsize=7)
        rate = ax.twinx()
        rates = [figures.series[b][ALL]["deflection_rate"] for b in buckets]
        rate.plot(x, [r * 100 if r is not None else float("nan") for r in rates], linestyle="--",
                  color=COLOURS["rate"], label=_t("deflection_rate", lang))
        rate.set_ylim(0, 100)
        rate.set_ylabel("%")
        lines = ax.get_legend_handles_labels()
        extra = rate.get_legend_handles_labels()
        ax.legend(lines[0] + extra[0], lines[1] + extra[1], loc="upper left", fontsize=7)
    elif name == "outcomes":
        questions = list(figures.outcomes)
        bottom = [0] * len(questions)
        for outcome in OUTCOMES:
            values = [figures.outcomes[q][outcome] for q in questions]
            ax.bar(range(len(questions)), values, bottom=bottom, color=COLOURS[outcome],
                   label=_label("outcomes", outcome, lang))
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_xticks(range(len(questions)))
        ax.set_xticklabels([_label("questions", q, lang) for q in questions], rotation=30, ha="right", fontsize=7)
        ax.legend(fontsize=7)
    elif name == "languages":
        groups = [g for g in (*LANGUAGES, OTHER) if figures.totals[g]["messages"]]
        width = 0.38
        x = range(len(groups))
        ax.bar([i - width / 2 for i in x], [(figures.totals[g]["deflection_rate"] or 0) * 100 for g in groups],
               width, color="#2e8b57", label=_t("deflection_rate", lang))
        ax.bar([i + width / 2 for i in x], [(figures.totals[g]["not_understood_rate"] or 0) * 100 for g in groups],
               width, color="#c0392b", label=_t("not_understood_rate", lang))
        ax.set_xticks(list(x))
        ax.set_xticklabels([_t(f"lang_{g}", lang) for g in groups])
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
        ax.legend(fontsize=7)
    elif name == "handoffs":
        reasons = list(figures.handoffs)
        ax.barh(range(len(reasons)), [figures.handoffs[r] for r in reasons], color="#6c5ce7")
        ax.set_yticks(range(len(reasons)))
        ax.set_yticklabels([_label("reasons", r, lang) for r in reasons], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(_t("tickets", lang))
    elif name == "questions":
        items = [(q, v[ALL]) for q, v in figures.questions.items()] + \
                [(f"faq/{t}", v[ALL]) for t, v in figures.faq_topics.items()]
        items = sorted(items, key=lambda kv: -kv[1])[:15]
        ax.barh(range(len(items)), [v for _, v in items], color="#1f5fa8")
        ax.set_yticks(range(len(items)))
        ax.set_yticklabels([_label("questions", q, lang) if not q.startswith("faq/") else q for q, _ in items],
                           fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(_t("questions", lang))
    from matplotlib.ticker import MaxNLocator

    (ax.xaxis if name in ("handoffs", "questions") else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_t(f"chart_{name}", lang), fontsize=10)
    fig.tight_layout()
    return plt, fig


def chart_svg(name: str, figures: Figures, lang: str) -> str:
    plt, fig = _draw(name, figures, lang)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # inline: without the XML declaration and doctype


def chart_png(name: str, figures: Figures, lang: str) -> bytes:
    plt, fig = _draw(name, figures, lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


# -- the page -------------------------------------------------------------------------------------

def _table(headers: List[str], rows: List[List[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:62rem;color:#222;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.period{color:#555;margin-top:0}.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.4rem}table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}th{background:#f4f4f4}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}.empty{font-size:1.1rem;padding:2rem;background:#f8f8f8}
.defs{font-size:.85rem;color:#444}
"""


def html_page(figures: Figures, lang: str) -> str:
    period = _period(figures, lang)
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(_t('title', lang))}</title><style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(_t('title', lang))}</h1><p class=\"period\">{html.escape(period)}</p>"]
    if figures.empty:
        parts.append(f"<p class=\"empty\" id=\"no-data\">{html.escape(_t('no_data', lang))}</p></body></html>")
        return "".join(parts)
    total = figures.totals[ALL]
    cards = [("conversations", _num(total["conversations"])), ("students", _num(total["students"])),
             ("questions", _num(total["questions"])), ("deflection_rate", _pct(total["deflection_rate"])),
             ("not_understood_rate", _pct(total["not_understood_rate"])), ("handoffs", _num(total["handoffs"])),
             ("open_tickets", _num(figures.open_tickets))]
    parts.append("<div class=\"cards\">" + "".join(
        f"<div class=\"card\"><b>{html.escape(v)}</b>{html.escape(_t(k, lang))}</div>" for k, v in cards) + "</div>")

    def chart(name: str) -> None:
        parts.append(f"<figure id=\"chart-{name}\" class=\"chart\">{chart_svg(name, figures, lang)}</figure>")

    parts.append(f"<h2>{html.escape(_t('section_overview', lang))}</h2>")
    chart("trend")
    headers = [_t("language", lang)] + [_t(k, lang) for k in ("conversations", "students", "messages", "questions",
                                                              "deflection_rate", "not_understood_rate",
                                                              "out_of_scope_rate", "handoffs")]
    rows = [[_t(f"lang_{g}", lang), _num(f["conversations"]), _num(f["students"]), _num(f["messages"]),
             _num(f["questions"]), _pct(f["deflection_rate"]), _pct(f["not_understood_rate"]),
             _pct(f["out_of_scope_rate"]), _num(f["handoffs"])]
            for g, f in figures.totals.items() if g == ALL or f["messages"]]
    parts.append(_table(headers, rows))
    chart("languages")
    parts.append(f"<h2>{html.escape(_t('section_series', lang, granularity=_t(figures.granularity, lang)))}</h2>")
    parts.append(_table([_t("bucket", lang), _t("conversations", lang), _t("questions", lang),
                         _t("lang_fr", lang), _t("lang_en", lang), _t("deflection_rate", lang)],
                        [[b, _num(v[ALL]["conversations"]), _num(v[ALL]["questions"]), _num(v["fr"]["questions"]),
                          _num(v["en"]["questions"]), _pct(v[ALL]["deflection_rate"])]
                         for b, v in figures.series.items()]))

    parts.append(f"<h2>{html.escape(_t('section_questions', lang))}</h2>")
    chart("questions")
    parts.append(_table([_t("question", lang), _t("lang_fr", lang), _t("lang_en", lang), _t("total", lang)],
                        [[_label("questions", q, lang), _num(v.get("fr", 0)), _num(v.get("en", 0)), _num(v[ALL])]
                         for q, v in figures.questions.items()] +
                        [[f"FAQ: {t}", _num(v.get("fr", 0)), _num(v.get("en", 0)), _num(v[ALL])]
                         for t, v in figures.faq_topics.items()]))
    parts.append(f"<h2>{html.escape(_t('section_outcomes', lang))}</h2>")
    if figures.outcomes:
        chart("outcomes")
        parts.append(_table([_t("question", lang)] + [_label("outcomes", o, lang) for o in OUTCOMES],
                            [[_label("questions", q, lang)] + [_num(v[o]) for o in OUTCOMES]
                             for q, v in figures.outcomes.items()]))
    parts.append(f"<h2>{html.escape(_t('section_handoffs', lang))}</h2>")
    if figures.handoffs:
        chart("handoffs")
    parts.append(_table([_t("reason", lang), _t("tickets", lang)],
                        [[_label("reasons", r, lang), _num(n)] for r, n in figures.handoffs.items()]))
    parts.append(_table([_t("when_opened", lang), _t("tickets", lang), _t("first_reply_median", lang),
                         _t("first_reply_p90", lang), _t("close_median", lang), _t("close_p90", lang)],
                        [[_t(w, lang), _num(v["tickets"]), _num(v["first_reply_median_min"]),
                          _num(v["first_reply_p90_min"]), _num(v["close_median_min"]), _num(v["close_p90_min"])]
                         for w, v in figures.ticket_times.items()]))
    parts.append(f"<p>{html.escape(_t('open_tickets', lang))}: {figures.open_tickets}</p>")
    parts.append(f"<h2>{html.escape(_t('section_not_understood', lang))}</h2>")
    parts.append(_table([_t("message", lang), _t("language", lang), _t("kind", lang), _t("count", lang)],
                        [[e["text"], e["language"], _t(e["kind"], lang), _num(e["count"])]
                         for e in figures.not_understood]))
    parts.append(f"<h2>{html.escape(_t('section_unknown_facts', lang))}</h2>")
    parts.append(_table([_t("question", lang), _t("fact", lang), _t("count", lang)],
                        [[_label("questions", q, lang), f, _num(n)]
                         for q, facts in figures.unknown_facts.items() for f, n in facts.items()]))
    parts.append(f"<h2>{html.escape(_t('section_definitions', lang))}</h2>"
                 f"<div class=\"defs\">{_t('definitions', lang)}</div></body></html>")
    return "".join(parts)


# -- CSV and chat ---------------------------------------------------------------------------------

def csv_rows(figures: Figures) -> List[Tuple[str, str, str, str, Any]]:
    """(section, key, language, measure, value) for every figure of the page."""
    rows: List[Tuple[str, str, str, str, Any]] = []
    for group, values in figures.totals.items():
        rows += [("totals", "", group, k, v) for k, v in values.items()]
    for bucket, by_group in figures.series.items():
        for group, values in by_group.items():
            rows += [("series", bucket, group, k, v) for k, v in values.items()]
    for question, counts in figures.questions.items():
        rows += [("questions", question, g, "count", n) for g, n in counts.items()]
    for topic, counts in figures.faq_topics.items():
        rows += [("faq_topics", topic, g, "count", n) for g, n in counts.items()]
    for question, counts in figures.outcomes.items():
        rows += [("outcomes", question, ALL, o, n) for o, n in counts.items()]
    rows += [("handoffs", reason, ALL, "count", n) for reason, n in figures.handoffs.items()]
    for where, values in figures.ticket_times.items():
        rows += [("ticket_times", where, ALL, k, v) for k, v in values.items()]
    rows.append(("tickets", "open_now", ALL, "count", figures.open_tickets))
    rows += [("not_understood", e["text"], e["language"], e["kind"], e["count"]) for e in figures.not_understood]
    for question, facts in figures.unknown_facts.items():
        rows += [("unknown_facts", f"{question}:{fact}", ALL, "count", n) for fact, n in facts.items()]
    return rows


def csv_text(figures: Figures) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "language", "measure", "value"])
    for row in csv_rows(figures):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: a student's text starting with = + - @ becomes text
    (a leading apostrophe), so "=HYPERLINK(…)" typed to the assistant stays a string for staff."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def summary_text(figures: Figures, lang: str) -> str:
    """The few lines `/report` posts in the staff chat."""
    period = _period(figures, lang)
    if figures.empty:
        return f"{_t('title', lang)}\n{period}\n{_t('no_data', lang)}"
    total = figures.totals[ALL]
    times = figures.ticket_times["all"]
    return _t("summary", lang, title=_t("title", lang), period=period, conversations=total["conversations"],
              students=total["students"], questions=total["questions"], deflection=_pct(total["deflection_rate"]),
              not_understood=_pct(total["not_understood_rate"]), handoffs=sum(figures.handoffs.values()),
              open=figures.open_tickets, first_reply=_num(times["first_reply_median_min"]),
              fr=_pct(figures.totals["fr"]["deflection_rate"]), en=_pct(figures.totals["en"]["deflection_rate"]))

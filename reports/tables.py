"""The report's tables: the one place that decides which rows and columns a report shows and how
each figure is written in the report's language.

The PDF (``reports.pdf``), the panel's dashboard and the XLSX aggregates (``reports.export``) all
print these tables, so they cannot disagree. Every cell is a ``Figure``: the raw ``value`` (a
number, a date string, None or SUPPRESSED) for a spreadsheet, and its ``text`` for a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from collector.enums import QuestionType
from collector.models import NA

from .statistics import SUPPRESSED
from .texts import (
    ACTION_STATUSES,
    CHANNELS,
    QUESTION_TYPES,
    fmt_change,
    fmt_date,
    fmt_int,
    fmt_month,
    fmt_num,
    fmt_pct,
    label,
    message,
)


class Figure(NamedTuple):
    """One cell: the raw value and how the report writes it."""

    value: Any
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Column:
    """A column: its id, its heading and the kind of its figures (for a spreadsheet's number format)."""

    id: str
    label: str
    kind: str = "text"  # text, int, num (mean), pct, change, pp (change of a percentage)


@dataclass
class Table:
    """Rows of figures under named columns; the first column labels the row."""

    columns: list[Column]
    rows: list[list[Figure]] = field(default_factory=list)
    keys: list[str] = field(
        default_factory=list
    )  # what each row is (a department key, an area key, …)

    @property
    def header(self) -> list[str]:
        return [c.label for c in self.columns]

    def pick(self, ids: Iterable[str]) -> Table:
        """Return the table with only the columns ``ids``, in that order."""
        index = {c.id: i for i, c in enumerate(self.columns)}
        chosen = [index[i] for i in ids if i in index]
        return Table(
            [self.columns[i] for i in chosen],
            [[row[i] for i in chosen] for row in self.rows],
            list(self.keys),
        )

    def where(self, wanted: Callable[[str], bool]) -> Table:
        """Return the table with only the rows whose key is wanted."""
        pairs = [(k, r) for k, r in zip(self.keys, self.rows, strict=True) if wanted(k)]
        return Table(list(self.columns), [r for _k, r in pairs], [k for k, _r in pairs])

    def texts(self) -> list[list[str]]:
        """Return the rows as the report writes them."""
        return [[f.text for f in row] for row in self.rows]

    def values(self) -> list[list[Any]]:
        """Return the rows' raw values."""
        return [[f.value for f in row] for row in self.rows]


def text(value: str) -> Figure:
    return Figure(value, value)


def integer(value: Any, lang: str) -> Figure:
    if value == SUPPRESSED:
        return Figure(SUPPRESSED, SUPPRESSED)
    return Figure(value, "—" if value is None else fmt_int(value, lang))


def number(value: Any, lang: str, places: int = 2) -> Figure:
    if value == SUPPRESSED:
        return Figure(SUPPRESSED, SUPPRESSED)
    return Figure(value, fmt_num(value, lang, places))


def percent(value: Any, lang: str) -> Figure:
    if value == SUPPRESSED:
        return Figure(SUPPRESSED, SUPPRESSED)
    return Figure(value, fmt_pct(value, lang))


def difference(value: float | None, lang: str, places: int = 2, suffix: str = "") -> Figure:
    return Figure(value, fmt_change(value, lang, places, suffix))


def breakdown(cell: Any, kind: str, lang: str) -> Figure:
    """Write a department cell: its n (count columns) or mean; "< 5" where suppressed, "—" where empty."""
    if cell == SUPPRESSED:
        return Figure(SUPPRESSED, SUPPRESSED)
    if cell is None:
        return Figure(None, "—")
    return integer(cell["n"], lang) if kind == "count" else number(cell["mean"], lang)


def headline(data: dict[str, Any], lang: str) -> Table:
    """Return the headline numbers: measure, this period, the previous one, the change."""
    h = data["headline"]
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("measure", m("measure")),
            Column("value", m("this_period"), "num"),
            Column("previous", m("previous_period"), "num"),
            Column("change", m("change"), "change"),
        ]
    )

    def add(key: str, name: str, figure: Callable[[Any, str], Figure], change: Figure) -> None:
        figures = h[key]
        table.rows.append(
            [
                text(m(name)),
                figure(figures["value"], lang),
                figure(figures["previous"], lang),
                change,
            ]
        )
        table.keys.append(key)

    r = h["responses"]
    add("responses", "responses", integer, difference(r["change"], lang, 0))
    if h.get("overall_key"):
        add("overall_mean", "overall_mean", number, difference(h["overall_mean"]["change"], lang))
        for key, name in (
            ("overall_satisfied_pct", "overall_satisfied"),
            ("overall_dissatisfied_pct", "overall_dissatisfied"),
        ):
            add(key, name, percent, difference(h[key]["change"], lang, 1, " pp"))
    add("index_mean", "index", number, difference(h["index_mean"]["change"], lang))
    add(
        "index_satisfied_pct",
        "index_satisfied",
        percent,
        difference(h["index_satisfied_pct"]["change"], lang, 1, " pp"),
    )
    return table


def area_means(data: dict[str, Any], lang: str) -> Table:
    """Return each area (rating grid) with its pooled n, mean, % satisfied and the change of its mean."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("area", m("area")),
            Column("n", m("n"), "int"),
            Column("mean", m("mean"), "num"),
            Column("satisfied", m("satisfied"), "pct"),
            Column("change", m("change"), "change"),
        ]
    )
    for area in data["areas"]:
        s = area["stats"]
        if s is None:
            continue
        table.rows.append(
            [
                text(area["label"]),
                integer(s["n"], lang),
                number(s["mean"], lang),
                percent(s["satisfied_pct"], lang),
                difference(area["change"], lang),
            ]
        )
        table.keys.append(area["key"])
    return table


def items(data: dict[str, Any], lang: str) -> Table:
    """Return every rated item: its area, versions, statistics, distribution and change; keys are area keys."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("item", m("item")),
            Column("area", m("area")),
            Column("versions", m("versions")),
            Column("n", m("n"), "int"),
            Column("mean", m("mean"), "num"),
            Column("sd", m("sd"), "num"),
            Column("satisfied", m("satisfied"), "pct"),
            Column("dissatisfied", m("dissatisfied"), "pct"),
        ]
        + [Column(str(v), str(v), "int") for v in range(1, 6)]
        + [Column(NA, m("na_short"), "int"), Column("change", m("change"), "change")]
    )
    for area in data["areas"]:
        for item in area["items"]:
            s = item["stats"]
            versions = ", ".join(map(str, item["versions"]))
            table.rows.append(
                [
                    text(item["label"]),
                    text(area["label"]),
                    text(versions),
                    integer(s["n"], lang),
                    number(s["mean"], lang),
                    number(s["sd"], lang),
                    percent(s["satisfied_pct"], lang),
                    percent(s["dissatisfied_pct"], lang),
                ]
                + [integer(s["distribution"][str(v)], lang) for v in range(1, 6)]
                + [integer(s["distribution"][NA], lang), difference(item["change"], lang)]
            )
            table.keys.append(area["key"])
    return table


def item_shares(data: dict[str, Any], lang: str) -> Table:
    """Return each rated item's ratings 1–5 as shares of its ratings (what the stacked bars draw)
    and the share of "nie dotyczy" among all its answers; keys are area keys."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [Column("item", m("item")), Column("n", m("n"), "int")]
        + [Column(str(v), str(v), "pct") for v in range(1, 6)]
        + [Column(NA, m("na_short"), "pct")]
    )
    for area in data["areas"]:
        for item in area["items"]:
            s = item["stats"]
            table.rows.append(
                [text(item["label"]), integer(s["n"], lang)]
                + [percent(s["distribution_pct"][str(v)], lang) for v in range(1, 6)]
                + [percent(s["na_pct"] if s["distribution"][NA] else None, lang)]
            )
            table.keys.append(area["key"])
    return table


def departments(data: dict[str, Any], lang: str) -> Table:
    """Return the breakdown by department, "< 5" where suppressed; keys are department keys."""
    d = data["departments"]
    kinds = {"count": "int"}
    table = Table(
        [Column("department", message("department", lang))]
        + [Column(c["id"], c["label"], kinds.get(c["kind"], "num")) for c in d["columns"]]
    )
    for row in d["rows"]:
        table.rows.append(
            [text(row["label"])]
            + [breakdown(row["cells"][c["id"]], c["kind"], lang) for c in d["columns"]]
        )
        table.keys.append(row["key"])
    return table


def department_summary_ids(data: dict[str, Any]) -> list[str]:
    """Return the columns of the departments' main table: responses, overall, index and the areas."""
    return ["department"] + [
        c["id"]
        for c in data["departments"]["columns"]
        if c["kind"] in {"count", "overall", "index", "area"}
    ]


def department_item_ids(data: dict[str, Any]) -> list[str]:
    """Return the columns of the item × department table."""
    return [c["id"] for c in data["departments"]["columns"] if c["kind"] == "item"]


def trend(data: dict[str, Any], lang: str) -> Table:
    """Return per month: responses, the overall question's mean and the mean of the detailed ratings."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("month", m("month")),
            Column("responses", m("responses"), "int"),
            Column("overall_mean", m("overall_mean"), "num"),
            Column("index", m("index"), "num"),
        ]
    )
    for month in data["trend"]:
        table.rows.append(
            [
                Figure(month["month"], fmt_month(month["month"], lang)),
                integer(month["responses"], lang),
                number(month["overall_mean"], lang),
                number(month["index_mean"], lang),
            ]
        )
        table.keys.append(month["month"])
    return table


def versions(data: dict[str, Any], lang: str) -> Table:
    """Return the responses per survey version with their share."""
    m = lambda key: message(key, lang)  # noqa: E731
    total = data["responses"]["total"]
    table = Table(
        [
            Column("version", m("version")),
            Column("count", m("count"), "int"),
            Column("share", m("share"), "pct"),
        ]
    )
    for v in data["versions"]:
        table.rows.append(
            [
                text(f"{v['number']}: {v['title']}"),
                integer(v["responses"], lang),
                percent(100 * v["responses"] / total if total else None, lang),
            ]
        )
        table.keys.append(str(v["number"]))
    return table


def channels(data: dict[str, Any], lang: str) -> Table:
    """Return the responses per channel with their share."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("channel", m("channel")),
            Column("count", m("count"), "int"),
            Column("share", m("share"), "pct"),
        ]
    )
    for channel, count in data["responses"]["by_channel"].items():
        table.rows.append(
            [
                text(label(CHANNELS, channel, lang)),
                integer(count, lang),
                percent(data["responses"]["by_channel_pct"].get(channel), lang),
            ]
        )
        table.keys.append(channel)
    missing = data["responses"].get("paper_missing", 0)
    if missing:
        total = data["responses"]["total"]
        table.rows.append(
            [
                text(m("paper_missing")),
                integer(missing, lang),
                percent(100 * missing / total if total else None, lang),
            ]
        )
        table.keys.append("paper_missing")
    return table


def choices(data: dict[str, Any], lang: str) -> Table:
    """Return every option of every choice question with its count and share; keys are question ids."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("question", m("question")),
            Column("option", m("option")),
            Column("count", m("count"), "int"),
            Column("share", m("share"), "pct"),
            Column("respondents", m("respondents"), "int"),
        ]
    )
    for q in data["choices"]:
        for o in q["options"]:
            table.rows.append(
                [
                    text(q["label"]),
                    text(o["label"]),
                    integer(o["count"], lang),
                    percent(o["pct"], lang),
                    integer(q["respondents"], lang),
                ]
            )
            table.keys.append(q["id"])
    return table


def choice_title(question: dict[str, Any], lang: str) -> str:
    """Return a choice question's heading: its text, type and base."""
    base = (
        message("base_all", lang)
        if question["type"] == QuestionType.MULTI
        else message("respondents", lang).lower()
    )
    kind = label(QUESTION_TYPES, question["type"], lang)
    return f"{question['label']} ({kind}; {base}: {fmt_int(question['respondents'], lang)})"


def importance(data: dict[str, Any], lang: str) -> Table:
    """Return the importance × satisfaction items: importance (the share naming it most important,
    or, derived, Pearson's r with the overall rating and its n), mean, quadrant."""
    m = lambda key: message(key, lang)  # noqa: E731
    derived = data["importance"].get("method") == "derived"
    if derived:
        measure = [Column("r", m("importance_r"), "num"), Column("pairs_n", m("pairs_n"), "int")]
    else:
        measure = [Column("share", m("importance_share"), "pct")]
    table = Table(
        [
            Column("number", "#"),
            Column("item", m("item")),
            *measure,
            Column("mean", m("mean"), "num"),
            Column("quadrant", m("quadrant")),
        ]
    )
    for number_, item in enumerate(data["importance"]["items"], start=1):
        quadrant = m(f"quadrant_{item['quadrant']}") if item["quadrant"] else "—"
        if derived:
            figures = [number(item["r"], lang), integer(item["pairs_n"], lang)]
        else:
            figures = [percent(item["share_pct"], lang)]
        table.rows.append(
            [
                Figure(number_, str(number_)),
                text(item["label"]),
                *figures,
                number(item["mean"], lang),
                Figure(quadrant if item["quadrant"] else "", quadrant),
            ]
        )
        table.keys.append(item["key"])
    return table


def needs_action(data: dict[str, Any], lang: str) -> Table:
    """Return the items needing action, lowest mean first."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("item", m("item")),
            Column("area", m("area")),
            Column("n", m("n"), "int"),
            Column("mean", m("mean"), "num"),
            Column("dissatisfied", m("dissatisfied"), "pct"),
            Column("priority", m("priority")),
        ]
    )
    for item in data["needs_action"]["items"]:
        table.rows.append(
            [
                text(item["label"]),
                text(item["area"]),
                integer(item["n"], lang),
                number(item["mean"], lang),
                percent(item["dissatisfied_pct"], lang),
                Figure(bool(item["priority"]), "●" if item["priority"] else ""),
            ]
        )
        table.keys.append(item["id"])
    return table


def comments(data: dict[str, Any], lang: str) -> Table:
    """Return the comments not hidden, by department group (the keys), oldest first within a group.

    A comment carries its month, not its day; small departments share one group (sections.py).
    """
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("department", m("department")),
            Column("month", m("month")),
            Column("version", m("version")),
            Column("comment", m("comment")),
        ]
    )
    for group in data["comments"]["groups"]:
        for comment in group["comments"]:
            body = comment["text"]
            if comment.get("question"):
                body = f"{comment['question']}: {body}"
            table.rows.append(
                [
                    text(group["label"]),
                    Figure(comment["month"], fmt_month(comment["month"], lang, short=True)),
                    Figure(comment["version"], f"v{comment['version']}"),
                    text(body),
                ]
            )
            table.keys.append(group["key"])
    return table


def actions(data: dict[str, Any], lang: str) -> Table:
    """Return the corrective actions: what, who, by when, status, which item."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("action", m("action")),
            Column("owner", m("owner")),
            Column("deadline", m("deadline")),
            Column("status", m("status")),
            Column("linked_item", m("linked_item")),
        ]
    )
    for a in data["actions"]:
        title = a["title"] + (f" — {a['description']}" if a["description"] else "")
        table.rows.append(
            [
                text(title),
                text(a["owner"]),
                Figure(
                    a["deadline"] or "", fmt_date(a["deadline"], lang) if a["deadline"] else "—"
                ),
                text(label(ACTION_STATUSES, a["status"], lang)),
                Figure(a["question_key"] or "", a["question_key"] or "—"),
            ]
        )
        table.keys.append(a["title"])
    return table


def themes(data: dict[str, Any], lang: str) -> Table:
    """Return the comments not hidden per theme the staff gave them, most first."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table([Column("theme", m("theme")), Column("count", m("theme_count"), "int")])
    for theme in data.get("themes", []):
        table.rows.append([text(theme["name"]), integer(theme["count"], lang)])
        table.keys.append(theme["name"])
    return table


def you_said_we_did(data: dict[str, Any], lang: str) -> Table:
    """Return "you said — we did": each action, its status and what prompted it (items, themes)."""
    m = lambda key: message(key, lang)  # noqa: E731
    table = Table(
        [
            Column("prompted", m("you_said")),
            Column("action", m("we_did")),
            Column("status", m("status")),
        ]
    )
    for a in data["actions"]:
        prompted = list(a.get("items", [])) + [f"„{t}”" for t in a.get("themes", [])]
        if a.get("comments"):
            prompted.append(m("comments_count").format(n=fmt_int(a["comments"], lang)))
        table.rows.append(
            [
                text("; ".join(prompted) or "—"),
                text(a["title"]),
                text(label(ACTION_STATUSES, a["status"], lang)),
            ]
        )
        table.keys.append(a["title"])
    return table


def annex(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Return each version's questionnaire: its title and lines ``(kind, text)``, kind being
    ``group`` (a grid's heading), ``question`` or ``note`` (a scale or the options); the PDF and the
    HTML form both write the annex from these."""
    out = []
    for version in data["annex"]:
        dates = []
        if version["published_at"]:
            dates.append(
                message("published_on", lang).format(date=fmt_date(version["published_at"], lang))
            )
        if version["retired_at"]:
            dates.append(
                message("retired_on", lang).format(date=fmt_date(version["retired_at"], lang))
            )
        title = message("annex_version", lang).format(
            number=version["number"], title=version["title"]
        )
        lines: list[tuple[str, str]] = []  # (kind, text): group, scale, question, options
        group = None
        for number, q in enumerate(version["questions"], start=1):
            if q["group"] and q["group"] != group:
                lines.append(("group", q["group_text"]))
                scale = q.get("scale") or []
                if scale:
                    lines.append(
                        (
                            "note",
                            f"{message('scale', lang)}: "
                            + "; ".join(f"{i} {s}" for i, s in enumerate(scale, start=1))
                            + (f"; {message('na', lang)}" if q.get("allow_na") else ""),
                        )
                    )
            group = q["group"] or None
            extras = [label(QUESTION_TYPES, q["type"], lang)]
            if q["required"]:
                extras.append(message("required", lang))
            if q.get("max_picks"):
                extras.append(message("max_picks", lang).format(n=q["max_picks"]))
            lines.append(("question", f"{number}. {q['text']} ({', '.join(extras)})"))
            if q.get("options"):
                lines.append(("note", "— " + "; ".join(q["options"])))
            if q["type"] == QuestionType.RATING and not q["group"] and q.get("scale"):
                lines.append(
                    (
                        "note",
                        f"{message('scale', lang)}: "
                        + "; ".join(f"{i} {s}" for i, s in enumerate(q["scale"], start=1)),
                    )
                )
        out.append({"title": title + (f" ({', '.join(dates)})" if dates else ""), "lines": lines})
    return out

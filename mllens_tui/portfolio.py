"""The portfolio: every workload at once, as a table of pillar scores; pure.

Rows are workloads, columns the pillars of every lens in use (in lens order, first lens
first), then the workload's own figures. For a workload w with scores S:

    pillar cell    = S.pillars[p].score            (None: nothing answered, or not in w's lens)
    overall        = S.overall.score,  completeness = S.overall.completeness
    floor          = S.floor (the weakest pillar),  high = S.overall.risks["HIGH"]
    change         = overall - the overall frozen in w's latest milestone (None if either is)
    stale(days)    = w was never assessed, or last assessed more than ``days`` days before now
    level symbol   = "○◔◑◕●"[round(score * 4)]: the score in quarters, so that no cell
                     relies on colour

The summary of pillar p over the rows shown that have a score in p (n of them)::

    mean = sum / n,  worst = the row with the lowest score (ties by name),  spread = max - min
    weak = rows below WEAK;  shared = n >= 2 and weak > n / 2  (weak in most workloads: a
    problem of the platform, not of one team)

Sorting puts rows without a value last in either direction, ties by name. Output as text,
Markdown, JSON and CSV (one row per workload).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mllens_tui.formatting import arrow, pct
from mllens_tui.lens.model import Lens
from mllens_tui.scoring import Scores

WEAK = 0.5
WORST_WIDTH = 12
SYMBOLS = "○◔◑◕●"

# The workload's own columns, by key: (heading, short heading).
FIGURES: dict[str, tuple[str, str]] = {
    "name": ("Workload", "Workload"),
    "overall": ("Overall", "Overall"),
    "change": ("Change", "Δ"),
    "high": ("High risks", "High"),
    "floor": ("Floor pillar", "Floor"),
    "completeness": ("Completeness", "Done"),
    "last": ("Last assessed", "Assessed"),
}


@dataclass(frozen=True)
class Column:
    """A pillar column: ``key`` is ``pillar:<id>``."""

    pillar: str
    title: str
    short: str

    @property
    def key(self) -> str:
        return f"pillar:{self.pillar}"


@dataclass(frozen=True)
class Row:
    """One workload's line of the portfolio."""

    name: str
    lens_id: str
    environment: str = ""
    tags: tuple[str, ...] = ()
    pillars: Mapping[str, float | None] = field(default_factory=dict)
    overall: float | None = None
    completeness: float | None = None
    floor: str | None = None
    floor_score: float | None = None
    high: int | None = None
    last_assessed: datetime | None = None
    milestone: str | None = None
    milestone_overall: float | None = None

    @property
    def change(self) -> float | None:
        if self.overall is None or self.milestone_overall is None:
            return None
        return self.overall - self.milestone_overall

    def value(self, key: str) -> float | str | datetime | None:
        """The value a column sorts by."""
        if key.startswith("pillar:"):
            return self.pillars.get(key.removeprefix("pillar:"))
        values: dict[str, float | str | datetime | None] = {
            "name": self.name.casefold(),
            "overall": self.overall,
            "change": self.change,
            "high": self.high,
            "floor": self.floor_score,
            "completeness": self.completeness,
            "last": self.last_assessed,
        }
        if key not in values:
            raise KeyError(key)
        return values[key]


@dataclass(frozen=True)
class PillarSummary:
    """One pillar across the rows shown: see the module docstring."""

    pillar: str
    scored: int
    mean: float | None
    worst: str | None
    worst_score: float | None
    spread: float | None
    weak: int

    @property
    def shared(self) -> bool:
        return self.scored >= 2 and self.weak * 2 > self.scored


@dataclass(frozen=True)
class Filter:
    """Which workloads to show; None lets every workload through."""

    tag: str | None = None
    lens: str | None = None
    environment: str | None = None
    stale_days: int | None = None

    def describe(self) -> str:
        parts = []
        if self.tag is not None:
            parts.append(f"tag {self.tag}")
        if self.lens is not None:
            parts.append(f"lens {self.lens}")
        if self.environment is not None:
            parts.append(f"environment {self.environment}")
        if self.stale_days is not None:
            parts.append(f"not assessed in {self.stale_days} days")
        return ", ".join(parts)


@dataclass(frozen=True)
class Portfolio:
    """The table: pillar columns, the rows (filtered and sorted) and the column summary."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    summary: Mapping[str, PillarSummary]
    total: int  # workloads before filtering
    filter: Filter = Filter()
    now: datetime | None = None


# -- building ---------------------------------------------------------------------------------


def pillar_columns(lenses: Iterable[Lens]) -> tuple[Column, ...]:
    """The pillars of every lens, once each, in lens order."""
    seen: dict[str, Column] = {}
    for lens in lenses:
        for pillar in lens.pillars:
            if pillar.id not in seen:
                seen[pillar.id] = Column(pillar.id, pillar.name, pillar.label)
    return tuple(seen.values())


def portfolio_row(
    name: str,
    lens_id: str,
    scores: Scores | None,
    *,
    environment: str = "",
    tags: Sequence[str] = (),
    last_assessed: datetime | None = None,
    milestone: str | None = None,
    milestone_overall: float | None = None,
) -> Row:
    """A workload's row from its scores (None when its lens is not installed)."""
    if scores is None:
        return Row(
            name,
            lens_id,
            environment,
            tuple(tags),
            last_assessed=last_assessed,
            milestone=milestone,
            milestone_overall=milestone_overall,
        )
    return Row(
        name=name,
        lens_id=lens_id,
        environment=environment,
        tags=tuple(tags),
        pillars={k: g.score for k, g in scores.pillars.items()},
        overall=scores.overall.score,
        completeness=scores.overall.completeness,
        floor=scores.floor.pillar if scores.floor else None,
        floor_score=scores.floor.score if scores.floor else None,
        high=scores.overall.risks.get("HIGH", 0),
        last_assessed=last_assessed,
        milestone=milestone,
        milestone_overall=milestone_overall,
    )


def is_stale(row: Row, days: int, now: datetime) -> bool:
    return row.last_assessed is None or row.last_assessed < now - timedelta(days=days)


def filter_rows(rows: Iterable[Row], wanted: Filter, now: datetime) -> tuple[Row, ...]:
    """The rows that pass every part of ``wanted``; tags and environments ignore case."""
    out = []
    for row in rows:
        if wanted.tag is not None and wanted.tag.casefold() not in {t.casefold() for t in row.tags}:
            continue
        if wanted.lens is not None and row.lens_id != wanted.lens:
            continue
        if (
            wanted.environment is not None
            and row.environment.casefold() != wanted.environment.casefold()
        ):
            continue
        if wanted.stale_days is not None and not is_stale(row, wanted.stale_days, now):
            continue
        out.append(row)
    return tuple(out)


def sort_rows(rows: Iterable[Row], key: str, *, descending: bool = False) -> tuple[Row, ...]:
    """Rows by a column (``name``, ``overall``, ``change``, ``high``, ``floor``,
    ``completeness``, ``last`` or ``pillar:<id>``); rows without a value last."""
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.name))
    with_value = [r for r in by_name if r.value(key) is not None]
    without = [r for r in by_name if r.value(key) is None]
    # sorted() is stable: equal values keep the name order, in either direction.
    ordered = sorted(with_value, key=lambda r: r.value(key), reverse=descending)  # type: ignore[arg-type,return-value]
    return (*ordered, *without)


def sort_keys(columns: Sequence[Column]) -> tuple[str, ...]:
    """Every key ``sort_rows`` takes, in the order the columns are shown."""
    return (
        "name",
        "overall",
        "change",
        "high",
        "floor",
        *(c.key for c in columns),
        "completeness",
        "last",
    )


def summarise(rows: Sequence[Row], columns: Sequence[Column]) -> dict[str, PillarSummary]:
    """The column summary of each pillar over ``rows``."""
    out = {}
    for column in columns:
        scored = [
            (r.pillars[column.pillar], r.name)
            for r in rows
            if r.pillars.get(column.pillar) is not None
        ]
        values = [v for v, _ in scored if v is not None]
        if not values:
            out[column.pillar] = PillarSummary(column.pillar, 0, None, None, None, None, 0)
            continue
        worst_score, worst = min(scored, key=lambda item: (item[0], item[1].casefold()))
        out[column.pillar] = PillarSummary(
            pillar=column.pillar,
            scored=len(values),
            mean=sum(values) / len(values),
            worst=worst,
            worst_score=worst_score,
            spread=max(values) - min(values),
            weak=sum(1 for v in values if v < WEAK),
        )
    return out


def build_portfolio(
    rows: Sequence[Row],
    columns: Sequence[Column],
    *,
    wanted: Filter = Filter(),
    now: datetime,
    sort: str = "name",
    descending: bool = False,
) -> Portfolio:
    """Filter, sort and summarise: the table the screen and ``mllens portfolio`` show."""
    shown = sort_rows(filter_rows(rows, wanted, now), sort, descending=descending)
    return Portfolio(tuple(columns), shown, summarise(shown, columns), len(rows), wanted, now)


# -- cells ------------------------------------------------------------------------------------


def symbol(score: float | None) -> str:
    """The level symbol of a score: its quarter, from ○ (0) to ● (1)."""
    if score is None:
        return " "
    return SYMBOLS[max(0, min(4, round(score * 4)))]


def score_cell(score: float | None) -> str:
    """ "62% ◑", or "-" without a score."""
    return "-" if score is None else f"{pct(score)} {symbol(score)}"


def change_cell(change: float | None) -> str:
    """ "↑ +5.0" (points), "=  0.0", or "-" with no earlier milestone."""
    return "-" if change is None else f"{arrow(change)} {change * 100:+.1f}"


def date_cell(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d}"


def floor_cell(row: Row, columns: Sequence[Column]) -> str:
    if row.floor is None:
        return "-"
    names = {c.pillar: c.short for c in columns}
    return names.get(row.floor, row.floor)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_cell(summary: PillarSummary, what: str, width: int = WORST_WIDTH) -> str:
    """The cell of one summary row (``mean``, ``worst``, ``spread``) for one pillar; the
    worst workload's name is clipped to ``width`` so that the pillar columns stay narrow."""
    if summary.scored == 0:
        return "-"
    if what == "mean":
        return score_cell(summary.mean) + (" ⚠" if summary.shared else "")
    if what == "worst":
        return clip(summary.worst or "-", width)
    return pct(summary.spread)


def shared_weaknesses(portfolio: Portfolio) -> list[str]:
    """A line per pillar weak in most of the workloads shown."""
    names = {c.pillar: c.title for c in portfolio.columns}
    return [
        f"{names[s.pillar]} is below {pct(WEAK)} in {s.weak} of {s.scored} workloads "
        f"(mean {pct(s.mean)}): a shared problem"
        for s in portfolio.summary.values()
        if s.shared
    ]


# -- outputs ----------------------------------------------------------------------------------


def _table(portfolio: Portfolio) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Headings, workload lines and summary lines as cells, in the order they are shown."""
    cols = portfolio.columns
    headings = [
        "Workload",
        "Overall",
        "Change",
        "High",
        "Floor",
        *(c.short for c in cols),
        "Done",
        "Assessed",
        "Tags",
    ]
    lines = [
        [
            r.name,
            score_cell(r.overall),
            change_cell(r.change),
            "-" if r.high is None else str(r.high),
            floor_cell(r, cols),
            *(score_cell(r.pillars.get(c.pillar)) for c in cols),
            pct(r.completeness),
            date_cell(r.last_assessed),
            ", ".join(r.tags),
        ]
        for r in portfolio.rows
    ]
    summary = [
        [
            title,
            "",
            "",
            "",
            "",
            *(summary_cell(portfolio.summary[c.pillar], what) for c in cols),
            "",
            "",
            "",
        ]
        for title, what in (("Mean", "mean"), ("Worst", "worst"), ("Spread", "spread"))
    ]
    return headings, lines, summary


def _heading(portfolio: Portfolio) -> str:
    shown = len(portfolio.rows)
    text = (
        f"{shown} of {portfolio.total} workloads"
        if shown != portfolio.total
        else (f"{shown} workload{'s' if shown != 1 else ''}")
    )
    wanted = portfolio.filter.describe()
    return text + (f" ({wanted})" if wanted else "")


def portfolio_text(portfolio: Portfolio) -> str:
    """The plain-text table of ``mllens portfolio``."""
    headings, lines, summary = _table(portfolio)
    if not portfolio.rows:
        return _heading(portfolio) + "\nNo workload matches."
    widths = [
        max(len(cells[i]) for cells in (headings, *lines, *summary)) for i in range(len(headings))
    ]
    left = {0, len(headings) - 1}

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [_heading(portfolio), "", fmt(headings)]
    out += [fmt(cells) for cells in lines]
    out.append("")
    out += [fmt(cells) for cells in summary]
    notes = shared_weaknesses(portfolio)
    if notes:
        out.append("")
        out += [f"⚠ {note}" for note in notes]
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def portfolio_markdown(portfolio: Portfolio) -> str:
    """The portfolio as a Markdown table, the summary rows in bold."""
    headings, lines, summary = _table(portfolio)
    out = ["# Portfolio", "", _heading(portfolio), ""]
    if not portfolio.rows:
        return "\n".join([*out, "No workload matches.", ""])
    out.append("| " + " | ".join(_md(h) for h in headings) + " |")
    out.append("|" + "|".join([":---", *(["---:"] * (len(headings) - 2)), ":---"]) + "|")
    out += ["| " + " | ".join(_md(c) for c in cells) + " |" for cells in lines]
    out += [
        "| " + " | ".join(f"**{_md(c)}**" if c else "" for c in cells) + " |" for cells in summary
    ]
    notes = shared_weaknesses(portfolio)
    if notes:
        out.append("")
        out += [f"- ⚠ {note}" for note in notes]
    return "\n".join(out) + "\n"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def portfolio_json(portfolio: Portfolio) -> dict[str, Any]:
    """The document of ``mllens portfolio --format json``, for dashboards."""
    wanted = portfolio.filter
    return {
        "generated_at": portfolio.now.isoformat() if portfolio.now else None,
        "filter": {
            "tag": wanted.tag,
            "lens": wanted.lens,
            "environment": wanted.environment,
            "stale_days": wanted.stale_days,
        },
        "total": portfolio.total,
        "pillars": [{"id": c.pillar, "name": c.title} for c in portfolio.columns],
        "workloads": [
            {
                "name": r.name,
                "lens": r.lens_id,
                "environment": r.environment,
                "tags": list(r.tags),
                "overall": _round(r.overall),
                "completeness": _round(r.completeness),
                "floor": None
                if r.floor is None
                else {"pillar": r.floor, "score": _round(r.floor_score)},
                "high_risks": r.high,
                "last_assessed": r.last_assessed.isoformat() if r.last_assessed else None,
                "milestone": None
                if r.milestone is None
                else {"name": r.milestone, "overall": _round(r.milestone_overall)},
                "change": _round(r.change),
                "pillars": {c.pillar: _round(r.pillars.get(c.pillar)) for c in portfolio.columns},
            }
            for r in portfolio.rows
        ],
        "summary": {
            s.pillar: {
                "mean": _round(s.mean),
                "worst": None
                if s.worst is None
                else {"workload": s.worst, "score": _round(s.worst_score)},
                "spread": _round(s.spread),
                "scored": s.scored,
                "weak": s.weak,
                "shared_weakness": s.shared,
            }
            for s in portfolio.summary.values()
        },
    }


def portfolio_csv(portfolio: Portfolio) -> str:
    """One row per workload with plain numbers (scores as fractions 0 to 1), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "workload",
            "lens",
            "environment",
            "tags",
            "overall",
            "completeness",
            "floor_pillar",
            "floor_score",
            "high_risks",
            "last_assessed",
            "milestone",
            "milestone_overall",
            "change",
            *(c.pillar for c in portfolio.columns),
        ]
    )

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    for r in portfolio.rows:
        writer.writerow(
            [
                r.name,
                r.lens_id,
                r.environment,
                ";".join(r.tags),
                num(r.overall),
                num(r.completeness),
                r.floor or "",
                num(r.floor_score),
                "" if r.high is None else r.high,
                r.last_assessed.isoformat() if r.last_assessed else "",
                r.milestone or "",
                num(r.milestone_overall),
                num(r.change),
                *(num(r.pillars.get(c.pillar)) for c in portfolio.columns),
            ]
        )
    return buffer.getvalue()

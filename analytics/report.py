"""Warehouse + ISO week -> the weekly briefing (counts, breakdowns, semester reviews, meetings list),
its printable HTML, and `python -m etl report` (PPTX deck and/or HTML)."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from string import Template

import pandas as pd

TEMPLATES = Path(__file__).resolve().parent / "templates"
WEEK_RE = re.compile(r"^(\d{4})-W(\d{1,2})$")
HISTORY_WEEKS = 12  # weeks shown in the frequency chart, ending with the chosen week
SEMESTER_REVIEW = "semester_review"
SUBJECT_CHARS = 90
COENG = "\u17d2"


def parse_week(week: str) -> tuple[date, date]:
    """'2024-W29' -> (Monday, Sunday); ValueError for anything else."""
    match = WEEK_RE.match(week.strip())
    if not match:
        raise ValueError(f"not an ISO week: {week!r} (expected e.g. 2024-W29)")
    monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    return monday, monday + timedelta(days=6)


def week_label(day: date) -> str:
    """The ISO week holding `day`, e.g. '2024-W29'."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def last_complete_week(today: date | None = None) -> str:
    """The most recent ISO week that has fully ended before `today`."""
    today = today or date.today()
    return week_label(today - timedelta(days=today.isoweekday()))


def review_semester(day: date) -> str:
    """The semester whose reviews are under way on `day`: reviews of a half-year start in its last
    month (June, December) and run on through the following months."""
    if 6 <= day.month < 12:
        return f"{day.year}-S1"
    return f"{day.year}-S2" if day.month == 12 else f"{day.year - 1}-S2"


def previous_semester(semester: str) -> str:
    """'2024-S1' -> '2023-S2'; '2024-S2' -> '2024-S1'."""
    year, half = int(semester[:4]), semester[-1]
    return f"{year - 1}-S2" if half == "1" else f"{year}-S1"


def one_line(text: str | None, limit: int = SUBJECT_CHARS) -> str:
    """A title on one line, cut at a word (or at least a Khmer cluster) boundary with an ellipsis."""
    text = re.sub(r"\s+", " ", text or "").strip()  # ZWSP stays: it is the invisible Khmer word break
    if len(text) <= limit:
        return text
    cut = max(text.rfind(" ", 0, limit), text.rfind("\u200b", 0, limit))
    if cut < limit * 0.6:
        cut = limit
        # never split a Khmer cluster: step past vowel signs, marks and coeng + consonant
        while cut < len(text) and (unicodedata.category(text[cut]) in ("Mn", "Mc")
                                   or text[cut - 1] == COENG):
            cut += 1
    return text[:cut].rstrip(" \u200b") + "…"


@dataclass(frozen=True)
class Briefing:
    """Everything the weekly review shows, as plain values and small frames."""

    week: str
    start: date
    end: date
    caption: str
    n_meetings: int
    prev_avg: float
    weekly: pd.DataFrame  # week, week_start, meetings (HISTORY_WEEKS rows, oldest first)
    by_ministry: pd.DataFrame  # ministry, name_km, short_en, meetings
    by_province: pd.DataFrame  # province, name_km, meetings
    partners: pd.DataFrame  # partner, partner_kind, name_km, meetings
    semester: str  # the semester whose reviews are tracked
    reviews: pd.DataFrame  # organiser, previous, current, status (held this week|held|due)
    meetings: pd.DataFrame  # date, organiser, chair, province, province_km, partners, subject, meeting_id
    headline: dict = field(default_factory=dict)


def _week_filter(filters, start: date, end: date) -> tuple[str, list]:
    """The sidebar filters without their dates, plus the date range [start, end]."""
    where, params = replace(filters, date_from=None, date_to=None).where("m")
    return f"({where}) AND m.meeting_date BETWEEN ? AND ?", [*params, start, end]


def load_weekly(con, filters, start: date, end: date) -> pd.DataFrame:
    """Meetings per ISO week for the HISTORY_WEEKS weeks ending with the week starting `start`."""
    first = start - timedelta(weeks=HISTORY_WEEKS - 1)
    where, params = _week_filter(filters, first, end)
    sql = "SELECT CAST(date_trunc('week', m.meeting_date) AS DATE) AS week_start, count(*) AS meetings"
    found = dict(con.execute(f"{sql} FROM meetings m WHERE {where} GROUP BY 1", params).fetchall())  # noqa: S608
    starts = [first + timedelta(weeks=i) for i in range(HISTORY_WEEKS)]
    return pd.DataFrame({"week": [week_label(d) for d in starts], "week_start": starts,
                         "meetings": [found.get(d, 0) for d in starts]})


def load_breakdowns(con, filters, start: date, end: date) -> dict[str, pd.DataFrame]:
    """Meetings of the week by ministry, by province and by partner."""
    where, params = _week_filter(filters, start, end)
    sql = {
        "by_ministry": "SELECT mm.ministry, dm.name_km, dm.short_en, count(DISTINCT m.meeting_id)"
                       " AS meetings FROM meetings m JOIN meeting_ministries mm USING (meeting_id)"
                       " LEFT JOIN dim_ministries dm ON dm.ministry = mm.ministry",
        "by_province": "SELECT coalesce(m.province, 'Unknown') AS province, p.name_km,"
                       " count(*) AS meetings FROM meetings m"
                       " LEFT JOIN dim_provinces p ON p.province_code = m.province_code",
        "partners": "SELECT mp.partner, mp.partner_kind, dp.name_km, count(DISTINCT m.meeting_id)"
                    " AS meetings FROM meetings m JOIN meeting_partners mp USING (meeting_id)"
                    " LEFT JOIN dim_partners dp ON dp.partner = mp.partner",
    }
    tail = f"WHERE {where} GROUP BY ALL ORDER BY meetings DESC, 1"
    return {name: con.execute(f"{q} {tail}", params).df() for name, q in sql.items()}


def load_meetings(con, filters, start: date, end: date) -> pd.DataFrame:
    """The week's meetings, oldest first: date, organiser, chair, province, partners, subject."""
    where, params = _week_filter(filters, start, end)
    df = con.execute(f"""
        SELECT m.meeting_date AS date, coalesce(m.lead_ministry, m.organizer) AS organiser,
               m.chair, m.province, p.name_km AS province_km,
               coalesce((SELECT string_agg(mp.partner, ', ' ORDER BY mp.partner)
                         FROM meeting_partners mp WHERE mp.meeting_id = m.meeting_id), '') AS partners,
               m.title AS subject, m.meeting_id
        FROM meetings m LEFT JOIN dim_provinces p ON p.province_code = m.province_code
        WHERE {where} ORDER BY m.meeting_date, m.meeting_id""", params).df()  # noqa: S608
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["subject"] = df["subject"].map(one_line)
    return df


def load_reviews(con, filters, semester: str, end: date) -> pd.DataFrame:
    """Semester reviews: organisers that reviewed `semester` by `end`, or the semester before (due)."""
    where, params = replace(filters, date_from=None, date_to=None).where("m")
    prev = previous_semester(semester)
    held = con.execute(f"""
        SELECT coalesce(m.lead_ministry, m.organizer, m.province, 'Unknown') AS organiser,
               m.semester, min(m.meeting_date) AS held_on
        FROM meetings m WHERE ({where}) AND m.meeting_type = ? AND m.semester IN (?, ?)
          AND m.meeting_date <= ? GROUP BY ALL""",  # noqa: S608
        [*params, SEMESTER_REVIEW, semester, prev, end]).df()
    table = {}
    for row in held.itertuples(index=False):
        table.setdefault(row.organiser, {})[row.semester] = pd.Timestamp(row.held_on).date()
    rows = [(org, sems.get(prev), sems.get(semester)) for org, sems in sorted(table.items())]
    out = pd.DataFrame(rows, columns=["organiser", "previous", "current"])
    out["status"] = [_status(cur, end) for cur in out["current"]]
    order = out["status"].map({"held this week": 0, "held": 1, "due": 2})
    return out.assign(_o=order).sort_values(["_o", "organiser"]).drop(columns="_o").reset_index(drop=True)


def _status(held_on: date | None, end: date) -> str:
    return "due" if held_on is None else "held this week" if held_on >= end - timedelta(6) else "held"


def weeks_with_meetings(con, filters=None) -> list[str]:
    """ISO weeks that hold at least one meeting under the filters (dates ignored), newest first."""
    from analytics.filters import Filters

    where, params = replace(filters or Filters(), date_from=None, date_to=None).where("m")
    week_start = "CAST(date_trunc('week', m.meeting_date) AS DATE)"
    sql = f"SELECT DISTINCT {week_start} AS w FROM meetings m WHERE ({where}) AND m.meeting_date IS NOT NULL"  # noqa: S608
    rows = con.execute(sql + " ORDER BY w DESC", params).fetchall()
    return [week_label(row[0]) for row in rows]


def load_briefing(con, filters=None, week: str = "", lang: str = "en") -> Briefing:
    """The weekly briefing for ISO `week` (default: last complete week) under the sidebar filters;
    the filters' own dates are ignored (the week sets them)."""
    from analytics.filters import Filters

    filters = replace(filters or Filters(), date_from=None, date_to=None)
    week = week or last_complete_week()
    start, end = parse_week(week)
    weekly = load_weekly(con, filters, start, end)
    parts = load_breakdowns(con, filters, start, end)
    semester = review_semester(end)
    reviews = load_reviews(con, filters, semester, end)
    meetings = load_meetings(con, filters, start, end)
    prev_avg = float(weekly["meetings"].iloc[-5:-1].mean())
    headline = {
        "meetings": len(meetings), "prev_avg": round(prev_avg, 1),
        "ministries": len(parts["by_ministry"]),
        "provinces": int((parts["by_province"]["province"] != "Unknown").sum()),
        "partners": len(parts["partners"]),
        "reviews_held": int((reviews["status"] != "due").sum()),
        "reviews_due": int((reviews["status"] == "due").sum()),
    }
    return Briefing(week=week, start=start, end=end, caption=filters.caption(lang),
                    n_meetings=len(meetings), prev_avg=prev_avg, weekly=weekly, semester=semester,
                    reviews=reviews, meetings=meetings, headline=headline, **parts)


def labels(lang: str = "en") -> dict[str, str]:
    """UI strings of the briefing (deck, HTML, page) in `lang`, falling back to English."""
    data = json.loads((TEMPLATES / "weekly_labels.json").read_text(encoding="utf-8"))
    return {**data["en"], **data.get(lang, {})}


def change_text(n: int, avg: float, suffix: str = "") -> str:
    """'+50% vs the previous 4-week average'; '' when there is no average to compare with."""
    if avg == 0:
        return ""
    return f"{(n - avg) / avg:+.0%} {suffix}".strip()


def _table_html(df: pd.DataFrame, columns: dict[str, str]) -> str:
    if df.empty:
        return '<p class="none">—</p>'
    shown = df[list(columns)].rename(columns=columns).fillna("")
    return shown.to_html(index=False, escape=True, border=0, classes="t")


def briefing_html(b: Briefing, lang: str = "en") -> str:
    """The briefing as one self-contained printable HTML page (every value escaped)."""
    lab = labels(lang)
    numbers = "".join(f'<div class="n"><b>{v}</b><span>{html.escape(lab["h_" + k])}</span></div>'
                      for k, v in b.headline.items())
    peak = max(1, int(b.weekly["meetings"].max()))
    bars = "".join(f'<div class="bar{" cur" if w == b.week else ""}"><span>{w}</span>'
                   f'<i style="width:{100 * n / peak:.0f}%"></i><em>{n}</em></div>'
                   for w, n in zip(b.weekly["week"], b.weekly["meetings"], strict=True))
    values = {
        "title": html.escape(lab["title"]), "week": b.week,
        "subtitle": html.escape(lab["title_km"] if lab["title_km"] != lab["title"] else ""), "start": b.start, "end": b.end,
        "caption": html.escape(b.caption), "numbers": numbers, "bars": bars,
        "change": html.escape(change_text(b.n_meetings, b.prev_avg, lab["vs_avg"])),
        "ministries": _table_html(b.by_ministry, {"ministry": lab["ministry"], "name_km": "ខ្មែរ",
                                                  "meetings": lab["meetings"]}),
        "provinces": _table_html(b.by_province, {"province": lab["province"], "name_km": "ខ្មែរ",
                                                 "meetings": lab["meetings"]}),
        "partners": _table_html(b.partners, {"partner": lab["partner"], "partner_kind": lab["kind"],
                                             "meetings": lab["meetings"]}),
        "semester": b.semester,
        "reviews": _table_html(b.reviews.assign(status=b.reviews["status"].map(lab.get)), {"organiser": lab["organiser"], "previous": lab["previous"],
                                           "current": lab["current"], "status": lab["status"]}),
        "meetings": _table_html(b.meetings, {c: lab[c] for c in
                                             ("date", "organiser", "chair", "province", "partners",
                                              "subject")}),
    }
    values.update({f"l_{k}": html.escape(v) for k, v in lab.items()})
    template = Template((TEMPLATES / "weekly.html").read_text(encoding="utf-8"))
    return template.substitute(values)


# ---- command line: python -m etl report ---------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m etl report`."""
    parser.add_argument("--week", help="ISO week, e.g. 2024-W29 (default: last complete week)")
    parser.add_argument("--out", type=Path, help="PowerPoint file to write (.pptx)")
    parser.add_argument("--html", type=Path, help="printable HTML briefing to write")
    parser.add_argument("--lang", choices=("en", "km"), default="en")
    parser.add_argument("--no-charts", action="store_true", help="skip the chart images (no browser)")
    parser.add_argument("--db", type=Path, help="warehouse file (default: KM_DB or data/meetings.duckdb)")


def run(args: argparse.Namespace) -> int:
    """Write the deck and/or HTML for one week; 2 on bad input."""
    from analytics import db, deck

    if not (args.out or args.html):
        print("error: give --out FILE.pptx and/or --html FILE.html", file=sys.stderr)
        return 2
    week, path = args.week or last_complete_week(), args.db or db.db_path()
    try:
        parse_week(week)
        if not Path(path).is_file():  # say so at once instead of waiting for an ingest to publish
            raise FileNotFoundError(f"no warehouse at {path}; run `python -m etl ingest` first")
        with db.connection(path) as con:
            b = load_briefing(con, week=week, lang=args.lang)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.html:
        args.html.write_text(briefing_html(b, args.lang), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    if args.out:
        args.out.write_bytes(deck.build_deck(b, lang=args.lang, charts=not args.no_charts))
        print(f"wrote {args.out} ({b.n_meetings} meetings in {week})", file=sys.stderr)
    return 0

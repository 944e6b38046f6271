"""The user's filter choices -> one SQL predicate with bound parameters, a caption, a file-name slug, URL params."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from analytics import i18n

# Filters field -> URL query parameter (repeated for lists), so a copied link reproduces the view.
PARAMS = {
    "date_from": "from", "date_to": "to", "ministries": "ministry", "provinces": "province",
    "partners": "partner", "partner_kinds": "kind", "meeting_types": "type", "semesters": "semester",
}
LIST_FIELDS = ("ministries", "provinces", "partners", "partner_kinds", "meeting_types", "semesters")
SEMESTER_RE = re.compile(r"^(\d{4})-S([12])$")


@dataclass(frozen=True)
class Filters:
    """What the sidebar selected; empty means no restriction. Names are the warehouse's English keys."""

    date_from: date | None = None
    date_to: date | None = None
    ministries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    partner_kinds: tuple[str, ...] = ()
    meeting_types: tuple[str, ...] = ()
    semesters: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing is selected."""
        return not any(getattr(self, f.name) for f in fields(self))

    def where(self, alias: str = "m", facts: bool = False) -> tuple[str, list]:
        """SQL predicate over `meetings {alias}` and its bound parameters ('TRUE' when empty).

        facts=True: over a read-side fact table (etl/aggregates.py), whose rows carry the meeting's
        ministries, partners and partner kinds as lists, so no list table is read."""
        if not alias.isidentifier():
            raise ValueError(f"bad table alias {alias!r}")
        parts: list[str] = []
        params: list = []
        for sql, values in (self._fact_clauses(alias) if facts else self._clauses(alias)):
            parts.append(sql)
            params.extend(values)
        return (" AND ".join(parts) or "TRUE"), params

    def _clauses(self, a: str) -> list[tuple[str, list]]:
        """(SQL fragment, params) per active filter; fragments are fixed text, values are bound."""
        out: list[tuple[str, list]] = []
        if self.date_from:
            out.append((f"{a}.meeting_date >= ?", [self.date_from]))
        if self.date_to:
            out.append((f"{a}.meeting_date <= ?", [self.date_to]))
        if self.ministries:
            marks = _marks(self.ministries)
            # An uncorrelated IN list is hashed once; a correlated EXISTS runs per meeting.
            listed = f"SELECT meeting_id FROM meeting_ministries WHERE ministry IN ({marks})"  # noqa: S608
            out.append((f"({a}.lead_ministry IN ({marks}) OR {a}.meeting_id IN ({listed}))",
                        [*self.ministries, *self.ministries]))
        if self.provinces:
            out.append((f"{a}.province IN ({_marks(self.provinces)})", list(self.provinces)))
        for column, values in (("partner", self.partners), ("partner_kind", self.partner_kinds)):
            if values:
                linked = f"SELECT meeting_id FROM meeting_partners WHERE {column} IN ({_marks(values)})"  # noqa: S608
                out.append((f"{a}.meeting_id IN ({linked})", list(values)))
        if self.meeting_types:
            out.append((f"{a}.meeting_type IN ({_marks(self.meeting_types)})", list(self.meeting_types)))
        if self.semesters:
            out.append(_semester_clause(a, self.semesters))
        return out

    def _fact_clauses(self, a: str) -> list[tuple[str, list]]:
        """As _clauses, with the list filters as tests on the fact row's lists."""
        lists = {"ministries": "ministries", "partners": "partners", "partner_kinds": "partner_kinds"}
        out = [c for c in Filters(**{f.name: getattr(self, f.name) for f in fields(self)
                                     if f.name not in lists})._clauses(a)]
        for name, column in lists.items():
            values = list(getattr(self, name))
            if values:
                # one list_contains per value: several times faster than list_has_any on a list
                tests = " OR ".join(f"list_contains({a}.{column}, ?)" for _ in values)
                out.append((f"({tests})", values))
        return out

    def caption(self, lang: str = "en") -> str:
        """Human summary, e.g. 'Ministry of Health · Kandal · 2024-01-01 – 2024-12-31'."""
        parts = [i18n.name("ministry", v, lang) for v in self.ministries]
        parts += [i18n.name("province", v, lang) for v in self.provinces]
        parts += [i18n.name("partner", v, lang) for v in self.partners]
        parts += [i18n.partner_kind(v, lang) for v in self.partner_kinds]
        parts += [i18n.meeting_type(v, lang) for v in self.meeting_types]
        parts += list(self.semesters)
        span = _date_span(self.date_from, self.date_to, lang)
        if span:
            parts.append(span)
        return " · ".join(parts) if parts else i18n.t("caption.all", lang)

    def slug(self) -> str:
        """Short ASCII name for exported files, e.g. 'MoH_Kandal_2024-07-01_2024-09-30' ('all' if empty)."""
        parts = [i18n.short_name(v) for v in self.ministries]
        parts += [*self.provinces, *self.partners, *self.partner_kinds, *self.meeting_types,
                  *self.semesters]
        if self.date_from and self.date_to:
            parts += [self.date_from.isoformat(), self.date_to.isoformat()]
        elif self.date_from or self.date_to:
            parts.append(f"from-{self.date_from}" if self.date_from else f"until-{self.date_to}")
        words = [re.sub(r"[^A-Za-z0-9.-]+", "-", p).strip("-") for p in parts]
        slug = "_".join(w for w in words if w)
        return slug[:100].rstrip("_-") or "all"

    def to_query_params(self) -> dict[str, str | list[str]]:
        """URL parameters for these filters (lists repeat their key); empty fields are left out."""
        out: dict[str, str | list[str]] = {}
        for name, key in PARAMS.items():
            value = getattr(self, name)
            if isinstance(value, date):
                out[key] = value.isoformat()
            elif value:
                out[key] = list(value)
        return out

    @classmethod
    def from_query_params(cls, params: Mapping) -> "Filters":
        """Filters from URL parameters (str or list values); malformed values are ignored."""
        values: dict = {}
        for name, key in PARAMS.items():
            raw = params.get(key)
            items = [raw] if isinstance(raw, str) else list(raw or [])
            items = [s.strip() for s in items if isinstance(s, str) and s.strip()]
            if name in LIST_FIELDS:
                values[name] = tuple(dict.fromkeys(items))
            else:
                values[name] = _parse_date(items[-1]) if items else None
        values["semesters"] = tuple(s for s in values["semesters"] if SEMESTER_RE.match(s))
        return cls(**values)


def _marks(values) -> str:
    """'?, ?, ?' for an IN list of bound values."""
    return ", ".join("?" for _ in values)


def _semester_clause(a: str, semesters: tuple[str, ...]) -> tuple[str, list]:
    """Meetings held in the semesters, or reviewing them (a 2024-S1 review is usually held in July)."""
    parts, params = [], []
    for sem in semesters:
        start, end = semester_bounds(sem)
        parts.append(f"{a}.meeting_date BETWEEN ? AND ?")
        params += [start, end]
    parts.append(f"{a}.semester IN ({_marks(semesters)})")
    return "(" + " OR ".join(parts) + ")", params + list(semesters)


def semester_bounds(semester: str) -> tuple[date, date]:
    """First and last day of 'YYYY-S1' (Jan-Jun) or 'YYYY-S2' (Jul-Dec)."""
    match = SEMESTER_RE.match(semester)
    if not match:
        raise ValueError(f"not a semester: {semester!r}")
    year, half = int(match[1]), match[2]
    return (date(year, 1, 1), date(year, 6, 30)) if half == "1" else (date(year, 7, 1), date(year, 12, 31))


def _parse_date(text: str) -> date | None:
    """ISO date or None."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _date_span(start: date | None, end: date | None, lang: str) -> str:
    """'2024-01-01 – 2024-12-31', 'from 2024-01-01', 'until 2024-12-31' or ''."""
    if start and end:
        return f"{start.isoformat()} – {end.isoformat()}"
    if start:
        return i18n.t("caption.from", lang, day=start.isoformat())
    if end:
        return i18n.t("caption.until", lang, day=end.isoformat())
    return ""

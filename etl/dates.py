"""Article text -> the date of the meeting it reports (Khmer, numeric, English and lunar dates).

Dates are matched on the text with zero-width characters removed (offsets map back exactly).
The meeting date is the first date that is not a document date (ចុះថ្ងៃទី… = "dated"), not the
day a release was published or someone told the press, and not an earlier meeting referred to.
A missing year comes only from the same document: a range end, the BE year of a lunar date,
"ឆ្នាំ២០១៩នេះ", the dateline/release/`published` date, or another full date (then flagged inferred).
Vocabulary (months, weekdays, lunar months, cue words, Visak Bochea dates) is in data/months.json.
"""

import datetime as dt
import json
import re
from collections import namedtuple
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.normalize import drop_invisible, invisible_span_to_original

DATA_FILE = Path(__file__).resolve().parent / "data" / "months.json"
_D = "[0-9\u17e0-\u17e9]"  # ASCII or Khmer digit (int() reads both)
_ASCII_WORD = re.compile("[JFMASONDjfmasond][A-Za-z]{2,8}")  # could be a month name
_RANGE_GAP = re.compile(r"\s*(?:ដល់|រហូតដល់|-|–|~)")


@dataclass(frozen=True)
class MeetingDate:
    iso: str | None  # None when no year can be found in the document
    year_inferred: bool
    day: int
    month: int
    date_text: str  # the matched snippet of the original text
    start: int  # offsets in the original text
    end: int


_Found = namedtuple("_Found", "start end day month year kind")  # a date in the cleaned text


def _ta(surface: str) -> str:
    return surface.replace("\u17d2\u178a", "\u17d2\u178f")  # coeng-DA -> coeng-TA


def _alternation(surfaces: list[str]) -> str:
    """Regex for surfaces, longest first; coeng-TA and coeng-DA both accepted."""
    ordered = sorted({re.escape(_ta(s)) for s in surfaces}, key=len, reverse=True)
    return "|".join(s.replace("\u17d2\u178f", "\u17d2[\u178f\u178a]") for s in ordered)


@cache
def _vocab() -> dict:
    """The data file plus the regexes built from it (loaded once)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["km_month"] = {_ta(s): int(m) for m, names in data["gregorian_km"].items() for s in names}
    data["en_month"] = {s.lower(): int(m) for m, ns in data["gregorian_en"].items() for s in ns}
    openings = sorted({re.escape(s[:3]).encode() for s in data["en_month"]})  # _english_dates
    data["en_openings"] = re.compile(b"|".join(openings))
    data["lunar_surface"] = {
        _ta(s): k for k, v in data["lunar_months"].items() for s in v["surfaces"]
    }
    _compile_dates(data)
    _compile_cues(data)
    return data


def _compile_dates(data: dict) -> None:
    wd_km = _alternation(data["weekdays_km"])
    months = _alternation(list(data["km_month"]))
    # Starts at the day's digits, so the regex engine only tries where a digit is (written
    # {_D}{_D}? rather than {_D}{1,2}: only a plain character set up front lets it skip ahead).
    data["day_date"] = re.compile(
        rf"(?P<d>{_D}{_D}?)(?:\s*(?P<sep>[/.-])\s*(?P<nm>{_D}{{1,2}})\s*(?P=sep)\s*(?P<ny>{_D}{{4}})(?!{_D})"
        rf"|(?:\s*(?:-|–|~|ដល់|រហូតដល់|និង|,)\s*(?:ថ្ងៃ\s*(?:{wd_km})?\s*)?(?:ទី\s*)?{_D}{{1,2}}(?![0-9\u17e0-\u17e9/.:]))*"
        rf"\s*(?:ខែ\s*(?P<mn>{months})|ខែ\s*(?P<mi>{_D}{{1,2}})(?!{_D})|(?P<mn2>{months}))"
        rf"(?:\s*(?:ឆ្នាំ\s*)?(?P<y>{_D}{{4}})(?!{_D}))?)"
    )
    data["ti_before"] = re.compile(r"ទី\s*\Z")
    data["day_prefix"] = re.compile(rf"(?:ថ្ងៃ\s*(?:{wd_km})?\s*)\Z")
    data["be_year"] = re.compile(rf"(?:ព\s*\.\s*ស\s*\.?|ពុទ្ធសករាជ)\s*({_D}{{4}})")
    data["lunar_date"] = re.compile(
        rf"(?<!{_D}){_D}{{1,2}}\s*(?:កើត|រោច)\s*ខែ\s*(?P<lm>{_alternation(list(data['lunar_surface']))})"
        rf"[^។\n]{{0,40}}?(?:ព\s*\.\s*ស\s*\.?|ពុទ្ធសករាជ)\s*(?P<be>{_D}{{4}})[^។\n]{{0,12}}\Z"
    )
    data["this_year"] = re.compile(rf"ឆ្នាំ\s*({_D}{{4}})\s*នេះ")
    wd_en = "|".join(data["weekdays_en"])
    mon_en = "|".join(sorted(data["en_month"], key=len, reverse=True))
    data["en_date"] = re.compile(
        rf"\b(?:(?P<wd>{wd_en}),?\s+)?(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<mon>{mon_en})\.?,?"
        rf"|(?P<mon2>{mon_en})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?)\s+(?P<y>\d{{4}})\b"
        rf"(?P<time>[\s,]+\d{{1,2}}:\d{{2}})?",
        re.IGNORECASE | re.ASCII,  # ASCII: "ſ" must not pass for "s"
    )


def _compile_cues(data: dict) -> None:
    tod = _alternation(data["time_of_day"])
    data["document_before"] = re.compile(
        rf"(?:{_alternation(data['document_cues'])})\s*(?:នៅ|នា|កាលពី)?\s*(?:{tod})?\s*\Z"
    )
    data["statement_before"] = re.compile(
        rf"(?:{_alternation(data['statement_cues'])})[^។\n]{{0,45}}\Z"
    )
    data["meeting_word"] = re.compile(_alternation(data["meeting_words"]))
    data["earlier_before"] = re.compile(
        rf"(?:{_alternation(data['earlier_cues'])})[^។\n]{{0,14}}\Z"
    )
    data["relative"] = re.compile(_alternation(list(data["relative_days"])))


def _bare_day_ok(clean: str, start: int, month_number: str | None, voc: dict) -> bool:
    """A day without ទី: not "9 ខែ 10" (a duration) nor glued to a word (ភូមិ១ឧសភា, a village)."""
    if month_number:
        return False
    if start and "\u1780" <= clean[start - 1] <= "\u17ff":
        return bool(voc["day_prefix"].search(clean, max(0, start - 20), start))
    return True


def _valid(year: int, month: int, day: int) -> bool:
    try:
        return bool(dt.date(year, month, day))
    except ValueError:
        return False


def _day_dates(clean: str, voc: dict) -> list[_Found]:
    """Khmer dates (ថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤, ថ្ងៃទី២២ ធ្នូ, ranges) and 23/01/2024."""
    found = []
    for m in voc["day_date"].finditer(clean):  # opens with a digit set: the engine skips ahead
        start = m.start()
        if start and (clean[start - 1].isdigit() or clean[start - 1] in "./:,-"):
            continue  # the tail of a longer number
        if m.group("ny"):
            day, month, year = int(m.group("d")), int(m.group("nm")), int(m.group("ny"))
            found.append(_Found(start, m.end(), day, month, year, "num"))
            continue
        ti = voc["ti_before"].search(clean, max(0, start - 8), start)
        if not ti and not _bare_day_ok(clean, start, m.group("mi"), voc):
            continue
        start = ti.start() if ti else start
        prefix = voc["day_prefix"].search(clean, max(0, start - 20), start)
        found.append(_khmer_found(m, prefix.start() if prefix else start, voc))
    return found


def _khmer_found(m: re.Match[str], start: int, voc: dict) -> _Found:
    group = "mn" if m.group("mn") else "mn2" if m.group("mn2") else "mi"
    surface = _ta(m.group(group))
    month = int(surface) if group == "mi" else voc["km_month"].get(surface, 0)
    year = int(m.group("y")) if m.group("y") and 1900 <= int(m.group("y")) <= 2100 else None
    return _Found(start, m.end() if year else m.end(group), int(m.group("d")), month, year, "km")


def _english_dates(clean: str, voc: dict) -> list[_Found]:
    """ "26 July 2019", "July 26, 2019"; with a clock time or a weekday near the top: a dateline."""
    found: dict[int, _Found] = {}
    letters = clean.encode("ascii", "ignore").lower()  # a month word is a run of these (one C pass)
    if not voc["en_openings"].search(letters):
        return []  # no month name can open among them (3 letters at least: _ASCII_WORD)
    for word in _ASCII_WORD.finditer(clean):  # rare: look near month words only
        if word.group().lower() not in voc["en_month"]:
            continue
        for m in voc["en_date"].finditer(clean, max(0, word.start() - 16), word.end() + 24):
            found.setdefault(m.start(), _english_found(m, voc))
    return list(found.values())


def _english_found(m: re.Match[str], voc: dict) -> _Found:
    day, mon, year = m.group("d") or m.group("d2"), m.group("mon") or m.group("mon2"), m.group("y")
    kind = "dateline" if m.group("time") or (m.group("wd") and m.start() < 400) else "en"
    return _Found(m.start(), m.end(), int(day), voc["en_month"][mon.lower()], int(year), kind)


def _candidates(clean: str, voc: dict) -> list[_Found]:
    """All plausible dates in text order (impossible days such as 31 February are dropped)."""
    found = _day_dates(clean, voc) + _english_dates(clean, voc)
    found = [f for f in found if 1 <= f.month <= 12 and _valid(f.year or 2000, f.month, f.day)]
    return sorted(found, key=lambda f: (f.start, -f.end))


def _role(clean: str, f: _Found, voc: dict) -> str | None:
    """ "document" (ចុះថ្ងៃទី… = a letter's date), "statement" (a release or press remark), or None."""
    if voc["document_before"].search(clean, max(0, f.start - 24), f.start):
        return "document"
    told = voc["statement_before"].search(clean, max(0, f.start - 60), f.start)
    return "statement" if told and not voc["meeting_word"].search(told.group()) else None


def _is_earlier(clean: str, f: _Found, voc: dict) -> bool:
    """An earlier meeting referred to ("កិច្ចប្រជុំកាលពីថ្ងៃទី១៩")."""
    return bool(voc["earlier_before"].search(clean, max(0, f.start - 40), f.start))


def _parse_published(published: str | None) -> dt.date | None:
    try:  # most documents have no metadata date: answered without raising
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _be_to_ce(be: int, month: int, day: int, voc: dict) -> int:
    """Gregorian year of a day in Buddhist-Era year `be` (BE changes on Visak Bochea)."""
    ce = be - voc["be_offset_after_visak"]
    visak = voc["visak_bochea"].get(str(ce), voc["visak_bochea_default"])
    v_month, v_day = (int(x) for x in visak.split("-"))
    return ce if (month, day) >= (v_month, v_day) else ce + 1


def _year_near(pub: dt.date, month: int, day: int) -> int:
    """Year of day/month as written shortly before (or, for announcements, after) `pub`."""
    late = _valid(pub.year, month, day) and (dt.date(pub.year, month, day) - pub).days > 60
    return pub.year - 1 if late else pub.year


def _range_end(clean: str, f: _Found, cands: list[_Found]) -> _Found | None:
    """The dated end of a range "ពីថ្ងៃទី៣០ ខែកក្កដា ដល់ថ្ងៃទី០៣ ខែសីហា ឆ្នាំ២០១៩"."""
    ends = (g for g in cands if g.year and 0 <= g.start - f.end <= 25)
    return next((g for g in ends if _RANGE_GAP.match(clean, f.end, g.start)), None)


def _adjacent_lunar_year(clean: str, f: _Found, voc: dict) -> int | None:
    """CE year from a lunar date written just before the Gregorian one, if its month agrees."""
    m = voc["lunar_date"].search(clean, max(0, f.start - 120), f.start)
    lunar = voc["lunar_months"][voc["lunar_surface"][_ta(m.group("lm"))]] if m else None
    if m is None or lunar is None or f.month not in lunar["gregorian"]:
        return None
    return _be_to_ce(int(m.group("be")), f.month, f.day, voc)


def _year_for(clean: str, f: _Found, ctx: dict) -> tuple[int | None, bool, int]:
    """(year, inferred?, snippet end) for a date, from the same document only."""
    voc, cands, pub = ctx["voc"], ctx["cands"], ctx["pub"]
    if f.year:
        return f.year, False, f.end
    if (end := _range_end(clean, f, cands)) is not None:
        return end.year - (end.month < f.month), False, end.end
    if (year := _adjacent_lunar_year(clean, f, voc)) is not None:
        return year, True, f.end  # the Gregorian year is not written, only the BE one
    if be := voc["be_year"].search(clean):
        return _be_to_ce(int(be.group(1)), f.month, f.day, voc), True, f.end
    if this_year := voc["this_year"].search(clean):
        return int(this_year.group(1)), True, f.end
    if pub:
        return _year_near(pub, f.month, f.day), True, f.end
    dated = [g for g in ctx["usable"] if g.year]
    if dated:
        return min(dated, key=lambda g: abs(g.start - f.start)).year, True, f.end
    # a bare "ឆ្នាំ២០២០" is no year source: budgets and plans name other years (corpus 457857)
    return None, False, f.end


def _pick(clean: str, usable: list[_Found], voc: dict) -> _Found | None:
    """First date that is not an earlier meeting's; the same day with its year written wins."""
    fresh = [f for f in usable if not _is_earlier(clean, f, voc)]
    chosen = (fresh or usable or [None])[0]
    if chosen is not None and chosen.year is None:
        same = [f for f in usable if f.year and (f.day, f.month) == (chosen.day, chosen.month)]
        chosen = same[0] if same else chosen
    return chosen


def _relative(clean: str, pub: dt.date | None, voc: dict) -> _Found | None:
    """ "ម្សិលមិញ" (yesterday), "ព្រឹកនេះ" (this morning) near the top, counted from `pub`."""
    m = voc["relative"].search(clean, 0, 600) if pub else None
    if m is None or pub is None or pub.toordinal() < 2:
        return None
    day = pub - dt.timedelta(days=voc["relative_days"][m.group()])
    return _Found(m.start(), m.end(), day.day, day.month, day.year, "relative")


def _meeting_found(clean: str, published: str | None) -> tuple[_Found, tuple] | None:
    """The chosen date and its (year, inferred?, snippet end), on the cleaned text."""
    voc = _vocab()
    cands = _candidates(clean, voc)
    roles = {id(f): "dateline" if f.kind == "dateline" else _role(clean, f, voc) for f in cands}
    released = [f for f in cands if roles[id(f)] in ("dateline", "statement") and f.year]
    pub = dt.date(released[0].year, released[0].month, released[0].day) if released else None
    pub = pub or _parse_published(published)  # a dateline or release date ~ publication date
    usable = [f for f in cands if roles[id(f)] is None]
    chosen = _pick(clean, usable, voc)
    if chosen is not None:
        ctx = {"voc": voc, "cands": cands, "pub": pub, "usable": usable}
        return chosen, _year_for(clean, chosen, ctx)
    rel = _relative(clean, pub, voc)
    return (rel, (rel.year, True, rel.end)) if rel else None


def extract_meeting_date(text: str, published: str | None = None) -> MeetingDate | None:
    """The meeting's date as written in `text` (see the module docstring); None if none is found."""
    found = _meeting_found(drop_invisible(text), published)
    if found is None:
        return None
    (chosen, (year, inferred, end)) = found
    start, end = invisible_span_to_original(text, chosen.start, end)
    valid = bool(year) and _valid(year, chosen.month, chosen.day)
    iso = dt.date(year, chosen.month, chosen.day).isoformat() if valid else None
    return MeetingDate(
        iso, inferred and valid, chosen.day, chosen.month, text[start:end], start, end
    )

"""Random ground truth for one synthetic meeting (what, when, where, who); no text is written here."""

import json
import random
from datetime import date, timedelta

from etl import settings

VOCAB_PATH = settings.GAZETTEER_DIR / "synth_vocab.json"
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2026, 11, 15)
YEARS = list(range(FIRST_DAY.year, LAST_DAY.year + 1))
YEAR_WEIGHTS = [1 + 0.2 * i for i in range(len(YEARS))]  # more articles in later years, as sites grow
REVIEW_TYPES = frozenset(("semester_review", "annual_review", "quarterly_review", "monthly_review"))
ORGANISER_KINDS = (("ministry", 62), ("province", 32), ("national", 6))


def load_vocab() -> dict:
    """The synth vocabulary, with ministry and partner names taken from etl.gazetteer when it exists."""
    vocab = json.loads(VOCAB_PATH.read_text(encoding="utf-8"))
    _use_gazetteer(vocab)
    for name in vocab["family_names"] + vocab["given_names"]:
        # names are labels: zero-width spaces must never be inserted inside them
        assert not any(word in name for word in vocab["zwsp_words"]), name
    vocab["type_names"] = list(vocab["meeting_types"])
    vocab["type_weights"] = list(vocab["meeting_types"].values())
    return vocab


def _use_gazetteer(vocab: dict) -> None:
    """Align canonical names with the extractor's gazetteer, so labels use the names it outputs."""
    try:
        from etl import gazetteer
    except ImportError:  # the gazetteer is optional here; the bundled names follow the same contract
        return
    vocab["ministries"] = [[english, khmer] for english, khmer, _ in gazetteer.dim_ministries()]
    vocab["ministry_eras"] = gazetteer.load_data("ministries").get("_renamed", vocab["ministry_eras"])
    known = {name: name_km for name, _, name_km in gazetteer.dim_partners()}
    partners = [row for row in vocab["partners"] if row[0] in known]
    for row in partners:
        row[2] = sorted(set(row[2]) | {known[row[0]]})
    vocab["partners"] = partners or vocab["partners"]


def ministries_on(vocab: dict, day: date) -> list[list[str]]:
    """Ministries as named on `day`: a renamed ministry appears under the name of its time."""
    cache = vocab.setdefault("_ministries_by_year", {})
    if day.year not in cache:
        eras = vocab["ministry_eras"]
        formers = {era["former"] for era in eras.values()}
        khmer = dict(map(tuple, vocab["ministries"]))
        out = []
        for english, name_km in vocab["ministries"]:
            era = eras.get(english)
            if english in formers:
                continue
            if era and day.year < era["until_year"] and era["former"] in khmer:
                english, name_km = era["former"], khmer[era["former"]]
            out.append([english, name_km])
        cache[day.year] = out
    return cache[day.year]


def _random_day(rng: random.Random, start: date, span_days: int) -> date:
    return start + timedelta(days=rng.randrange(span_days))


def meeting_when(rng: random.Random, mtype: str) -> tuple[date, str | None, str | None]:
    """(meeting date, semester, period): reviews are held just after the span they review."""
    while True:
        year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
        semester = period = None
        if mtype == "semester_review":
            half = rng.choice((1, 2))
            day = _random_day(rng, date(year, 6, 25) if half == 1 else date(year, 12, 20), 65)
            semester = f"{year}-S{half}"
        elif mtype == "annual_review":
            day, period = _random_day(rng, date(year, 12, 15), 100), str(year)
        elif mtype == "quarterly_review":
            quarter = rng.randint(1, 4)
            day, period = _random_day(rng, date(year, 3 * quarter, 20), 30), f"{year}-Q{quarter}"
        elif mtype == "monthly_review":
            month = rng.randint(1, 12)
            day, period = _random_day(rng, date(year, month, 24), 12), f"{year}-{month:02d}"
        else:
            day = _random_day(rng, date(year, 1, 1), 365)
        if FIRST_DAY <= day <= LAST_DAY:
            return day, semester, period


def _organiser(rng: random.Random, vocab: dict, mtype: str, day: date) -> dict:
    """Who held it: a lead ministry, a provincial body or a national committee, plus other ministries."""
    kinds, weights = zip(*ORGANISER_KINDS, strict=True)
    kind = "province" if mtype == "council_session" else rng.choices(kinds, weights)[0]
    if mtype == "bilateral":
        kind = "ministry"
    ministries = ministries_on(vocab, day)
    lead = rng.choice(ministries) if kind == "ministry" else None
    n_other = rng.randint(2, 4) if mtype == "inter_ministerial" else rng.choice((0, 0, 0, 1, 1, 2, 3))
    others = rng.sample([m for m in ministries if m is not lead], n_other)
    national = rng.choice(vocab["national_bodies"]) if kind == "national" else None
    return {"kind": kind, "lead": lead, "others": others, "national": national}


def _where(rng: random.Random, vocab: dict, kind: str, mtype: str) -> dict:
    """Province index (or None) and how the text states it (dateline, venue, both, moved, abroad)."""
    if mtype == "bilateral" and rng.random() < 0.3:
        return {"province": None, "mode": "abroad", "country": rng.choice(vocab["countries"])}
    modes = ("dateline", "venue", "both", "moved", "none")
    mode = rng.choices(modes, (45, 25, 12, 6, 12 if kind != "province" else 0))[0]
    province = None if mode == "none" else rng.randrange(len(vocab["provinces"]))
    if mode == "moved" and vocab["provinces"][province][0] == "Phnom Penh":
        mode = "both"
    country = rng.choice(vocab["countries"]) if mtype == "bilateral" else None
    return {"province": province, "mode": mode, "country": country}


def _chair(rng: random.Random, vocab: dict) -> dict | None:
    """A presiding person (name without honorific) or None when the text names nobody."""
    if rng.random() < 0.12:
        return None
    name = f"{rng.choice(vocab['family_names'])} {rng.choice(vocab['given_names'])}"
    return {"name": name, "honorific": rng.choice(vocab["honorifics"]),
            "ministry_title": rng.choice(vocab["ministry_titles"]),
            "province_title": rng.choice(vocab["province_titles"])}


def meeting_spec(rng: random.Random, vocab: dict) -> dict:
    """The ground truth of one meeting; render_meeting turns it into one site's article."""
    mtype = rng.choices(vocab["type_names"], vocab["type_weights"])[0]
    day, semester, period = meeting_when(rng, mtype)
    spec = {"type": mtype, "date": day, "semester": semester, "period": period}
    spec.update(_organiser(rng, vocab, mtype, day))
    spec.update(_where(rng, vocab, spec["kind"], mtype))
    n_partners = rng.choice((0, 0, 0, 1, 1, 2, 3))
    spec["partners"] = rng.sample(vocab["partners"], n_partners)
    spec["chair"] = _chair(rng, vocab)
    spec["online"] = rng.random() < 0.15
    spec["participants"] = rng.randint(15, 300) if rng.random() < 0.5 else None
    spec["topic"] = rng.choice(vocab["topics"])
    spec["number"] = rng.randint(2, 40)
    return spec

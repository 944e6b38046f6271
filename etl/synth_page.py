"""Whole synthetic pages: a meeting (etl/synth_text.py) or other news, wrapped in a site's chrome, + label."""

import random

from etl.synth_dates import date_phrase, gregorian, pick_style
from etl.synth_spec import meeting_when
from etl.synth_text import (
    DATELINES,
    VARIANTS,
    add_zero_width_spaces,
    meeting_label,
    province_km,
    render_meeting,
    spelling_variant,
)

OTHER_KINDS = (("crime", 30), ("foreign", 20), ("speech", 20), ("courtesy", 15), ("roundup", 15))
ZWSP_SHARE = 0.3


def empty_label(note: str) -> dict:
    """The label of an article that is not about one meeting."""
    return {"is_meeting": False, "meeting_date": None, "date_year_inferred": False, "province": None,
            "ministries": [], "lead_ministry": None, "partners": [], "semester": None, "period": None,
            "chair_khmer": None, "online": False, "note": note}


def _person(rng: random.Random, vocab: dict) -> dict:
    """Placeholders for a named official in other news (speeches, courtesy calls)."""
    ministry = rng.choice(vocab["ministries"])[1]
    return {"{HON}": rng.choice(vocab["honorifics"]),
            "{NAME}": f"{rng.choice(vocab['family_names'])} {rng.choice(vocab['given_names'])}",
            "{TITLE}": rng.choice(vocab["ministry_titles"]) + ministry}


def _fill(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def tail_headlines(rng: random.Random, vocab: dict, n: int) -> list[str]:
    """Headlines of other articles, as in a related-articles tail (never with a year)."""
    out = []
    for _ in range(n):
        name, prefix = province_km(vocab, rng.randrange(len(vocab["provinces"])))
        person = _person(rng, vocab)
        if rng.random() < 0.6:
            out.append(_fill(f"{{HON}} {{NAME}} អញ្ជើញដឹកនាំកិច្ចប្រជុំស្តីពី{rng.choice(vocab['topics'])}"
                             f" នៅ{prefix}{name}", person))
        else:
            out.append(f"ជនសង្ស័យម្នាក់ត្រូវបានឃាត់ខ្លួន នៅ{prefix}{name}")
    return out


def render_other(rng: random.Random, vocab: dict) -> tuple[str, list[str], str, str]:
    """(headline, paragraphs, date style, kind) of a crime, foreign, speech, courtesy-call or round-up story."""
    kinds, weights = zip(*OTHER_KINDS, strict=True)
    kind = rng.choices(kinds, weights)[0]
    day = meeting_when(rng, "other")[0]
    khmer = rng.random() < 0.85
    style = pick_style(rng, True, day)
    english_line, when = date_phrase(style, day, rng, khmer)
    name, prefix = province_km(vocab, rng.randrange(len(vocab["provinces"])))
    country = rng.choice(vocab["countries"])
    values = {"{P}": prefix + name, "{CITY}": country[2], "{COUNTRY}": country[1], **_person(rng, vocab)}
    sentences = [_fill(s, values) for s in vocab["nonmeeting"][kind]]
    dateline = rng.choice(DATELINES).format(n=name, p=prefix) if kind != "foreign" else ""
    if kind == "roundup":
        headline = f"{sentences[0]}{gregorian(day, rng, khmer, with_year=style != 'noyear')}"
        paragraphs = ["- " + h for h in tail_headlines(rng, vocab, rng.randint(3, 5))] + sentences[1:]
    else:
        headline = sentences[0].rstrip("។")
        paragraphs = [f"{dateline}{when} {sentences[0].rstrip('។')}។"] + sentences[1:]
    if english_line:
        paragraphs.insert(0, english_line)
    return headline, paragraphs, style, kind


def _photos(rng: random.Random, site: str, year: int) -> str:
    """A photo-caption or image-link line (it carries a year, so never in documents without one)."""
    month, n = rng.randint(1, 12), rng.randint(2, 6)
    if rng.random() < 0.5:
        stamps = [f"photo {year} {month:02d} {rng.randint(1, 28):02d} {rng.randint(7, 20)} {rng.randint(10, 59)}"
                  f" {rng.randint(10, 59)}" for _ in range(n)]
        return " ".join(stamps)
    return "\n".join(f"![](https://{site}.example.gov.kh/wp-content/uploads/{year}/{month:02d}/img-{i}.jpg)"
                     for i in range(n))


def _chrome(site: dict, vocab: dict, rng: random.Random, province: int | None, with_years: bool) -> dict:
    """The site's header, share, photo, related-articles and copyright lines with placeholders filled."""
    index = province if province is not None else rng.randrange(len(vocab["provinces"]))
    name, prefix = province_km(vocab, index)
    values = {"{P}": prefix + name, "{P_EN}": vocab["provinces"][index][0],
              "{M}": rng.choice(vocab["ministries"])[1], "{CY}": str(rng.randint(2015, 2021))}
    copyright_line = site["copyright"] if with_years or "{CY}" not in site["copyright"] else ""
    footer = list(site["footer"])
    if footer and footer[-1] in ("អត្ថបទទាក់ទង", "ព័ត៌មានទាក់ទង"):
        footer += tail_headlines(rng, vocab, rng.randint(0, 3))
    # a provincial site's header names its province: only where the article's province is known
    header = [] if province is None and "{P}" in "".join(site["header"]) else site["header"]
    return {"header": [_fill(x, values) for x in header], "share": site["share"], "footer": footer,
            "photos": _photos(rng, site["name"], rng.randint(2015, 2026)) if with_years and rng.random() < 0.4
            else "", "copyright": _fill(copyright_line, values)}


def page(rng: random.Random, vocab: dict, spec: dict | None, site_index: int) -> tuple[str, dict]:
    """(article text, label) for a meeting spec, or for other news when spec is None."""
    site = vocab["sites"][site_index % len(vocab["sites"])]
    if spec is None:
        headline, paragraphs, style, kind = render_other(rng, vocab)
        province = None
    else:
        headline, paragraphs, style = render_meeting(spec, vocab, rng)
        province = spec["province"]
    chrome = _chrome(site, vocab, rng, province, style != "noyear")
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    lines = chrome["header"] + [headline] + chrome["share"] + [sep.join(paragraphs)]
    lines += [chrome["photos"]] if chrome["photos"] else []
    lines += chrome["footer"] + ([chrome["copyright"]] if chrome["copyright"] else [])
    text = "\n".join(lines)
    if rng.random() < ZWSP_SHARE:
        text = add_zero_width_spaces(text, vocab["zwsp_words"])
    names, weights = zip(*VARIANTS, strict=True)
    variant = rng.choices(names, weights)[0]
    text = spelling_variant(text, variant)
    if spec is None:
        return text, empty_label(f"synthetic non-meeting: {kind}; date style {style}")
    label = meeting_label(spec, vocab, style, variant)
    label["note"] += f"; site {site['name']}; spelling {variant}"
    return text, label


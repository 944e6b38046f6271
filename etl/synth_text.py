"""One meeting spec (etl/synth_spec.py) + one site's habits → article text and its ground-truth label."""

import random
from datetime import timedelta

from etl.synth_dates import MONTHS_KM, NOYEAR_STYLES, date_phrase, gregorian, num, pick_style
from etl.synth_spec import REVIEW_TYPES

ZWSP = "\u200b"
VARIANTS = (("none", 55), ("da", 20), ("ro", 15), ("both", 10))
DATELINES = ("{n} ៖ ", "({n})៖ ", "{p}{n}៖ ", "{n}ៈ ", "{p}{n} ៖ ")
VENUES = (" នៅសាលប្រជុំសាលា{p}{n}", " នៅ{p}{n}", " នៅសណ្ឋាគារមួយក្នុង{p}{n}")


def province_km(vocab: dict, index: int) -> tuple[str, str]:
    """(name, prefix) of a province: ("កណ្តាល", "ខេត្ត")."""
    _, name, prefix = vocab["provinces"][index]
    return name, prefix


def spelling_variant(text: str, variant: str) -> str:
    """Write the text with the coeng spellings a site uses (្ដ for ្ត, ្រ្ត for ្ត្រ)."""
    if variant in ("ro", "both"):
        text = text.replace("្ត្រ", "្រ្ត")
    if variant in ("da", "both"):
        text = text.replace("្ត", "្ដ")
    return text


def add_zero_width_spaces(text: str, words: list[str]) -> str:
    """Mark word ends with U+200B, as scraped Khmer news often does."""
    for word in words:
        text = text.replace(word, word + ZWSP)
    return text


def meeting_name(spec: dict, vocab: dict, khmer: bool) -> str:
    """កិច្ចប្រជុំ… naming the meeting; reviews name the span they review (with its year)."""
    mtype, topic = spec["type"], spec["topic"]
    year = spec["semester"] or spec["period"] or ""
    y = num(int(year[:4]), khmer) if year else ""
    if mtype == "semester_review":
        half = year[-1]
        if half == "1" and spec["number"] % 3 == 0:
            return f"កិច្ចប្រជុំបូកសរុបរបាយការណ៍វឌ្ឍនភាពការងារ៦ខែដើមឆ្នាំ{y}"
        after = "ឆមាសទី២" if half == "1" else f"ឆ្នាំ{num(int(year[:4]) + 1, khmer)}"
        return f"កិច្ចប្រជុំបូកសរុបលទ្ធផលការងារឆមាសទី{num(int(half), True)} ឆ្នាំ{y} និងលើកទិសដៅការងារ{after}"
    if mtype == "annual_review":
        return f"កិច្ចប្រជុំបូកសរុបលទ្ធផលការងារប្រចាំឆ្នាំ{y} និងលើកទិសដៅការងារឆ្នាំ{num(int(year) + 1, khmer)}"
    if mtype == "quarterly_review":
        return f"កិច្ចប្រជុំពិនិត្យលទ្ធផលការងារត្រីមាសទី{num(int(year[-1]), True)} ឆ្នាំ{y}"
    if mtype == "monthly_review":
        return f"កិច្ចប្រជុំប្រចាំខែ{MONTHS_KM[int(year[5:]) - 1]} ឆ្នាំ{y}"
    if mtype == "bilateral":
        n = num(spec["number"] % 9 + 1, khmer)
        return f"កិច្ចប្រជុំគណៈកម្មាធិការចម្រុះលើកទី{n} រវាងកម្ពុជា និង{spec['country'][1]}"
    if mtype == "council_session":
        name, prefix = province_km(vocab, spec["province"])
        return f"កិច្ចប្រជុំសាមញ្ញលើកទី{num(spec['number'], khmer)} របស់ក្រុមប្រឹក្សា{prefix}{name}"
    words = {"working_group": "ក្រុមការងារបច្ចេកទេសស្តីពី", "consultation": "ពិគ្រោះយោបល់ស្តីពី",
             "inter_ministerial": "ក្រុមការងារអន្តរក្រសួងស្តីពី", "dissemination": "ផ្សព្វផ្សាយស្តីពី"}
    return f"កិច្ចប្រជុំ{words[mtype]}{topic}"


def organiser_km(spec: dict, vocab: dict, rng: random.Random) -> tuple[str, str]:
    """(the organising body in Khmer, the chair's title) for this spec."""
    if spec["kind"] == "ministry":
        org = spec["lead"][1]
        title = (spec["chair"] or {}).get("ministry_title", "") + org
    elif spec["kind"] == "national":
        org = spec["national"][1]
        title = "ប្រធាន" + org
    else:
        name, prefix = province_km(vocab, spec["province"])
        org = rng.choice(vocab["province_organizers"])[1].replace("{P}", prefix + name)
        if spec["type"] == "council_session":
            org = f"ក្រុមប្រឹក្សា{prefix}{name}"
        title = (spec["chair"] or {}).get("province_title", "") + prefix + name
    return org, title


def place(spec: dict, vocab: dict, rng: random.Random) -> tuple[str, str]:
    """(dateline, venue phrase) saying where the meeting was, per the spec's mode."""
    mode = spec["mode"]
    if mode == "abroad":
        return "", f" នៅ{spec['country'][2]} ប្រទេស{spec['country'][1]}"
    if mode == "none":
        return "", ""
    name, prefix = province_km(vocab, spec["province"])
    dateline = rng.choice(DATELINES).format(n=name, p=prefix)
    venue = rng.choice(VENUES).format(n=name, p=prefix)
    if mode == "dateline":
        return dateline, ""
    if mode == "venue":
        return "", venue
    if mode == "moved":
        return rng.choice(DATELINES).format(n="ភ្នំពេញ", p="រាជធានី"), venue
    return dateline, venue


def lead_sentence(spec: dict, parts: dict, rng: random.Random) -> str:
    """The first sentence: dateline, date, who, did what, where."""
    dl, when, name, venue, org = parts["dateline"], parts["when"], parts["name"], parts["venue"], parts["org"]
    chair = spec["chair"]
    if chair is None:
        if rng.random() < 0.5:
            return f"{dl}{org} {when} បានរៀបចំ{name}{venue}។"
        return f"{dl}{name} របស់{org} បានប្រព្រឹត្តទៅ{when}{venue}។"
    who = f"{chair['honorific']} {chair['name']} {parts['title']}"
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{dl}{when} {who} បានដឹកនាំ{name}{venue}។"
    if pattern == 1:
        return f"{dl}{who} {when} បានអញ្ជើញជាអធិបតីក្នុង{name}{venue}។"
    if pattern == 2:
        return f"{dl}{org} {when} បានរៀបចំ{name}{venue} ក្រោមអធិបតីភាព{who}។"
    return f"{dl}{name} បានប្រព្រឹត្តទៅ{when}{venue} ក្រោមការដឹកនាំរបស់{who}។"


def participants_sentence(spec: dict, vocab: dict, rng: random.Random, khmer: bool) -> str:
    """Who else took part: other ministries, partners (as sites write them), the other country."""
    shorts = vocab["ministry_short_forms"]
    parts = [f"តំណាង{rng.choice(shorts.get(en, [km]) + [km])}" for en, km in spec["others"]]
    parts += [rng.choice(surfaces) for _, _, surfaces in spec["partners"]]
    if spec["type"] == "bilateral":
        parts.append(f"គណៈប្រតិភូ{spec['country'][1]}")
    parts.append(rng.choice(("មន្ទីរពាក់ព័ន្ធ", "មន្ត្រីជំនាញ", "អាជ្ញាធរមូលដ្ឋាន")))
    text = " ".join(parts[:-1]) + " និង" + parts[-1] if len(parts) > 1 else parts[0]
    count = f" ចំនួន{num(spec['participants'], khmer)}រូប" if spec["participants"] else ""
    return f"កិច្ចប្រជុំនេះមានការចូលរួមពី{text}{count}។"


def body_sentences(spec: dict, vocab: dict, rng: random.Random, style: str, khmer: bool) -> list[str]:
    """Sentences after the lead: online, an earlier meeting, the plan year, fillers, the closer."""
    out = [participants_sentence(spec, vocab, rng, khmer)]
    if spec["online"]:
        out.append(f"មន្ទីរជំនាញរាជធានី-ខេត្តទាំង២៥ បានចូលរួម{rng.choice(vocab['online_phrases'])}។")
    if style in ("gregorian", "numeric", "lunar", "english") and rng.random() < 0.12:
        earlier = spec["date"] - timedelta(days=rng.randint(5, 40))
        out.append(f"បន្ទាប់ពីកិច្ចប្រជុំលើកមុនកាលពី{gregorian(earlier, rng, khmer)} ក្រុមការងារបានបន្តការងារ។")
    if style == "inferred":
        out.append(f"អង្គប្រជុំក៏បានពិនិត្យផែនការសកម្មភាពឆ្នាំ{num(spec['date'].year, khmer)}ផងដែរ។")
    out += rng.sample(vocab["fillers"], rng.randint(2, 4))
    out.append(rng.choice(vocab["closers"]))
    return out


def title_line(spec: dict, parts: dict, rng: random.Random) -> str:
    """The headline: who led it, who organised it, or just the meeting's name."""
    chair, choice = spec["chair"], rng.random()
    if chair and choice < 0.5:
        return f"{chair['honorific']} {chair['name']} អញ្ជើញដឹកនាំ{parts['name']}"
    if choice < 0.75:
        return f"{parts['org']} {rng.choice(('រៀបចំ', 'បើក'))}{parts['name']}"
    return parts["name"]


def meeting_label(spec: dict, vocab: dict, style: str, variant: str) -> dict:
    """The ground truth in the format of ../shared/eval/dev_labels.jsonl (id added by the caller)."""
    has_year = style != "noyear"
    chair = spec["chair"]
    partners = [p[0] for p in spec["partners"]] + ([spec["country"][0]] if spec["type"] == "bilateral" else [])
    where = spec["province"] is not None and spec["mode"] not in ("none", "abroad")
    return {
        "is_meeting": True,
        "meeting_date": spec["date"].isoformat() if has_year else None,
        "date_year_inferred": has_year and style in NOYEAR_STYLES,
        "province": vocab["provinces"][spec["province"]][0] if where else None,
        "ministries": sorted({m[0] for m in spec["others"]} | ({spec["lead"][0]} if spec["lead"] else set())),
        "lead_ministry": spec["lead"][0] if spec["lead"] else None,
        "partners": sorted(set(partners)),
        "semester": spec["semester"], "period": spec["period"],
        "chair_khmer": spelling_variant(chair["name"], variant) if chair else None,
        "online": spec["online"],
        "note": f"synthetic {spec['type']} ({spec['kind']}-led); date style {style}; place {spec['mode']}",
    }


def render_meeting(spec: dict, vocab: dict, rng: random.Random) -> tuple[str, list[str], str]:
    """(headline, paragraphs, date style) before page chrome; chrome and spelling are added by the caller."""
    khmer = rng.random() < 0.85
    style = pick_style(rng, spec["type"] not in REVIEW_TYPES, spec["date"])
    english_line, when = date_phrase(style, spec["date"], rng, khmer)
    org, title = organiser_km(spec, vocab, rng)
    dateline, venue = place(spec, vocab, rng)
    parts = {"dateline": dateline, "when": when, "name": meeting_name(spec, vocab, khmer), "venue": venue,
             "org": org, "title": title}
    paragraphs = [lead_sentence(spec, parts, rng)] + body_sentences(spec, vocab, rng, style, khmer)
    if english_line:
        paragraphs.insert(0, english_line)
    return title_line(spec, parts, rng), paragraphs, style

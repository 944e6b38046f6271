"""Meeting date → the date phrases Khmer news sites write (Gregorian, numeric, no-year, lunar, English)."""

import random
from datetime import date

KM_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
MONTHS_KM = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា",
             "វិច្ឆិកា", "ធ្នូ")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
WEEKDAYS_KM = ("ចន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")  # date.weekday() order
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Lunar month named by the Gregorian month its new moon falls in (leap months ignored: close enough here).
LUNAR_MONTHS = ("បុស្ស", "មាឃ", "ផល្គុន", "ចេត្រ", "ពិសាខ", "ជេស្ឋ", "អាសាឍ", "ស្រាពណ៍", "ភទ្របទ",
                "អស្សុជ", "កត្តិក", "មិគសិរ")
ANIMALS = ("ជូត", "ឆ្លូវ", "ខាល", "ថោះ", "រោង", "ម្សាញ់", "មមី", "មមែ", "វក", "រកា", "ច", "កុរ")
ERAS = ("សំរឹទ្ធិស័ក", "ឯកស័ក", "ទោស័ក", "ត្រីស័ក", "ចត្វាស័ក", "បញ្ចស័ក", "ឆស័ក", "សប្តស័ក", "អដ្ឋស័ក",
        "នព្វស័ក")
TIMES_OF_DAY = ("នាព្រឹក", "នារសៀល", "នៅព្រឹក", "នា", "កាលពីព្រឹក", "")
SYNODIC_MONTH = 29.530588853
NEW_MOON_2000 = date(2000, 1, 6).toordinal() + 0.76  # the new moon of 6 January 2000, 18:14 UTC

# Which phrases each style writes, and what the label says: (has a year in the date, year inferred).
STYLES = {
    "gregorian": (True, False), "numeric": (True, False), "lunar": (True, False),
    "english": (True, False), "english_noyear": (True, True), "inferred": (True, True),
    "lunar_noyear": (True, True), "noyear": (False, False),
}
STYLE_WEIGHTS = {"gregorian": 44, "numeric": 6, "lunar": 12, "english": 8, "english_noyear": 6,
                 "inferred": 8, "lunar_noyear": 4, "noyear": 12}
NOYEAR_STYLES = frozenset(("english_noyear", "inferred", "lunar_noyear", "noyear"))


def num(n: int, khmer: bool, width: int = 0) -> str:
    """`n` in Khmer or Arabic digits, zero-padded to `width`."""
    text = str(n).zfill(width)
    return text.translate(KM_DIGITS) if khmer else text


def gregorian(d: date, rng: random.Random, khmer: bool, with_year: bool = True, weekday: bool = True) -> str:
    """ថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤ in one of the ways sites write it (optionally without the year)."""
    day = num(d.day, khmer, rng.choice((1, 1, 2)))
    weekday = f"ថ្ងៃ{WEEKDAYS_KM[d.weekday()]} " if weekday and rng.random() < 0.25 else "ថ្ងៃ"
    month = ("ខែ" if rng.random() < 0.8 else "") + MONTHS_KM[d.month - 1]
    text = f"{weekday}ទី{day} {month}"
    if with_year:
        text += " ឆ្នាំ" + num(d.year, khmer) + ("នេះ" if rng.random() < 0.15 else "")
    return text


def numeric(d: date, khmer: bool) -> str:
    """ថ្ងៃទី២៣/០១/២០២៤."""
    return f"ថ្ងៃទី{num(d.day, khmer, 2)}/{num(d.month, khmer, 2)}/{num(d.year, khmer)}"


def english_dateline(d: date, rng: random.Random) -> str:
    """Fri, 26 July 2019 04:58 PM (a publication line, here on the meeting day)."""
    hour, minute = rng.randint(1, 12), rng.randint(0, 59)
    ampm = rng.choice(("AM", "PM"))
    return f"{WEEKDAYS_EN[d.weekday()]}, {d.day} {MONTHS_EN[d.month - 1]} {d.year} {hour:02d}:{minute:02d} {ampm}"


def buddhist_year(d: date) -> int:
    """Buddhist Era year; it turns at Visak Bochea (taken as 15 May)."""
    return d.year + (544 if (d.month, d.day) >= (5, 15) else 543)


def lunar(d: date, khmer: bool = True) -> str:
    """ថ្ងៃសុក្រ ១០រោច ខែអាសាឍ ឆ្នាំកុរ ឯកស័ក ព.ស.២៥៦៣ (mean-moon approximation of the lunar day)."""
    age = (d.toordinal() + 0.5 - NEW_MOON_2000) % SYNODIC_MONTH
    lunar_day = (int(age) + 1) % 30 + 1
    phase = f"{num(lunar_day, khmer)}កើត" if lunar_day <= 15 else f"{num(lunar_day - 15, khmer)}រោច"
    new_moon = date.fromordinal(int(d.toordinal() - age))
    new_year = (d.month, d.day) >= (4, 14)
    animal = ANIMALS[(d.year - 2020 - (0 if new_year else 1)) % 12]
    era = ERAS[(d.year + (544 if new_year else 543) - 1182) % 10]  # the era turns at the Khmer New Year
    return (f"ថ្ងៃ{WEEKDAYS_KM[d.weekday()]} {phase} ខែ{LUNAR_MONTHS[new_moon.month - 1]} ឆ្នាំ{animal} {era} "
            f"ព.ស.{num(buddhist_year(d), khmer)}")


def date_phrase(style: str, d: date, rng: random.Random, khmer: bool) -> tuple[str, str]:
    """(dateline line or "", the date phrase in the lead sentence) for one style."""
    tod = rng.choice(TIMES_OF_DAY)
    if style == "numeric":
        return "", tod + numeric(d, khmer)
    if style == "lunar":
        return "", f"{tod}{lunar(d, khmer)} ត្រូវនឹង{gregorian(d, rng, khmer, weekday=False)}"
    if style == "lunar_noyear":
        return "", f"{tod}{lunar(d, khmer)} ត្រូវនឹង{gregorian(d, rng, khmer, False, False)}"
    if style == "english":
        return english_dateline(d, rng), tod + gregorian(d, rng, khmer)
    if style == "english_noyear":
        return english_dateline(d, rng), tod + gregorian(d, rng, khmer, with_year=False)
    with_year = style == "gregorian"
    return "", tod + gregorian(d, rng, khmer, with_year=with_year)


def pick_style(rng: random.Random, allow_noyear: bool, d: date) -> str:
    """A date style; no-year styles only where the document can stay free of other years."""
    styles = list(STYLE_WEIGHTS)
    weights = [0 if (s in NOYEAR_STYLES and not allow_noyear) else w for s, w in STYLE_WEIGHTS.items()]
    style = rng.choices(styles, weights)[0]
    if style == "lunar_noyear" and 4 <= d.month <= 6:
        return "lunar"  # around the Buddhist New Year the BE year alone does not fix the Gregorian year
    return style

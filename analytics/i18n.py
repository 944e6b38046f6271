"""UI strings (analytics/data/strings.json) and warehouse names (dim_* tables) -> text in English or Khmer."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from etl import settings

LANGS = ("en", "km")
STRINGS_PATH = Path(__file__).resolve().parent / "data" / "strings.json"


@cache
def strings() -> dict[str, dict[str, str]]:
    """key -> {"en": ..., "km": ...}; validated once: every key has both languages."""
    data = json.loads(STRINGS_PATH.read_text(encoding="utf-8"))
    bad = [key for key, texts in data.items() if set(texts) != set(LANGS)]
    if bad:
        raise ValueError(f"strings.json: keys without exactly en+km: {bad}")
    return data


def t(key: str, lang: str = "en", **values) -> str:
    """The UI string `key` in `lang` (English if unknown language), with {placeholders} filled."""
    texts = strings().get(key)
    if texts is None:
        raise KeyError(f"no UI string {key!r} in {STRINGS_PATH.name}")
    text = texts.get(lang) or texts["en"]
    return text.format(**values) if values else text


@dataclass
class Names:
    """English key -> Khmer name (and short English name for ministries), from the warehouse dims."""

    km: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> key -> Khmer
    short: dict[str, str] = field(default_factory=dict)  # ministry -> MoH


_NAMES = Names()


def load_names(con: duckdb.DuckDBPyConnection) -> Names:
    """Read dim_ministries, dim_provinces and dim_partners into a Names (missing tables give none)."""
    names = Names()
    queries = {
        "ministry": "SELECT ministry, name_km, short_en FROM dim_ministries",
        "province": "SELECT province, name_km, NULL FROM dim_provinces",
        "partner": "SELECT partner, name_km, NULL FROM dim_partners",
    }
    for kind, sql in queries.items():
        try:
            rows = con.execute(sql).fetchall()
        except duckdb.CatalogException:
            rows = []
        names.km[kind] = {key: km for key, km, _ in rows if km}
        if kind == "ministry":
            names.short = {key: short for key, _, short in rows if short}
    return names


def set_names(names: Names) -> None:
    """Make `names` the ones name() and captions use (the UI calls this once per warehouse version)."""
    global _NAMES
    _NAMES = names


def name(kind: str, key: str | None, lang: str = "en") -> str:
    """Display name of a ministry/province/partner: Khmer when lang is km and known, else the key."""
    if key is None:
        return t("value.none", lang)
    if lang == "km":
        return _NAMES.km.get(kind, {}).get(key, key)
    return key


def short_name(ministry: str) -> str:
    """Short English name of a ministry ('MoH'), or the full name when none is known."""
    return _NAMES.short.get(ministry, ministry)


@cache
def type_labels() -> dict[str, dict[str, str]]:
    """slug -> {"en", "km"} from the extractor's taxonomy (etl/data/meeting_types.json), the one source."""
    try:
        data = json.loads((settings.GAZETTEER_DIR / "meeting_types.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {item["slug"]: {"en": item["label_en"], "km": item["label_km"]} for item in data["types"]}


def meeting_type(key: str | None, lang: str = "en") -> str:
    """Label of a meeting type key; unknown keys are shown readably ('site_visit' -> 'Site visit')."""
    if key is None:
        return t("value.none", lang)
    # strings.json first (labels the pages and tests already show), then the extractor's taxonomy.
    if f"type.{key}" in strings():
        return t(f"type.{key}", lang)
    if key in type_labels():
        return type_labels()[key].get(lang) or type_labels()[key]["en"]
    return key.replace("_", " ").capitalize()


def partner_kind(key: str | None, lang: str = "en") -> str:
    """Label of a partner kind key."""
    return t(f"kind.{key}", lang) if f"kind.{key}" in strings() else (key or t("value.none", lang))

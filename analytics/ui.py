"""Streamlit glue shared by every page: warehouse connection, sidebar filters kept in the URL, language,
captions, banners, empty states and cached query calls. Pages call these; they never write SQL."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from analytics import charts, db, i18n, nav, queries
from analytics.filters import LIST_FIELDS, PARAMS, Filters

LANG_KEY = "sidebar_lang"  # the language widget
LANG_STATE = "ui_lang"  # survives pages that do not draw the widget
FILTERS_STATE = "ui_filters"  # the Filters of the last run, so switching pages keeps them
PENDING = "ui_filters_pending"  # set by a chart click, applied before the widgets are drawn
VERSION_STATE = "ui_warehouse_version"
PAGE_STATE = "ui_page"  # the page of the last run
WIDGET = {name: f"sidebar_{name}" for name in PARAMS}
BLANK = "–"  # an empty table cell
DATE_MIN, DATE_MAX = date(1979, 1, 1), date(2100, 12, 31)  # the date pickers' range


def lang() -> str:
    """The UI language ('en' or 'km'): the switch, else the URL's ?lang=, else English."""
    value = st.session_state.get(LANG_KEY) or st.session_state.get(LANG_STATE)
    value = value or st.query_params.get("lang", "en")
    return value if value in i18n.LANGS else "en"


def t(key: str, **values) -> str:
    """A UI string in the current language."""
    return i18n.t(key, lang(), **values)


def months() -> list[str]:
    """The twelve short month names in the current language (for date-axis ticks)."""
    return t("chart.months").split(",")


@contextmanager
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection for this page run; shows a helpful message and stops when there is none."""
    nav.through_entry_point()
    path = db.db_path()
    st.session_state[VERSION_STATE] = db.warehouse_version(path)
    try:
        con = db.connect(path)
    except db.WarehouseMissing:
        st.info(t("empty.no_warehouse", path=path))
        st.stop()
    except duckdb.Error:
        st.warning(t("empty.busy"))
        st.stop()
    try:
        i18n.set_names(_names(st.session_state[VERSION_STATE], con))
        yield con
    except duckdb.Error as error:
        detail = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        st.error(t("empty.bad_warehouse", path=path, error=detail))
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=8)
def _names(version, _con) -> i18n.Names:
    """Khmer names of the warehouse's ministries, provinces and partners (per warehouse version)."""
    return i18n.load_names(_con)


def cached(query: Callable[..., pd.DataFrame], con, filters: Filters, **kwargs) -> pd.DataFrame:
    """query(con, filters, **kwargs), cached on (query, filters, arguments, warehouse file version)."""
    name = f"{query.__module__}.{query.__qualname__}"
    version = st.session_state.get(VERSION_STATE) or db.warehouse_version()
    return _cached_call(name, version, filters, tuple(sorted(kwargs.items())), query, con)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(name, version, filters, kwargs, _query, _con):
    return _query(_con, filters, **dict(kwargs))


def page_start(con, page: str) -> Filters:
    """Title, demo banner, the shared sidebar and the filter caption: the top of every page."""
    filters = sidebar_filters(con, page)
    st.title(t(f"page.{page}"))
    demo_banner(con)
    show_caption(filters)
    return filters


def demo_banner(con) -> None:
    """Warn that the warehouse is the synthetic demo one."""
    if db.meta(con, "dataset") == "demo":
        st.warning(t("demo.banner"), icon=":material/science:")


def show_caption(filters: Filters) -> None:
    """The filter caption above the charts (the same text goes into every export)."""
    st.caption(filters.caption(lang()))


def stop_if_empty(frame: pd.DataFrame, key: str = "empty.no_rows") -> None:
    """Show an empty-state message and stop the page when a query returned no rows."""
    if frame is None or frame.empty:
        st.info(t(key))
        st.stop()


def sidebar_filters(con, page: str) -> Filters:
    """Draw the language switch and the shared filters; keep them in session and URL; return them."""
    options = _options(st.session_state.get(VERSION_STATE), con)
    # Widget state does not follow the user to another page: reseed it from the last Filters there.
    fresh = st.session_state.get(PAGE_STATE) not in (page, None)
    st.session_state[PAGE_STATE] = page
    _seed_widgets(options, fresh)
    with st.sidebar:
        language = _language_switch()
        st.header(i18n.t("sidebar.filters", language))
        filters = _filter_widgets(options, language, page)
        st.caption(i18n.t("sidebar.share", language))
    st.session_state[FILTERS_STATE] = filters
    _write_url(filters, language)
    return filters


def options(con) -> dict:
    """The sidebar's choices and the warehouse's date range (cached per warehouse version)."""
    return _options(st.session_state.get(VERSION_STATE), con)


@st.cache_data(show_spinner=False, max_entries=8)
def _options(version, _con) -> dict:
    return queries.filter_options(_con)


def _url_filters() -> Filters:
    """Filters from the current URL query parameters."""
    return Filters.from_query_params({key: st.query_params.get_all(key) for key in PARAMS.values()})


def _seed_widgets(options: dict, fresh: bool) -> None:
    """Put the wanted filter values into the widget keys before the widgets are drawn."""
    pending = st.session_state.pop(PENDING, None)
    wanted = pending or st.session_state.get(FILTERS_STATE) or _url_filters()
    for name in PARAMS:
        key = WIDGET[name]
        if pending is None and not fresh and key in st.session_state:
            continue
        value = getattr(wanted, name)
        if name in LIST_FIELDS:
            value = [v for v in value if v in options[name]]
        elif value and not DATE_MIN <= value <= DATE_MAX:
            value = None  # the date widget refuses values outside its range
        st.session_state[key] = value
    if fresh or LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = st.session_state.get(LANG_STATE) or lang()


def _language_switch() -> str:
    """English / Khmer radio; its value is also kept for pages that do not draw it."""
    labels = {"en": "English", "km": "ខ្មែរ"}
    choice = st.radio(i18n.t("sidebar.language", lang()), list(labels), key=LANG_KEY,
                      format_func=labels.get, horizontal=True)
    st.session_state[LANG_STATE] = choice
    return choice


def _filter_widgets(options: dict, language: str, page: str) -> Filters:
    """The filter widgets (same keys on every page, so choices carry over); returns their Filters."""
    col_from, col_to = st.columns(2)
    date_from = col_from.date_input(i18n.t("filter.date_from", language), value=None,
                                    key=WIDGET["date_from"], min_value=DATE_MIN, max_value=DATE_MAX)
    date_to = col_to.date_input(i18n.t("filter.date_to", language), value=None,
                                key=WIDGET["date_to"], min_value=DATE_MIN, max_value=DATE_MAX)
    labels = _label_funcs(language)
    chosen = {}
    for name in LIST_FIELDS:
        chosen[name] = tuple(st.multiselect(
            i18n.t(f"filter.{name}", language), options[name], key=WIDGET[name],
            format_func=labels[name], placeholder=i18n.t("filter.any", language)))
    st.button(i18n.t("sidebar.clear", language), key=f"sidebar_clear_{page}", on_click=_clear)
    return Filters(date_from=_as_date(date_from), date_to=_as_date(date_to), **chosen)


def _label_funcs(language: str) -> dict[str, Callable[[str], str]]:
    """How each filter's options are shown in the chosen language."""
    return {
        "ministries": lambda v: i18n.name("ministry", v, language),
        "provinces": lambda v: i18n.name("province", v, language),
        "partners": lambda v: i18n.name("partner", v, language),
        "partner_kinds": lambda v: i18n.partner_kind(v, language),
        "meeting_types": lambda v: i18n.meeting_type(v, language),
        "semesters": str,
    }


def _as_date(value) -> date | None:
    return value if isinstance(value, date) else None


def _clear() -> None:
    """Button callback: empty every filter widget (runs before the next script run)."""
    for field in fields(Filters):
        st.session_state[WIDGET[field.name]] = [] if field.name in LIST_FIELDS else None


def _write_url(filters: Filters, language: str) -> None:
    """Mirror the filters and language into the URL, so a copied link reproduces the view."""
    wanted = {**filters.to_query_params(), **({"lang": language} if language != "en" else {})}
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    normal = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


def filter_on_select(event, field: str, filters: Filters, chart_key: str) -> None:
    """Chart click -> filter: the clicked items' keys (customdata[0]) become `field`; reruns the page."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    keys = tuple(dict.fromkeys(str(p["customdata"][0]) for p in points
                               if p.get("customdata") and p["customdata"][0] not in (None, queries.OTHER)))
    seen_key = f"ui_seen_{chart_key}"
    if not keys or st.session_state.get(seen_key) == keys:
        return
    st.session_state[seen_key] = keys  # the chart keeps its selection; apply each new one once
    if getattr(filters, field) != keys:
        st.session_state[PENDING] = replace(filters, **{field: keys})
        st.rerun()


def label(kind: str, key) -> str:
    """Display text of one value: kind is ministry/province/partner/type/kind/other (plain text)."""
    language = lang()
    if is_missing(key):
        return i18n.t("value.none", language)
    if key == queries.OTHER:
        return i18n.t("value.other", language)
    if kind == "type":
        return i18n.meeting_type(key, language)
    if kind == "kind":
        return i18n.partner_kind(key, language)
    if kind in ("ministry", "province", "partner"):
        return i18n.name(kind, key, language)
    return str(key)


def neutral_colors() -> dict[str, str]:
    """Grey for the "(none)" and "Other" groups, so named groups keep the palette's colours."""
    return {label("other", None): charts.NEUTRAL["none"], label("other", queries.OTHER): charts.NEUTRAL["other"]}


def labelled(frame: pd.DataFrame, column: str, kind: str, into: str = "label") -> pd.DataFrame:
    """A copy of `frame` with `into` = display text of `column` (keys stay for click-to-filter)."""
    out = frame.copy()
    out[into] = [label(kind, v) for v in out[column]]
    return out


def table(frame: pd.DataFrame, spec: list[tuple[str, str, str | None]]) -> pd.DataFrame:
    """Columns for display: (column, header string key, name kind or None); lists become '·'-joined;
    empty cells show BLANK, not 'None'."""
    out = pd.DataFrame(index=frame.index)
    for column, header, kind in spec:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.date  # meeting dates are days; no 00:00:00
        if kind:
            values = [_cell(kind, cell) for cell in values]
        out[t(header)] = values
    return blank_missing(out.reset_index(drop=True))


def _cell(kind: str, value) -> str:
    """One table cell of names: a list '·'-joined; nothing known is BLANK (legends say '(none)')."""
    if _is_list(value):
        return " · ".join(label(kind, v) for v in value) or BLANK
    return BLANK if is_missing(value) else label(kind, value)


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Text/date columns with BLANK in empty cells (Streamlit would print 'None'); numbers stay numbers."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object and values.map(is_missing).any():
            # all text then: a column of dates and dashes would not convert to Arrow
            out[column] = [BLANK if is_missing(v) else v if isinstance(v, str) else str(v) for v in values]
    return out


def is_missing(value) -> bool:
    """None, NaN, NaT or pd.NA (a list is never missing, even when empty)."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _is_list(value) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str)

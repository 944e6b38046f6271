"""Weekly review: pick an ISO week -> the briefing (numbers, charts, breakdowns, semester reviews,
meetings) with one-click PowerPoint and printable HTML downloads."""

import streamlit as st

from analytics import charts, deck, report, ui
from analytics.explore_view import names_in


def week_picker(weeks: list[str], lab: dict) -> str:
    """Select box: the last complete week first, then the weeks that hold meetings (newest first)."""
    options = list(dict.fromkeys([report.last_complete_week(), *weeks]))

    months = ui.months()  # plotly/strftime month names are English only

    def label(week: str) -> str:
        start, end = report.parse_week(week)
        return f"{week} ({start.day} {months[start.month - 1]} – {end.day} {months[end.month - 1]} {end.year})"

    return st.selectbox(lab["week"], options, key="weekly_week", format_func=label)


def downloads(b: report.Briefing, lang: str) -> None:
    """PPTX (built on click: charts take a browser) and HTML download buttons."""
    stem = f"weekly_review_{b.week}"
    left, right = st.columns(2)
    left.download_button(
        ui.t("weekly.pptx"), data=lambda: deck.build_deck(b, lang=lang), file_name=f"{stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="weekly_pptx", on_click="ignore", type="primary")
    right.download_button(
        ui.t("weekly.html"), data=lambda: report.briefing_html(b, lang).encode("utf-8"),
        file_name=f"{stem}.html", mime="text/html", key="weekly_html", on_click="ignore")


def numbers(b: report.Briefing, lab: dict) -> None:
    """Headline figures; meetings compared with the previous four-week average."""
    items = list(b.headline.items())
    cols = [*st.columns(4), *st.columns(4)]  # two rows: seven Khmer labels in one row were cut to "…"
    for col, (key, value) in zip(cols, items, strict=False):
        delta = report.change_text(b.n_meetings, b.prev_avg) if key == "meetings" else None
        col.metric(lab[f"h_{key}"], value, delta=delta or None, border=True)


def named(df, key: str, lang: str):
    """Breakdown with Khmer names when the page is in Khmer ("Unknown" too)."""
    if lang == "km" and not df.empty:
        unknown = ui.t("value.unknown")
        df = df.assign(**{key: [km or (unknown if en == "Unknown" else en)
                                for en, km in zip(df[key], df["name_km"].fillna(""), strict=True)]})
    return df[[key, "meetings"]]


def on_screen(fig):
    """A deck chart with the dashboard's projector-size fonts (Streamlit's theme shrinks axis text);
    the average's label gets a backdrop so it stays readable over the bars."""
    return charts.style(fig, height=fig.layout.height or 440).update_annotations(
        bgcolor="rgba(255,255,255,0.85)", font_size=charts.FONT_SIZE)


def shown(df, lab: dict):
    """A briefing table as displayed: headers in the page language, empty cells as '–'."""
    return ui.blank_missing(df.rename(columns={c: lab.get(c, c) for c in df.columns}))


with ui.warehouse() as con:
    filters = ui.page_start(con, "weekly")
    lang = ui.lang()
    lab = report.labels(lang)
    weeks = ui.cached(report.weeks_with_meetings, con, filters)
    week = week_picker(weeks, lab)
    b = ui.cached(report.load_briefing, con, filters, week=week, lang=lang)
    downloads(b, lang)
    numbers(b, lab)
    if b.n_meetings == 0:
        st.info(lab["no_meetings"] + (" " + lab["latest_week"].format(week=weeks[0]) if weeks else ""))
    st.subheader(lab["frequency"])
    st.plotly_chart(on_screen(deck.frequency_figure(b, lang)), key="weekly_frequency")
    left, right = st.columns(2)
    left.subheader(lab["by_ministry"])
    left.dataframe(shown(named(b.by_ministry, "ministry", lang), lab), hide_index=True)
    right.subheader(lab["by_province"])
    right.dataframe(shown(named(b.by_province, "province", lang), lab), hide_index=True)
    st.subheader(lab["partners_chart"])
    if b.partners.empty:
        st.caption(lab["no_partners"])
    else:
        st.plotly_chart(on_screen(deck.partners_figure(b, lang)), key="weekly_partners")
    st.subheader(f"{lab['semester_progress']} · {b.semester}")
    st.caption(lab["semester_note"])
    reviews = names_in(b.reviews, {"organiser": "ministry"}, lang)  # ministries in Khmer on the Khmer page
    st.dataframe(shown(reviews.assign(status=b.reviews["status"].map(lab.get)), lab), hide_index=True)
    st.subheader(lab["meetings_list"])
    places = b.meetings["province_km"] if lang == "km" else b.meetings["province"]
    meetings = names_in(b.meetings, {"organiser": "ministry", "partners": "partner"}, lang)
    st.dataframe(shown(meetings.assign(province=places.fillna(b.meetings["province"]))
                       .drop(columns=["province_km", "meeting_id"]), lab), hide_index=True)

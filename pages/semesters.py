"""Semester-report progress page: which units held a review for each semester, when, and who has not yet."""

from datetime import date

import streamlit as st

from analytics import charts, reviews, ui

UNITS = ("ministry", "province", "organizer")

with ui.warehouse() as con:
    filters = ui.page_start(con, "semesters")
    by = st.segmented_control(ui.t("semesters.by"), UNITS, default="ministry", key="semesters_by",
                              format_func=lambda u: ui.t(f"semesters.by_{u}")) or "ministry"
    kind = by if by != "organizer" else "other"

    progress = ui.cached(reviews.semester_progress, con, filters, by=by)
    st.subheader(ui.t("semesters.grid"))
    if progress.empty:
        st.info(ui.t("empty.no_reviews"))
    else:
        grid = ui.labelled(progress, "unit", kind)
        st.plotly_chart(charts.progress_grid(grid, "semester", "label", ui.t("col.days_after")),
                        config=charts.PLOTLY_CONFIG, key="semesters_grid")

    options = ui.options(con)
    latest = min(date.today(), options["date_max"] or date.today())
    due = reviews.last_complete_semester(latest)
    choices = sorted({due, *options["semesters"]}, reverse=True)
    semester = st.selectbox(ui.t("semesters.check"), choices, index=choices.index(due),
                            key="semesters_check")
    missing = ui.cached(reviews.semester_missing, con, filters, by=by, semester=semester)
    st.subheader(ui.t("semesters.missing", semester=semester))
    if missing.empty:
        st.success(ui.t("semesters.all_held", unit=ui.t(f"semesters.by_{by}"), semester=semester))
    else:
        missing = missing.assign(last_semester=missing["last_semester"].fillna(ui.t("semesters.never")))
        st.dataframe(ui.table(missing, [("unit", f"semesters.by_{by}", kind),
                                        ("last_semester", "semesters.last", None)]),
                     hide_index=True, width="stretch")

    if not progress.empty:
        st.subheader(ui.t("semesters.held"))
        st.dataframe(ui.table(progress, [
            ("unit", f"semesters.by_{by}", kind), ("semester", "col.semester", None),
            ("review_date", "col.date", None), ("days_after", "col.days_after", None),
            ("reviews", "col.meetings", None)]), hide_index=True, width="stretch")

    st.subheader(ui.t("semesters.periodic"))
    periodic = ui.cached(reviews.periodic_reviews, con, filters)
    if periodic.empty:
        st.info(ui.t("empty.no_reviews"))
    else:
        st.dataframe(ui.table(periodic, [
            ("meeting_type", "col.type", "type"), ("period", "col.period", None),
            ("meetings", "col.meetings", None), ("units", "col.organizer", "ministry")]),
            hide_index=True, width="stretch")

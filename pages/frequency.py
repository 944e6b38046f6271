"""Meeting frequency page: meetings per week or month, by lead ministry and by province, and a calendar."""

import streamlit as st

from analytics import charts, queries, ui

with ui.warehouse() as con:
    filters = ui.page_start(con, "frequency")
    left, right = st.columns(2)
    freq = left.segmented_control(ui.t("freq.per"), ["week", "month"], default="month",
                                  format_func=lambda f: ui.t(f"freq.{f}"), key="frequency_freq")
    freq = freq or "month"
    top_n = right.slider(ui.t("freq.top_n"), 3, 15, 8, key="frequency_top_n")
    period = ui.t(f"col.{freq}")

    total = ui.cached(queries.meetings_over_time, con, filters, freq=freq)
    ui.stop_if_empty(total)
    st.subheader(ui.t("freq.total"))
    labels = {"period": period, "meetings": ui.t("col.meetings")}
    st.plotly_chart(charts.stacked_bars(total, "period", "meetings", None, labels, months=ui.months(), freq=freq),
                    config=charts.PLOTLY_CONFIG, key="frequency_total")

    st.caption(ui.t("click.hint"))
    for by, field in (("ministry", "ministries"), ("province", "provinces")):
        st.subheader(ui.t(f"freq.by_{by}"))
        frame = ui.labelled(ui.cached(queries.meetings_over_time, con, filters, freq=freq, by=by,
                                      top_n=top_n), "grp", by)
        labels = {"period": period, "meetings": ui.t("col.meetings"), "label": ui.t(f"col.{by}")}
        event = st.plotly_chart(charts.stacked_bars(frame, "period", "meetings", "label", labels, "grp",
                                                    ui.neutral_colors(), ui.months(), freq),
                                config=charts.PLOTLY_CONFIG, key=f"frequency_by_{by}",
                                on_select="rerun", selection_mode="points")
        ui.filter_on_select(event, field, filters, f"frequency_by_{by}")

    st.subheader(ui.t("freq.calendar"))
    years = ui.cached(queries.meeting_years, con, filters)["year"].tolist()
    if years:
        year = st.selectbox(ui.t("freq.year"), years, key="frequency_year")
        days = ui.cached(queries.meetings_per_day, con, filters, year=int(year))
        weekdays = ui.t("freq.weekdays").split(",")
        st.plotly_chart(charts.calendar(days, weekdays, ui.t("col.meetings"), ui.months()),
                        config=charts.PLOTLY_CONFIG, key="frequency_calendar")

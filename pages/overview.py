"""Overview page: headline numbers with change vs the previous period, and the latest meetings."""

import pandas as pd
import streamlit as st

from analytics import queries, ui

with ui.warehouse() as con:
    filters = ui.page_start(con, "overview")
    heads = ui.cached(queries.headline, con, filters)
    before = queries.previous_period(filters)
    for column, row in zip(st.columns(len(heads)), heads.itertuples(), strict=True):
        delta = None if pd.isna(row.previous) else int(row.value - row.previous)
        column.metric(ui.t(f"metric.{row.metric}"), f"{row.value:,}", delta, border=True)
    if before:
        st.caption(ui.t("metric.vs_previous", start=before[0].isoformat(), end=before[1].isoformat()))
    else:
        st.caption(ui.t("metric.pick_range"))

    latest = ui.cached(queries.latest_meetings, con, filters, n=15)
    ui.stop_if_empty(latest)
    st.subheader(ui.t("overview.latest"))
    st.dataframe(ui.table(latest, [
        ("meeting_date", "col.date", None), ("title", "col.title", None),
        ("lead_ministry", "col.ministry", "ministry"), ("organizer", "col.organizer", None),
        ("province", "col.province", "province"), ("meeting_type", "col.type", "type"),
        ("partners", "col.partners", "partner"),
    ]), hide_index=True, width="stretch",  # a narrower title leaves room for province, type, partners
        column_config={ui.t("col.title"): st.column_config.TextColumn(width="large")})

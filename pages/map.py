"""Provinces map page: meetings per province as bubbles on province centres, drawn offline."""

import streamlit as st

from analytics import charts, queries, ui

with ui.warehouse() as con:
    filters = ui.page_start(con, "map")
    counts = ui.cached(queries.province_counts, con, filters)
    ui.stop_if_empty(counts[counts["meetings"] > 0])
    unplaced = int(counts.loc[counts["province"].isna(), "meetings"].sum())
    placed = counts[counts["lat"].notna() & (counts["meetings"] > 0)]
    left, right = st.columns(2)
    left.metric(ui.t("map.title"), f"{int(placed['meetings'].sum()):,}", border=True)
    right.metric(ui.t("col.no_province"), f"{unplaced:,}", border=True)
    if placed.empty:
        st.info(ui.t("empty.no_places"))
        st.stop()

    points = ui.labelled(placed, "province", "province").assign(size=placed["meetings"] ** 0.5)
    st.caption(ui.t("click.hint"))
    event = st.plotly_chart(charts.province_map(points, "label", ui.t("col.meetings")),
                            config=charts.PLOTLY_CONFIG, key="map_provinces", on_select="rerun",
                            selection_mode="points")
    ui.filter_on_select(event, "provinces", filters, "map_provinces")
    st.caption(ui.t("map.note"))

    listed = counts[counts["province"].notna()]
    names = ([("name_km", "col.province", None), ("province", "map.name_en", None)] if ui.lang() == "km"
             else [("province", "col.province", None), ("name_km", "map.name_km", None)])  # own script first
    st.dataframe(ui.table(listed.assign(code=listed["province_code"]), [
        *names, ("code", "map.code", None), ("meetings", "col.meetings", None)]), hide_index=True, width="stretch",
        column_config={ui.t("col.meetings"): st.column_config.NumberColumn(format="localized")})

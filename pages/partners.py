"""Partners page: who takes part and how often, with which ministries and provinces, over time, together."""

import streamlit as st

from analytics import charts, queries, ui

with ui.warehouse() as con:
    filters = ui.page_start(con, "partners")
    ranking = ui.cached(queries.partner_ranking, con, filters, top_n=25)
    ui.stop_if_empty(ranking, "empty.no_partners")

    st.subheader(ui.t("partners.ranking"))
    st.caption(ui.t("click.hint"))
    ranking = ui.labelled(ui.labelled(ranking, "partner", "partner"), "kind", "kind", "kind_label")
    colors = {ui.label("kind", kind): color for kind, color in charts.KIND_COLORS.items()}
    labels = {"meetings": ui.t("col.meetings"), "label": ui.t("col.partner"),
              "kind_label": ui.t("col.kind")}
    event = st.plotly_chart(
        charts.ranking_bars(ranking, "label", "meetings", "kind_label", labels, "partner", colors),
        config=charts.PLOTLY_CONFIG, key="partners_ranking", on_select="rerun", selection_mode="points")
    ui.filter_on_select(event, "partners", filters, "partners_ranking")

    tabs = st.tabs([ui.t("partners.by_ministry"), ui.t("partners.by_province"),
                    ui.t("partners.trend"), ui.t("partners.cooccurrence")])
    for tab, by in zip(tabs[:2], ("ministry", "province"), strict=True):
        matrix = ui.cached(queries.partner_matrix, con, filters, by=by, top_n=12)
        if matrix.empty:
            tab.info(ui.t("partners.no_matrix", unit=ui.t(f"col.{by}").lower()))
            continue
        matrix = ui.labelled(ui.labelled(matrix, "partner", "partner", "p"), "unit", by, "u")
        tab.plotly_chart(charts.heatmap(matrix, "u", "p", "meetings", {"color": ui.t("col.meetings")}),
                         config=charts.PLOTLY_CONFIG, key=f"partners_by_{by}")

    trend = ui.labelled(ui.cached(queries.partner_trend, con, filters, freq="month", top_n=6),
                        "partner", "partner")
    labels = {"period": ui.t("col.month"), "meetings": ui.t("col.meetings"), "label": ui.t("col.partner")}
    tabs[2].plotly_chart(charts.stacked_bars(trend, "period", "meetings", "label", labels,
                                             color_map=ui.neutral_colors(), months=ui.months()),
                         config=charts.PLOTLY_CONFIG, key="partners_trend")

    pairs = ui.cached(queries.partner_pairs, con, filters, top_n=12)
    if pairs.empty:
        tabs[3].info(ui.t("empty.no_pairs"))
    else:
        pairs = ui.labelled(ui.labelled(pairs, "partner", "partner", "p"), "other", "partner", "o")
        tabs[3].plotly_chart(charts.heatmap(pairs, "o", "p", "meetings", {}),
                             config=charts.PLOTLY_CONFIG, key="partners_pairs")

    st.dataframe(ui.table(ranking, [
        ("partner", "col.partner", "partner"), ("kind", "col.kind", "kind"),
        ("meetings", "col.meetings", None), ("ministries", "col.lead_ministries", None),
        ("provinces", "col.provinces", None), ("first_seen", "col.first_seen", None),
        ("last_seen", "col.last_seen", None)]), hide_index=True, width="stretch")

"""Data quality page: extraction coverage, the review queue, rejected inputs, ingest runs, corrections."""

import streamlit as st

from analytics import explore, quality, ui
from analytics.explore_view import coverage_table, plain_table, review_table, show_detail
from analytics.export import export_buttons

with ui.warehouse() as con:
    filters = ui.page_start(con, "quality")
    docs = dict(quality.document_counts(con).itertuples(index=False))
    rejected = quality.rejected_inputs(con)
    figures = {
        "quality.documents": sum(docs.values()),
        "quality.meeting_docs": docs.get("meeting", 0),
        "quality.other_docs": docs.get("not_meeting", 0),
        "quality.rejected_count": len(rejected),
    }
    for column, (key, value) in zip(st.columns(len(figures)), figures.items(), strict=True):
        column.metric(ui.t(key), f"{value:,}", border=True)

    st.subheader(ui.t("quality.coverage"))
    coverage = ui.cached(quality.field_coverage, con, filters)
    if int(coverage["total"].iloc[0]) == 0:
        st.info(ui.t("empty.no_rows"))
    else:
        st.dataframe(coverage_table(coverage), hide_index=True, key="quality_coverage", height="content",
                     column_config={ui.t("quality.share"): st.column_config.ProgressColumn(
                         format="%.1f%%", min_value=0, max_value=100),
                         ui.t("col.meetings"): st.column_config.NumberColumn(format="localized")})

    queue = ui.cached(quality.review_queue, con, filters)
    n_queue = ui.cached(quality.review_queue_count, con, filters)
    st.subheader(ui.t("quality.review", n=f"{n_queue:,}"))
    if n_queue > len(queue):
        st.caption(ui.t("quality.review_more", shown=len(queue)))
    if queue.empty:
        st.success(ui.t("quality.review_empty"))
    else:
        export_buttons(queue, "review_queue", filters, key="quality_review_export", lang=ui.lang(),
                       sheet="Review queue")
        event = st.dataframe(review_table(queue), hide_index=True, width="stretch", key="quality_review",
                             on_select="rerun", selection_mode="single-row", column_config={
                                 ui.t("col.title"): st.column_config.TextColumn(width="large")})
        picked = [r for r in event.selection.rows if r < len(queue)]
        if picked:
            with st.container(border=True):
                show_detail(explore.meeting_detail(con, str(queue.iloc[picked[0]]["meeting_id"])), "quality")

    st.subheader(ui.t("quality.rejected"))
    if rejected.empty:
        st.caption(ui.t("quality.rejected_empty"))
    else:
        st.dataframe(plain_table(rejected), hide_index=True, width="stretch", key="quality_rejected")

    st.subheader(ui.t("quality.runs"))
    runs = quality.ingest_runs(con)
    if runs.empty:
        st.caption(ui.t("quality.runs_empty"))
    else:
        st.dataframe(plain_table(runs), hide_index=True, width="stretch", key="quality_runs")

    st.subheader(ui.t("quality.corrections"))
    st.markdown(quality.corrections_help(ui.lang()))
    applied = quality.applied_corrections(con)
    if not applied.empty:
        st.dataframe(plain_table(applied), hide_index=True, width="stretch", key="quality_corrections")

"""Explorer page: the filtered meetings table, Khmer full-text search, export, one meeting's detail."""

import streamlit as st

from analytics import explore, ui
from analytics.explore_view import explorer_display, md, show_detail
from analytics.export import export_buttons

LIMIT = 1000  # rows drawn in the browser (newest first); the CLI export has no limit

with ui.warehouse() as con:
    filters = ui.page_start(con, "explorer")
    search = st.text_input(ui.t("explorer.search"), key="explorer_search",
                           help=ui.t("explorer.search_help")).strip()
    total = ui.cached(explore.count_meetings, con, filters, search=search or None)
    table = ui.cached(explore.meetings_table, con, filters, search=search or None,
                      lang=ui.lang(), limit=LIMIT)
    if table.empty:
        st.info(ui.t("explorer.no_match", query=md(search)) if search else ui.t("empty.no_rows"))
        st.stop()
    if total > len(table):
        st.caption(ui.t("explorer.truncated", shown=len(table), n=total))
    else:
        st.caption(ui.t("explorer.count", n=total))
    export_buttons(table, "meetings", filters, key="explorer_export", lang=ui.lang())
    event = st.dataframe(explorer_display(table, ui.lang()), key="explorer_table", on_select="rerun", selection_mode="single-row",
                         hide_index=True, width="stretch", column_config={
                             table.columns[1]: st.column_config.TextColumn(width="large")})  # the title
    rows = [r for r in event.selection.rows if r < len(table)]
    if not rows:
        st.info(ui.t("explorer.pick"))
        st.stop()
    st.divider()
    show_detail(explore.meeting_detail(con, str(table.iloc[rows[0]]["meeting_id"])))

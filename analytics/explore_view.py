"""Read-layer results -> Streamlit elements for the Explorer, Data quality and Add articles pages."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import explore, i18n, ui

KHMER = re.compile("[\u1780-\u17ff]")
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")
# Fields of the detail view: (meetings_flat column, name kind for a Khmer rendering or None).
DETAIL_FIELDS = (
    ("meeting_date", None), ("date_text", None), ("province", "province"),
    ("lead_ministry", "ministry"), ("ministries", "ministry"), ("organizer", None), ("chair", None),
    ("chair_title", None), ("partners", "partner"), ("semester", None), ("period", None),
    ("meeting_type", "type"), ("online", None), ("participants", None), ("confidence", None),
    ("n_sources", None),
)


def md(text) -> str:
    """Article or user text made inert for Streamlit markdown (titles, labels, alerts): no links,
    emphasis, LaTeX ($), colour/icon shortcodes (:red[...]) or HTML; one line."""
    return MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _plain(value) -> str:
    """Cell text: lists joined, missing values as the tables' dash."""
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return ui.BLANK
    if hasattr(value, "__len__") and not isinstance(value, str):
        return " · ".join(map(str, value)) or ui.BLANK
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def _khmer(kind: str, value) -> str:
    """Khmer rendering of a ministry/province/partner/type value (or list); '' when none is known."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    items = list(value) if hasattr(value, "__len__") and not isinstance(value, str) else [value]
    names = [i18n.meeting_type(v, "km") if kind == "type" else i18n.name(kind, v, "km") for v in items]
    return " · ".join(n for n in names if KHMER.search(n))


def detail_table(fields: dict) -> pd.DataFrame:
    """The meeting's fields as rows: field label, value, and the Khmer name where there is one."""
    rows = []
    for name, kind in DETAIL_FIELDS:
        value = fields.get(name)
        if kind == "type" and isinstance(value, str):
            value = i18n.meeting_type(value, "en")
            khmer = _khmer(kind, fields.get(name))
        else:
            khmer = _khmer(kind, value) if kind else ""
        label = ui.t(f"field.{name}") if f"field.{name}" in i18n.strings() else name
        rows.append({ui.t("detail.field"): label, ui.t("detail.value"): _plain(value),
                     ui.t("detail.value_km"): khmer})
    return pd.DataFrame(rows)


def show_detail(detail: explore.MeetingDetail | None, page: str = "explorer") -> None:
    """Fields, every source article with its evidence highlighted (escaped HTML), corrections."""
    if detail is None:
        st.warning(ui.t("detail.gone"))
        return
    fields = detail.fields
    st.subheader(md(fields.get("title") or ui.t("detail.heading", meeting_id=fields["meeting_id"])))
    corrected = [] if fields.get("corrected_fields") is None else list(fields["corrected_fields"])
    st.caption(f"{ui.t('col.meeting_id')} {fields['meeting_id']}"
               + (" · " + ui.t("detail.corrected", fields=", ".join(corrected)) if corrected else ""))
    st.dataframe(detail_table(fields), hide_index=True, width="stretch", height="content",
                 key=f"{page}_detail_fields")
    for row in detail.conflicts.itertuples(index=False):
        st.warning(ui.t("detail.conflict", field=md(row.field), values=md(" / ".join(row.values_seen))))
    st.markdown(f"**{ui.t('detail.sources', n=len(detail.sources))}**")
    st.caption(ui.t("detail.evidence_note"))
    for i, doc in enumerate(detail.sources.itertuples(index=False)):
        show_source(doc, detail.evidence[detail.evidence["doc_id"] == doc.doc_id], expanded=i == 0)
    st.markdown(f"**{ui.t('detail.corrections')}**")
    if detail.corrections.empty:
        st.caption(ui.t("detail.no_corrections"))
    else:
        st.dataframe(plain_table(detail.corrections), hide_index=True, width="stretch")


def show_source(doc, evidence: pd.DataFrame, expanded: bool = False) -> None:
    """One source document: where it came from, its text with highlighted evidence, the evidence rows."""
    with st.expander(md(doc.title or doc.source), expanded=expanded):
        meta = [doc.source, doc.url, doc.published, doc.status, f"doc_id {doc.doc_id}"]
        st.caption(" · ".join(md(_plain(m)) for m in meta if m is not None and not pd.isna(m)))
        st.html(explore.highlight_html(doc.text, explore.locate_spans(doc.text, evidence)))
        if not evidence.empty:
            st.dataframe(plain_table(evidence.drop(columns="doc_id")), hide_index=True, width="stretch")


def names_in(frame: pd.DataFrame, kinds: dict[str, str], lang: str, sep: str = ", ") -> pd.DataFrame:
    """Columns of English keys ({column: ministry/province/partner}, lists joined by `sep`) shown by
    their Khmer names on the Khmer page; names without a Khmer form stay as they are."""
    if lang != "km" or frame.empty:
        return frame

    def khmer(kind: str, value) -> str:
        if ui.is_missing(value) or value == "":
            return value
        whole = i18n.name(kind, value, "km")  # the whole value first: a ministry's name may hold ", "
        return whole if whole != value else sep.join(i18n.name(kind, k, "km") for k in str(value).split(sep))

    return frame.assign(**{c: [khmer(kind, v) for v in frame[c]] for c, kind in kinds.items()})


def explorer_display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Explorer table as drawn: partners named in Khmer on the Khmer page (the export keeps the
    English keys, as for provinces and ministries), empty cells as '–'."""
    header = next(km for sql, _, km in explore.COLUMNS if sql == "pp.partners")
    if lang == "km" and header in table.columns:
        table = names_in(table, {header: "partner"}, lang, sep="; ")
        order = list(table.columns)  # a Khmer reader sees the Khmer name first, its English after
        for english in [c for c in order if c.endswith(" (EN)") and c[:-5] in order]:
            order.remove(english)
            order.insert(order.index(english[:-5]) + 1, english)
        table = table[order]
    return ui.blank_missing(table)


def plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A read-layer frame for display: headers in the page language (col.<name> strings), times to
    the minute, days without 00:00, empty cells as '–'."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            times = out[column]
            daily = (times.dropna() == times.dropna().dt.normalize()).all()
            out[column] = times.dt.strftime("%Y-%m-%d" if daily else "%Y-%m-%d %H:%M")
    headers = {c: ui.t(f"col.{c}") for c in out.columns if f"col.{c}" in i18n.strings()}
    return ui.blank_missing(out.rename(columns=headers))


def reasons_text(reasons) -> str:
    """The review queue's '; '-joined reasons in the page language ('sources disagree on X' too)."""
    if ui.is_missing(reasons):
        return ui.BLANK
    return " · ".join(_reason(r) for r in str(reasons).split("; "))


def _reason(reason: str) -> str:
    head, on, fields = reason.partition(" on ")
    key = f"reason.{head}{on.rstrip()}"
    if key not in i18n.strings():
        return reason
    names = [ui.t(f"field.{f}") if f"field.{f}" in i18n.strings() else f for f in fields.split(", ") if f]
    return " ".join([ui.t(key), ", ".join(names)]).strip()


def review_table(queue: pd.DataFrame) -> pd.DataFrame:
    """The review queue as shown: translated headers, names in the page language, reasons in words."""
    return ui.table(queue.assign(reasons=[reasons_text(r) for r in queue["reasons"]]), [
        ("meeting_date", "col.date", None), ("title", "col.title", None),
        ("province", "col.province", "province"), ("lead_ministry", "col.ministry", "ministry"),
        ("organizer", "col.organizer", None), ("confidence", "col.confidence", None),
        ("n_sources", "col.n_sources", None), ("reasons", "col.reasons", None),
        ("meeting_id", "col.meeting_id", None)])


def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows with translated field labels and a percentage share."""
    return pd.DataFrame({
        ui.t("detail.field"): [ui.t(f"field.{f}") for f in coverage["field"]],
        ui.t("col.meetings"): coverage["meetings"].astype(int),
        ui.t("quality.share"): (coverage["share"] * 100).round(1),
    })


def show_summary(summary) -> None:
    """The ingest summary as metrics, and each rejected input as an error naming the reason."""
    st.markdown(f"**{ui.t('add.summary')}**")
    figures = {
        "add.files_seen": summary.files_seen,
        "add.files_new": summary.files_new + summary.files_changed,
        "add.files_unchanged": summary.files_unchanged,
        "quality.rejected_count": summary.files_rejected,
        "add.meetings_added": summary.meetings_added,
        "add.meetings_updated": summary.meetings_updated + summary.meetings_merged,
    }
    for column, (key, value) in zip(st.columns(len(figures)), figures.items(), strict=True):
        column.metric(ui.t(key), f"{value:,}")
    for source, reason in summary.rejected:
        st.error(ui.t("add.rejected", source=md(Path(source).name), reason=md(reason)))


def show_records(records: pd.DataFrame, evidence: pd.DataFrame) -> None:
    """Per uploaded document: what the warehouse now holds, and the article with its evidence."""
    st.markdown(f"**{ui.t('add.records')}**")
    if records.empty:
        st.info(ui.t("add.no_documents"))
        return
    for row in records.itertuples(index=False):
        if row.status != "meeting" or row.meeting_id is None or pd.isna(row.meeting_id):
            st.warning(ui.t("add.not_meeting", source=md(Path(row.source).name)))
            continue
        with st.container(border=True):
            st.markdown(f"**{md(row.title or Path(row.source).name)}** · {ui.t('col.meeting_id')} `{row.meeting_id}`")
            corrected = [] if row.corrected_fields is None else list(row.corrected_fields)
            if corrected:
                st.caption(ui.t("detail.corrected", fields=", ".join(corrected)))
            st.dataframe(detail_table(row._asdict()), hide_index=True, width="stretch", height="content")
            doc_evidence = evidence[evidence["doc_id"] == row.doc_id]
            st.html(explore.highlight_html(row.text, explore.locate_spans(row.text, doc_evidence)))

"""The filtered meetings as SQL CTEs (`fm`, `fmin`, `fpar`) and the one function that runs a query body
over them, on the base tables, the fact tables or (unfiltered) the count tables of etl/aggregates.py."""

import duckdb
import pandas as pd

from analytics import db
from analytics.filters import Filters

# After `fm`: participating ministries (listed plus lead; a pair can repeat, so count DISTINCT) and
# partners of the filtered meetings. NOT MATERIALIZED: DuckDB would otherwise copy them whole.
CTES = """, fmin AS NOT MATERIALIZED (
    SELECT mm.meeting_id, mm.ministry FROM meeting_ministries mm SEMI JOIN fm USING (meeting_id)
    UNION ALL SELECT meeting_id, lead_ministry FROM fm WHERE lead_ministry IS NOT NULL)
, fpar AS NOT MATERIALIZED (
    SELECT mp.meeting_id, mp.partner, mp.partner_kind FROM meeting_partners mp SEMI JOIN fm USING (meeting_id))"""

# Without filters every row counts: skip the semi joins (a third of the time at 1M meetings).
CTES_ALL = """, fmin AS NOT MATERIALIZED (
    SELECT meeting_id, ministry FROM meeting_ministries
    UNION ALL SELECT meeting_id, lead_ministry FROM meetings WHERE lead_ministry IS NOT NULL)
, fpar AS NOT MATERIALIZED (SELECT meeting_id, partner, partner_kind FROM meeting_partners)"""


# With the read-side tables (etl/aggregates.py): the same CTEs from the fact tables, which carry the
# filter columns on every row (no join to the list tables) and are ordered by date.
# fm names its columns: a materialised copy of every fact column (titles, lists) costs seconds.
# meeting_id is the integer meeting_key here, so the bodies' joins compare integers; meeting_ref is the id.
FACT_CTES = """WITH fm AS {kept} (SELECT m.meeting_key AS meeting_id, m.meeting_id AS meeting_ref, m.meeting_date,
    m.province, m.lead_ministry, m.organizer, m.semester, m.period, m.meeting_type, m.partners
    FROM meeting_facts m WHERE {where})
, fmin AS NOT MATERIALIZED (SELECT m.meeting_key AS meeting_id, m.ministry FROM ministry_facts m WHERE {where})
, fpar AS NOT MATERIALIZED (SELECT m.meeting_key AS meeting_id, m.partner, m.partner_kind
    FROM partner_facts m WHERE {where})"""


def mode_for(con: duckdb.DuckDBPyConnection, filters: Filters) -> str:
    """'cubes' (no filters; count tables usable), 'facts' (filters; fact tables usable) or 'base'."""
    if not db.has_aggregates(con):
        return "base"
    return "cubes" if filters.is_empty() else "facts"


def frame(con: duckdb.DuckDBPyConnection, filters: Filters, body: str, params=(),
           mode: str | None = None, reused: bool = False) -> pd.DataFrame:
    """Run `body` (fixed SQL that reads CTE `fm`, the filtered meetings) with the filter's bound values."""
    if (mode or mode_for(con, filters)) != "base":
        predicate, where_params = filters.where("m", facts=True)
        # Most bodies read fm once: unmaterialised, their own conditions reach the scan; a body that
        # reads it several times (reused) evaluates the filter once.
        kept = "MATERIALIZED" if reused and not filters.is_empty() else "NOT MATERIALIZED"
        sql = FACT_CTES.format(kept=kept, where=predicate) + body
        return con.execute(sql, [*where_params * 3, *params]).df()
    predicate, where_params = filters.where("m")
    # Safe: the predicate is built from fixed fragments by Filters.where(); every value is bound.
    # Unfiltered, fm is the whole table: copying it costs more than reading it again. Filtered, it is
    # usually small and read several times: evaluate the filter (its IN lists) once.
    ctes, kept = (CTES_ALL, "NOT MATERIALIZED") if filters.is_empty() else (CTES, "MATERIALIZED")
    sql = f"WITH fm AS {kept} (SELECT m.* FROM meetings m WHERE " + predicate + ")" + ctes + body  # noqa: S608
    return con.execute(sql, [*where_params, *params]).df()

"""Read side of the warehouse: DuckDB file -> filters, queries, names and figures for the dashboard pages."""

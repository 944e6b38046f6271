"""Khmer meeting reports (txt/html/jsonl/csv) -> structured meeting records -> DuckDB."""

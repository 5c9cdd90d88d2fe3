"""Screening a register with the rule base compiled to SQL (DuckDB); see docs in README "Screening"."""

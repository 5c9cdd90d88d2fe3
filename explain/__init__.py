"""Explanation graphs and their renderers (shipped as cplaw.explain)."""

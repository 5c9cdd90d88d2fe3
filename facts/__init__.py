"""Fact vocabulary, JSON Schemas of the two contracts and sample profiles (data; shipped as cplaw.facts)."""

"""The Lark grammar of the cplaw rule language (data; shipped as cplaw.grammar)."""

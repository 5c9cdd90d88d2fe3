"""cplaw: China's cleaner-production audit law (清洁生产审核) as Datalog rules, with explanations."""

__version__ = "0.1.0"

from . import _source_tree  # noqa: E402  (before anything imports cplaw.facts, cplaw.grammar, cplaw.explain)

_source_tree.register()

from .api import Assessment, RuleBase  # noqa: E402
from .errors import AsOfError, CplawError, ProfileError, RuleError  # noqa: E402

__all__ = ["Assessment", "AsOfError", "CplawError", "ProfileError", "RuleBase", "RuleError"]

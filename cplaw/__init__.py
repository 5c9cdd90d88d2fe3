"""cplaw: China's cleaner-production audit law (清洁生产审核) as Datalog rules, with explanations."""

from .api import Assessment, RuleBase
from .errors import AsOfError, CplawError, ProfileError, RuleError

__all__ = ["Assessment", "AsOfError", "CplawError", "ProfileError", "RuleBase", "RuleError"]
__version__ = "0.1.0"

"""kamlib: Key Account Management analysis on CRM/ERP exports.

Everything public is re-exported here explicitly; nothing runs at import.
"""

from kamlib.config import Config, read_config
from kamlib.errors import ConfigError, InputError, KamlibError, Problem

__all__ = [
    "Config",
    "ConfigError",
    "InputError",
    "KamlibError",
    "Problem",
    "read_config",
]

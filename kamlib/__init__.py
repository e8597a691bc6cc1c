"""kamlib: Key Account Management analysis on CRM/ERP exports.

Everything public is re-exported here explicitly; nothing runs at import.
"""

from kamlib.config import Config, read_config
from kamlib.errors import ConfigError, InputError, KamlibError, Problem
from kamlib.workspace import Workspace, load_workspace, resolve_workspace

__all__ = [
    "Config",
    "ConfigError",
    "InputError",
    "KamlibError",
    "Problem",
    "Workspace",
    "load_workspace",
    "read_config",
    "resolve_workspace",
]

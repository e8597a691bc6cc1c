"""kamlib: Key Account Management analysis on CRM/ERP exports.

Everything public is re-exported here explicitly; nothing runs at import. The package is layered,
each folder one layer, and a layer imports only the layers before it (docs/architecture.md):
``errors``/``schema``/``window``/``cells`` (the vocabulary), ``load`` (kam.toml, reading, parsing,
the validated workspace), ``portfolio`` (the sales engine, ABC-XYZ, key clients, profitability,
churn, scoring), ``account`` (dossier, decision-making unit, targets, pricing, proposal, follow-up,
contact plan, the brief and the development plan), ``words`` (sentences and number formats),
``plots``, ``widgets``, ``report`` (safe HTML, the notebook export and its gate, PDF, spreadsheets,
safe paths) and ``run`` (the report run); ``cli`` on top.
"""

from kamlib.account.brief import MeetingBrief, meeting_brief
from kamlib.account.dmu import dmu_coverage, dmu_roster
from kamlib.account.dossier import Dossier, account_dossier
from kamlib.account.plan import DevelopmentPlan, development_plan, plan_pipeline
from kamlib.account.pricing import what_if
from kamlib.account.summary import AccountSummary, account_summary
from kamlib.account.targets import plan_target
from kamlib.errors import ArgumentError, ConfigError, InputError, KamlibError, Problem, SetupError
from kamlib.language import use_language
from kamlib.load.config import Config, read_config
from kamlib.load.workspace import Workspace, load_workspace, resolve_workspace
from kamlib.portfolio.abcxyz import (
    ABC_CLASSIC,
    PRESETS,
    STRATEGIES,
    XYZ_CLASSIC,
    XYZ_CLIENTS,
    abc_classes,
    abc_xyz,
    abc_xyz_matrix,
    migration,
    xyz_classes,
)
from kamlib.portfolio.churn import client_status, losses, period_status, win_back, yoy_change
from kamlib.portfolio.clients import (
    Dependence,
    client_shares,
    client_types,
    dependence,
    key_client_criteria,
    key_clients,
)
from kamlib.portfolio.profitability import (
    WhalePeak,
    abc_cross,
    client_pnl,
    loss_makers,
    whale_curve,
    whale_peak,
)
from kamlib.portfolio.sales import SalesCube, sales_by_period, sales_cube
from kamlib.portfolio.scoring import (
    Competitiveness,
    competitiveness,
    qualify_prospects,
    sales_interest,
    strategy_quadrants,
)
from kamlib.portfolio.shares import round_shares
from kamlib.report.elements import table
from kamlib.report.spreadsheet import export_targets, safe_csv, safe_xlsx

__all__ = [
    "ABC_CLASSIC",
    "PRESETS",
    "STRATEGIES",
    "XYZ_CLASSIC",
    "XYZ_CLIENTS",
    "Competitiveness",
    "Config",
    "ArgumentError",
    "ConfigError",
    "Dependence",
    "AccountSummary",
    "DevelopmentPlan",
    "Dossier",
    "InputError",
    "KamlibError",
    "MeetingBrief",
    "Problem",
    "SetupError",
    "WhalePeak",
    "Workspace",
    "abc_classes",
    "abc_cross",
    "abc_xyz",
    "abc_xyz_matrix",
    "client_pnl",
    "client_shares",
    "client_status",
    "client_types",
    "competitiveness",
    "dependence",
    "development_plan",
    "dmu_coverage",
    "dmu_roster",
    "account_dossier",
    "account_summary",
    "export_targets",
    "key_client_criteria",
    "key_clients",
    "load_workspace",
    "loss_makers",
    "losses",
    "meeting_brief",
    "migration",
    "period_status",
    "plan_target",
    "qualify_prospects",
    "read_config",
    "resolve_workspace",
    "round_shares",
    "safe_csv",
    "safe_xlsx",
    "sales_by_period",
    "sales_cube",
    "SalesCube",
    "sales_interest",
    "strategy_quadrants",
    "table",
    "whale_curve",
    "whale_peak",
    "what_if",
    "win_back",
    "xyz_classes",
    "yoy_change",
    "use_language",
]

# issue 13: beyond sales (service, payments, contracts, big deals)
from kamlib.account.risks import (  # noqa: E402
    BeyondSales,
    beyond_sales,
    key_account_risks,
    risks_by_manager,
)
from kamlib.portfolio.contracts import contract_deadlines, contract_terms  # noqa: E402
from kamlib.portfolio.deals import STAGE_PROBABILITY, deal_pipeline, open_deals  # noqa: E402
from kamlib.portfolio.payments import CAPITAL_RATE, payment_behaviour  # noqa: E402
from kamlib.portfolio.service import service_before, service_levels, service_trend  # noqa: E402

__all__ += [
    "BeyondSales",
    "CAPITAL_RATE",
    "STAGE_PROBABILITY",
    "beyond_sales",
    "contract_deadlines",
    "contract_terms",
    "deal_pipeline",
    "key_account_risks",
    "open_deals",
    "payment_behaviour",
    "plan_pipeline",
    "risks_by_manager",
    "service_before",
    "service_levels",
    "service_trend",
]

"""One account: the dossier, the meeting brief and the development plan, and their parts.

One concept per module; imports flow one way (top to bottom may import what is above it):

- :mod:`~kamlib.account.deprecation`: old keyword spellings (``window_months``)
- :mod:`~kamlib.account.dmu`: the decision-making unit (roster, coverage)
- :mod:`~kamlib.account.dossier`: account info, revenue history, timeline, competitors,
  share of wallet, and the :class:`Dossier` assembler
- :mod:`~kamlib.account.targets`: baseline, next-year targets, seasonality, stages, plan vs actual
- :mod:`~kamlib.account.contacts`: contact cadence, contact plan, budget
- :mod:`~kamlib.account.pricing`: negotiation limits, what-if
- :mod:`~kamlib.account.proposal`: proposal arguments, draft proposal, audiences
- :mod:`~kamlib.account.followup`: previous actions, tender windows, follow-up schedule
- :mod:`~kamlib.account.brief`: financial report and the :class:`MeetingBrief` assembler
- :mod:`~kamlib.account.plan`: cross-sell and the :class:`DevelopmentPlan` assembler
"""

from kamlib.account.brief import FinancialReport, MeetingBrief, financial_report, meeting_brief
from kamlib.account.contacts import (
    CONTACT_CADENCE,
    CONTACT_COSTS,
    KEY_TYPE_CADENCE,
    XYZ_CADENCE,
    contact_budget,
    contact_cadence,
    contact_plan,
)
from kamlib.account.dmu import ATTITUDES, DMU_ROLES, dmu_coverage, dmu_roster
from kamlib.account.dossier import (
    Dossier,
    account_dossier,
    account_info,
    competitors_at,
    relationship_timeline,
    revenue_history,
    share_of_wallet,
    tender_history,
)
from kamlib.account.followup import follow_up_schedule, previous_actions, tender_windows
from kamlib.account.plan import DevelopmentPlan, cross_sell, development_plan
from kamlib.account.pricing import negotiation_limits, what_if
from kamlib.account.proposal import (
    AUDIENCES,
    ROLE_AUDIENCE,
    Proposal,
    draft_proposal,
    proposal_arguments,
)
from kamlib.account.targets import (
    baseline,
    next_year_targets,
    plan_vs_actual,
    seasonality,
    stage_targets,
)

__all__ = [
    "ATTITUDES",
    "AUDIENCES",
    "CONTACT_CADENCE",
    "CONTACT_COSTS",
    "DMU_ROLES",
    "KEY_TYPE_CADENCE",
    "ROLE_AUDIENCE",
    "XYZ_CADENCE",
    "DevelopmentPlan",
    "Dossier",
    "FinancialReport",
    "MeetingBrief",
    "Proposal",
    "account_dossier",
    "account_info",
    "baseline",
    "competitors_at",
    "contact_budget",
    "contact_cadence",
    "contact_plan",
    "cross_sell",
    "development_plan",
    "dmu_coverage",
    "dmu_roster",
    "draft_proposal",
    "financial_report",
    "follow_up_schedule",
    "meeting_brief",
    "negotiation_limits",
    "next_year_targets",
    "plan_vs_actual",
    "previous_actions",
    "proposal_arguments",
    "relationship_timeline",
    "revenue_history",
    "seasonality",
    "share_of_wallet",
    "stage_targets",
    "tender_history",
    "tender_windows",
    "what_if",
]

"""Words: every sentence, label and number format of the reports, one file per domain.

The files mirror :mod:`kamlib.plots`: ``abcxyz``, ``clients`` (key clients, types, criteria,
Pareto), ``profitability``, ``churn``, ``scoring``, ``dossier``, ``meeting``, ``proposal``, ``plan``, ``settings``
(any report), ``summary`` (what ``kam summary`` prints). Number formats live in
:mod:`kamlib.words.numbers`, client names in :mod:`kamlib.words.labels`.

Every sentence function takes the frame an analysis returns and gives back plain text; a notebook
shows it with :func:`kamlib.report.elements.paragraph`, which escapes it. Notebooks call them as
``words.xxx_sentence(...)`` after ``from kamlib import words``.

Examples
--------
>>> from kamlib import words
>>> words.notes_sentence(())
'Every table this report uses is present.'
"""

from kamlib.words.abcxyz import (
    abc_xyz_sentence,
    migration_sentence,
    reclassified_sentence,
)
from kamlib.words.churn import (
    losses_sentence,
    status_sentence,
    win_back_sentence,
    win_back_table,
)
from kamlib.words.clients import (
    criteria_sentence,
    dependence_sentences,
    dependence_table,
    key_clients_sentence,
    key_clients_table,
    pareto_sentence,
    types_sentence,
)
from kamlib.words.dossier import (
    coverage_sentence,
    financial_sentence,
    product_mix_sentence,
    share_of_wallet_sentence,
    timeline_table,
)
from kamlib.words.glance import glance_table  # noqa: E402
from kamlib.words.meeting import (
    actions_sentence,
    tenders_sentence,
)
from kamlib.words.plan import (
    baseline_sentence,
    budget_sentence,
    cross_sell_sentence,
    plan_table,
    plan_vs_actual_sentence,
    seasonality_sentence,
    targets_sentence,
)
from kamlib.words.profitability import (
    abc_cross_sentence,
    loss_makers_sentence,
    whale_peak_sentence,
    whale_sentence,
)
from kamlib.words.proposal import (
    proposal_sentence,
)
from kamlib.words.scoring import (
    competitiveness_sentence,
    prospects_sentence,
    quadrants_sentence,
    quadrants_table,
)
from kamlib.words.settings import (
    conventions_sentence,
    notes_sentence,
    settings_sentence,
    window_label,
)
from kamlib.words.summary import (
    portfolio_summary,
)

__all__ = [
    "whale_peak_sentence",
    "dependence_sentences",
    "dependence_table",
    "abc_cross_sentence",
    "abc_xyz_sentence",
    "actions_sentence",
    "baseline_sentence",
    "budget_sentence",
    "competitiveness_sentence",
    "coverage_sentence",
    "criteria_sentence",
    "cross_sell_sentence",
    "financial_sentence",
    "key_clients_sentence",
    "key_clients_table",
    "loss_makers_sentence",
    "losses_sentence",
    "migration_sentence",
    "notes_sentence",
    "pareto_sentence",
    "plan_vs_actual_sentence",
    "portfolio_summary",
    "product_mix_sentence",
    "proposal_sentence",
    "prospects_sentence",
    "quadrants_sentence",
    "quadrants_table",
    "reclassified_sentence",
    "seasonality_sentence",
    "settings_sentence",
    "conventions_sentence",
    "glance_table",
    "window_label",
    "share_of_wallet_sentence",
    "timeline_table",
    "plan_table",
    "status_sentence",
    "targets_sentence",
    "tenders_sentence",
    "types_sentence",
    "whale_sentence",
    "win_back_sentence",
    "win_back_table",
]

# B6 (issue 10): unknown is not none; column labels and cell formats
from kamlib.words.columns import cell_text, column_kind, column_label  # noqa: E402
from kamlib.words.labels import client_title  # noqa: E402
from kamlib.words.missing import (  # noqa: E402
    cost_coverage,
    cost_known,
    if_recorded,
    missing_data,
    missing_data_lines,
    missing_data_sentence,
    missing_data_table,
)
from kamlib.words.numbers import date_text  # noqa: E402

__all__ += [
    "cell_text",
    "client_title",
    "column_kind",
    "column_label",
    "cost_coverage",
    "cost_known",
    "date_text",
    "if_recorded",
    "missing_data",
    "missing_data_lines",
    "missing_data_table",
    "missing_data_sentence",
]

# issue 13: beyond sales (service, payments, contracts, big deals)
from kamlib.words.contracts import contracts_sentence, renewals_sentence  # noqa: E402
from kamlib.words.deals import pipeline_sentence, plan_pipeline_sentence  # noqa: E402
from kamlib.words.payments import capital_sentence, payment_sentence  # noqa: E402
from kamlib.words.risks import (  # noqa: E402
    beyond_act_on_lines,
    key_risks_sentence,
    key_risks_table,
    not_known_sentence,
)
from kamlib.words.service import service_loss_sentence, service_sentence  # noqa: E402

__all__ += [
    "beyond_act_on_lines",
    "capital_sentence",
    "contracts_sentence",
    "key_risks_sentence",
    "key_risks_table",
    "not_known_sentence",
    "payment_sentence",
    "pipeline_sentence",
    "plan_pipeline_sentence",
    "renewals_sentence",
    "service_loss_sentence",
    "service_sentence",
]

"""A realistic, made-up KAM portfolio for demos, notebooks and tests; and large benchmark files.

:func:`generate_sample` builds every canonical table of :mod:`kamlib.schema` for about 150 B2B
accounts of an industrial supplier over three calendar years (2023-2025, analysis date
2025-12-31). The structure is fixed (which account carries which planted phenomenon, see
:data:`PLANTED` and ``data/README.md``); the seed drives everything else (sizes of the ordinary
accounts, order dates, amounts, texts), through one :class:`numpy.random.Generator`.

:func:`write_sample` writes the tables as CSV plus a ``kam.toml`` (byte-identical for a seed);
:func:`write_transactions` writes a large transactions file in bounded memory for benchmarks.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import TABLES

__all__ = ["PLANTED", "SAMPLE_AS_OF", "generate_sample", "write_sample", "write_transactions"]

SAMPLE_AS_OF = "2025-12-31"
"""Analysis date of the sample portfolio (also written to its ``kam.toml``)."""

_FIRST_MONTH = "2023-01"
_N_MONTHS = 36
_REGIONS = ("North", "South", "East", "West", "Central")
_MANAGERS = ("Anna Becker", "Jonas Weber", "Sofia Rossi", "Lukas Novak", "Marta Kowalska")
_SCORE_CATEGORIES = (
    "image",
    "distribution channels",
    "supply channels",
    "logistics",
    "product range",
    "sales organisation",
)
_SCORE_DATES = ("2024-06-30", "2025-06-30")

# The key accounts, largest first: (account_id, buying pattern, name, industry).
# Patterns: steady (monthly, low CV), seasonal (yearly cycle), erratic (few large orders),
# lost (steady, then stops in the first half of 2025), new (first purchase in 2025).
_KEY_ACCOUNTS = (
    ("C0027", "steady", "Hartmann Industrietechnik GmbH", "Machinery"),
    ("C0105", "steady", "Vandenberg Food Group BV", "Food & Beverage"),
    ("C0009", "lost", "Castellano Automoción SA", "Automotive"),
    ("C0061", "seasonal", "GreenLeaf Garden Centres Ltd", "Retail"),
    ("C0112", "steady", "Baltic Cargo Hub AS", "Logistics"),
    ("C0054", "lost", "Müller Logistik GmbH", "Logistics"),
    ("C0018", "steady", "Kessler Bau AG", "Construction"),
    ("C0088", "lost", "Precision Castings plc", "Automotive"),
    ("C0131", "lost", "Medisan Kliniken GmbH", "Healthcare"),
    ("C0036", "seasonal", "Alpine Ski Resorts AG", "Hospitality"),
    ("C0143", "erratic", "Nordic Shipyards Oy", "Machinery"),
    ("C0079", "steady", "Böhm & Söhne Maschinenbau KG", "Machinery"),
    ("C0003", "steady", "Stadtwerke Rheinau", "Public sector"),
    ("C0097", "seasonal", "Sunfield Agro Cooperative", "Food & Beverage"),
    ("C0120", "steady", "Lefèvre Emballages SARL", "Retail"),
    ("C0045", "erratic", "Oceanic Offshore Services Ltd", "Energy"),
    ("C0066", "steady", "Kessler Tiefbau GmbH", "Construction"),
    ("C0073", "steady", "Polaris Chemicals NV", "Chemicals"),
    ("C0140", "seasonal", "Fjord Aqua Farms AS", "Food & Beverage"),
    ("C0012", "steady", "Trattoria Group SpA", "Hospitality"),
    ("C0058", "steady", "Zeta Pharma s.r.o.", "Healthcare"),
    ("C0084", "seasonal", "Costa Beach Hotels SL", "Hospitality"),
    ("C0126", "steady", "Kessler Facility Services GmbH", "Construction"),
    ("C0101", "new", "Voltaris Energy Systems GmbH", "Energy"),
)
_PROSPECTS = (
    "C0007", "C0022", "C0031", "C0039", "C0049", "C0070", "C0082", "C0093",
    "C0108", "C0115", "C0123", "C0129", "C0137", "C0146", "C0150",
)  # fmt: skip
_QUALIFIED = ("C0022", "C0049", "C0093", "C0123", "C0146")  # need, solvency and authority
_NEW = ("C0101", "C0034", "C0068", "C0090", "C0111", "C0134", "C0147", "C0148")
_SMALL_LOST = ("C0015", "C0052", "C0077", "C0118")  # small clients lost in 2023-2024
_GROUPS = {
    "G01": ("C0018", "C0066", "C0126"),
    "G02": ("C0040", "C0041"),
    "G03": ("C0095", "C0096", "C0099", "C0104"),
    "G04": ("C0020", "C0087"),
    "G05": ("C0062", "C0113", "C0138"),
}
_IMAGE_MAKERS = ("C0105", "C0061", "C0003", "C0097")
_EXPERTS = ("C0027", "C0079", "C0140", "C0045")
_LOST_REASONS = {
    "C0009": "lost the 2025 framework tender to NordSupply AG on price",
    "C0054": "purchasing centralised at the new owner's headquarters",
    "C0015": "client closed its plant",
    "C0052": "switched to a cheaper online supplier",
    "C0077": "repeated late deliveries",
}
_STATUS_LOST = ("C0009", "C0054", "C0088", *_SMALL_LOST)  # C0131 is still "client" in the CRM

PLANTED: dict[str, tuple[str, ...]] = {
    "key_accounts": tuple(a for a, *_ in _KEY_ACCOUNTS),
    "breadwinner": ("C0027",),
    "loss_making": ("C0112",),
    "lost_key_clients": ("C0009", "C0054", "C0088", "C0131"),
    "new_clients": _NEW,
    "prospects": _PROSPECTS,
    "qualified_prospects": _QUALIFIED,
    "small_lost_clients": _SMALL_LOST,
    "seasonal_key_accounts": tuple(a for a, p, *_ in _KEY_ACCOUNTS if p == "seasonal"),
    "erratic_key_accounts": tuple(a for a, p, *_ in _KEY_ACCOUNTS if p == "erratic"),
    "single_contact": ("C0073",),
    "no_decision_maker": ("C0140",),
    "group_G01": _GROUPS["G01"],
    "image_makers": _IMAGE_MAKERS,
    "experts": _EXPERTS,
    "poor_service": ("C0088",),
    "late_deliveries": ("C0088", "C0077"),
    "slow_payer": ("C0009",),
    "notice_before_meeting": ("C0105",),
    "large_open_deal": ("C0027",),
}
"""Account ids carrying each planted phenomenon (the same for every seed)."""

# Products: (category, name, list price); unit cost = list price x the category's cost ratio.
_COST_RATIO = {
    "Packaging": 0.76,
    "Fasteners": 0.56,
    "Tools": 0.64,
    "Safety": 0.58,
    "Hygiene": 0.69,
    "Electrical": 0.63,
}
_PRODUCTS = (
    ("Packaging", "Stretch film 500 mm x 300 m", 14.90),
    ("Packaging", "Corrugated box 400x300x300 (pack of 20)", 23.50),
    ("Packaging", "Machine stretch film 2000 m", 89.00),
    ("Packaging", "Packing tape 50 mm (6 rolls)", 9.80),
    ("Packaging", "Air cushion film roll", 42.00),
    ("Packaging", "Euro pallet, new", 16.50),
    ("Packaging", "PET strapping kit 16 mm", 118.00),
    ("Fasteners", "Hex bolt M8x40 8.8 (box of 200)", 21.40),
    ("Fasteners", "Hex nut M8 (box of 500)", 12.60),
    ("Fasteners", "Wood screw 5x60 (box of 500)", 18.90),
    ("Fasteners", "Anchor bolt M12 (box of 50)", 64.00),
    ("Fasteners", "Threaded rod M10, 1 m (10 pcs)", 27.50),
    ("Fasteners", "Stainless washer set (1000 pcs)", 34.00),
    ("Fasteners", "Rivet assortment (1200 pcs)", 45.00),
    ("Tools", "Cordless drill 18 V", 189.00),
    ("Tools", "Angle grinder 125 mm", 129.00),
    ("Tools", 'Socket set 1/2" (94 pcs)', 245.00),
    ("Tools", "Torque wrench 40-200 Nm", 312.00),
    ("Tools", "Cutting disc 125 mm (25 pcs)", 31.50),
    ("Tools", "HSS drill bit set (25 pcs)", 48.00),
    ("Tools", "Workbench with drawers", 890.00),
    ("Safety", "Safety helmet EN 397", 17.90),
    ("Safety", "Cut-resistant gloves (12 pairs)", 58.00),
    ("Safety", "Anti-fog safety goggles", 11.40),
    ("Safety", "Earmuffs SNR 30 dB", 24.90),
    ("Safety", "Safety shoes S3 (pair)", 79.00),
    ("Safety", "Hi-vis vest (10 pcs)", 36.00),
    ("Safety", "Fall arrest harness kit", 265.00),
    ("Hygiene", "Paper towels 2-ply (32 rolls)", 38.50),
    ("Hygiene", "Hand soap 5 l", 16.80),
    ("Hygiene", "Surface disinfectant 1 l (12 bottles)", 54.00),
    ("Hygiene", "Nitrile gloves (box of 100)", 8.90),
    ("Hygiene", "Industrial wipes (6 rolls)", 72.00),
    ("Hygiene", "Floor cleaner concentrate 10 l", 46.00),
    ("Electrical", "Installation cable 3x1.5 mm2 (100 m)", 74.00),
    ("Electrical", "LED panel 60x60 40 W", 39.00),
    ("Electrical", "Circuit breaker B16 (12 pcs)", 41.50),
    ("Electrical", "Cable reel 50 m", 96.00),
    ("Electrical", "Cable ties 300 mm (1000 pcs)", 19.90),
    ("Electrical", "Junction box IP65 (20 pcs)", 52.00),
)
_CATEGORIES = tuple(_COST_RATIO)

_INDUSTRIES = {
    "Automotive": ("Automotive", "Fahrzeugteile"),
    "Food & Beverage": ("Foods", "Lebensmittel"),
    "Construction": ("Bau", "Construction"),
    "Logistics": ("Logistik", "Logistics"),
    "Retail": ("Handel", "Retail"),
    "Healthcare": ("Medical", "Klinikservice"),
    "Chemicals": ("Chemie", "Chemicals"),
    "Machinery": ("Maschinenbau", "Engineering"),
    "Hospitality": ("Hotels", "Gastro"),
    "Energy": ("Energie", "Power"),
    "Public sector": ("Kommunalservice", "Public Services"),
}
_BRAND_HEADS = (
    "Nord", "Süd", "West", "Ost", "Alpen", "Rhein", "Elb", "Main", "Isar", "Hansa",
    "Donau", "Weser", "Mosel", "Baltic", "Spree", "Oder", "Saale", "Inn", "Lech", "Ems", "Ruhr",
)  # fmt: skip
_BRAND_TAILS = ("tec", "werk", "tron", "form", "pack", "star", "line", "plan", "con", "mark")
_LEGAL = ("GmbH", "GmbH", "AG", "KG", "GmbH & Co. KG", "Ltd", "BV", "SA", "s.r.o.", "Sp. z o.o.")

_FIRST_NAMES = (
    "Anna", "Thomas", "Katrin", "Michael", "Julia", "Stefan", "Laura", "Markus", "Sophie",
    "Daniel", "Elena", "Pieter", "Marco", "Ingrid", "Lars", "Chiara", "Jan", "Agnieszka",
    "Pavel", "Isabel", "Olivier", "Hanna", "Mehmet", "Fatima", "Oliver", "Claire", "Niklas",
    "Eva", "Rafael", "Sanne",
)  # fmt: skip
_LAST_NAMES = (
    "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Hoffmann", "Schulz", "Koch",
    "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Jansen", "de Vries",
    "Rossi", "Bianchi", "Dubois", "Laurent", "García", "Martínez", "Nowak", "Kowalski",
    "Novák", "Svensson", "Nielsen", "O'Brien", "Yılmaz", "Lindgren",
)  # fmt: skip
_TITLES = {
    "decision maker": ("Managing Director", "Head of Procurement", "Chief Operating Officer"),
    "influencer": ("Head of Production", "Plant Manager", "Technical Director"),
    "buyer": ("Purchasing Manager", "Senior Buyer", "Category Buyer"),
    "approver": ("Chief Financial Officer", "Finance Director"),
    "user": ("Warehouse Lead", "Maintenance Supervisor", "Site Manager"),
    "gatekeeper": ("Executive Assistant", "Office Manager"),
}
_INFLUENCE = {
    "decision maker": (4, 5),
    "influencer": (3, 4),
    "buyer": (2, 3),
    "approver": (3, 4),
    "user": (1, 2),
    "gatekeeper": (1, 2),
}
_ATTITUDES = ("champion", "supporter", "neutral", "sceptic", "opponent")
_FAMILY = (
    "married, two children", "married", "single", "partner, one son",
    "divorced, one daughter", "married, three children", "partner",
)  # fmt: skip
_HOBBIES = (
    "sailing", "road cycling", "golf", "chess", "marathon running", "skiing", "photography",
    "gardening", "football (season ticket)", "jazz", "cooking", "mountain hiking",
)  # fmt: skip
_NOTES = (
    "prefers short calls before 9:00",
    "vegetarian; avoid steak houses for dinners",
    "daughter started university in 2025",
    "former colleague of our CFO",
    "dislikes small talk, send the agenda in advance",
    "speaks German, French and Italian",
    "collects vintage watches",
    "joined from a competitor in 2022",
    "decides only after trial orders",
    "likes detailed technical data sheets",
)
_COMPETITORS = (
    "NordSupply AG", "Kronberg Industrial GmbH", "ProVend Europe", "Atlas Trade Group",
    "Vectra Distribution", "OmniParts Ltd", "Meridian Supplies", "Rapid Tools Direct",
)  # fmt: skip
_STRENGTHS = (
    "low prices on standard items", "warehouse close to the client", "very broad range",
    "e-procurement integration", "personal relationship with the head of purchasing",
    "next-day delivery", "own private-label range",
)  # fmt: skip
_WEAKNESSES = (
    "frequent stock-outs", "slow complaint handling", "no technical advice", "narrow range",
    "rigid payment terms", "surcharges on small orders",
)  # fmt: skip
_COLLEAGUES = {
    "Logistics": "Peter Braun",
    "Finance": "Claudia Vogel",
    "Quality": "Ahmed Yilmaz",
    "Customer Service": "Eva Lindqvist",
    "Product Management": "Tomasz Nowak",
}
_ACTIONS = (
    ("Send the updated price list for {cat}", "Sales"),
    ("Propose consignment stock for {cat}", "Logistics"),
    ("Analyse the late deliveries reported at the meeting", "Logistics"),
    ("Run a product training on {cat} for the client's staff", "Product Management"),
    ("Send samples of the new {cat} range", "Product Management"),
    ("Clarify open invoices and payment terms", "Finance"),
    ("Close the open quality complaint on {cat}", "Quality"),
    ("Set up EDI ordering", "Customer Service"),
    ("Send the draft framework agreement", "Sales"),
    ("Prepare a cross-selling offer for {cat}", "Sales"),
)
_MEETINGS = {
    "annual": (
        (
            "Annual meeting: reviewed {rev}, service levels and the client's plans for {year}",
            "Agreed the {year} volume target and a price adjustment of {pct} % from April",
            "Agreed to extend the framework agreement by one year",
            "Client asked for better terms; we offered a volume bonus instead of a discount",
        )
    ),
    "review": (
        (
            "Business review: delivery performance, open complaints and the {cat} range",
            "Delivery performance accepted; two complaints to be closed",
            "Client plans to standardise {cat} across sites; we will send an offer",
            "No changes; next review in six months",
        )
    ),
    "negotiation": (
        (
            "Negotiation of prices and terms for {cat}",
            "Agreed prices for {cat} until year end",
            "No agreement yet; client compares offers from competitors",
            "Agreed payment terms of 45 days in exchange for a volume commitment",
        )
    ),
    "visit": (
        (
            "Site visit: walked the warehouse and production with the {cat} users",
            "Identified savings from a consignment stock",
            "Client interested in on-site training",
            "Noted a competitor's products in use for {cat}",
        )
    ),
}
_TENDER_WON = (
    "best total cost of ownership",
    "delivery reliability and local stock",
    "broadest range",
)
_TENDER_LOST = (
    "price {pct} % above the winner",
    "competitor offered consignment stock",
    "specification favoured the competitor's brand",
)


# --------------------------------------------------------------------------------------------
# accounts and products


def _months() -> pd.DatetimeIndex:
    return pd.date_range(_FIRST_MONTH, periods=_N_MONTHS, freq="MS")


def _roster(rng: np.random.Generator) -> pd.DataFrame:
    """One row per account: role, pattern, planned annual revenue, discount."""
    ids = [f"C{i:04d}" for i in range(1, 151)]
    key = {a: (p, n, ind) for a, p, n, ind in _KEY_ACCOUNTS}
    special = set(key) | set(_PROSPECTS) | set(_NEW) | set(_SMALL_LOST)
    regular = [a for a in ids if a not in special]
    cycle = ("steady",) * 4 + ("seasonal",) * 3 + ("erratic",) * 3
    pattern = {a: cycle[i % len(cycle)] for i, a in enumerate(regular)}
    pattern.update({a: key[a][0] for a in key})
    pattern.update({a: "new" for a in _NEW})
    pattern.update({a: "churned" for a in _SMALL_LOST})
    pattern.update({a: "prospect" for a in _PROSPECTS})

    # size ranks: key accounts 1..24 in their order, everybody else who buys shuffled after them
    buyers_rest = [a for a in ids if a not in key and a not in _PROSPECTS]
    rank = {a: i + 1 for i, (a, *_) in enumerate(_KEY_ACCOUNTS)}
    rank.update(
        {
            a: len(key) + 1 + int(r)
            for a, r in zip(buyers_rest, rng.permutation(len(buyers_rest)), strict=True)
        }
    )
    df = pd.DataFrame({"account_id": ids})
    df["pattern"] = df["account_id"].map(pattern)
    df["rank"] = df["account_id"].map(rank)
    # Pareto-shaped sizes by rank, with some noise; the breadwinner gets a push
    noise = rng.lognormal(0.0, 0.08, len(df))
    base = 2_400_000.0 * ((df["rank"] + 3.0) / 4.0) ** -1.15 * noise
    base = base.where(df["account_id"] != "C0027", base / noise * 1.35)
    df["base"] = base.where(df["pattern"] != "prospect", 0.0)
    discount = 0.02 + 0.035 * np.log10(np.maximum(df["base"], 10_000.0) / 10_000.0)
    discount = np.clip(discount + rng.normal(0.0, 0.015, len(df)), 0.0, 0.14)
    df["discount"] = np.where(df["account_id"] == "C0112", 0.20, discount)
    df.loc[df["account_id"] == "C0027", "discount"] = 0.04
    return df


def _company_names(rng: np.random.Generator, industries: pd.Series) -> pd.Series:
    brands = np.array([h + t for h in _BRAND_HEADS for t in _BRAND_TAILS])
    picked = brands[rng.permutation(len(brands))[: len(industries)]]
    word = rng.integers(0, 2, len(industries))
    legal = np.array(_LEGAL)[rng.integers(0, len(_LEGAL), len(industries))]
    words = [_INDUSTRIES[i][w] for i, w in zip(industries, word, strict=True)]
    return pd.Series(
        [f"{b} {w} {g}" for b, w, g in zip(picked, words, legal, strict=True)],
        index=industries.index,
    )


def _accounts(roster: pd.DataFrame, first_buy: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    n = len(roster)
    acc = roster[["account_id"]].copy()
    industries = pd.Series(
        np.array(list(_INDUSTRIES))[rng.integers(0, len(_INDUSTRIES), n)], index=acc.index
    )
    key_industry = acc["account_id"].map({a: ind for a, _, _, ind in _KEY_ACCOUNTS})
    industries = key_industry.fillna(industries)
    key_name = acc["account_id"].map({a: name for a, _, name, _ in _KEY_ACCOUNTS})
    acc["name"] = key_name.fillna(_company_names(rng, industries))
    acc["parent_id"] = acc["account_id"].map(
        {a: g for g, members in _GROUPS.items() for a in members}
    )
    acc["region"] = np.array(_REGIONS)[rng.integers(0, len(_REGIONS), n)]
    acc["industry"] = industries
    acc["manager"] = np.array(_MANAGERS)[rng.integers(0, len(_MANAGERS), n)]
    # the accounts of group G01 share region and manager
    g01 = acc["account_id"].isin(_GROUPS["G01"])
    for col in ("region", "manager"):
        acc.loc[g01, col] = acc.loc[acc["account_id"].eq(_GROUPS["G01"][0]), col].iloc[0]
    old_since = pd.Timestamp("2004-01-01") + pd.to_timedelta(rng.integers(0, 19 * 365, n), unit="D")
    new_since = first_buy.reindex(acc["account_id"]).to_numpy() - pd.to_timedelta(
        rng.integers(10, 60, n), unit="D"
    )
    is_new = roster["pattern"].eq("new").to_numpy()
    since = np.where(is_new, new_since, old_since.to_numpy())
    acc["since"] = pd.Series(since, index=acc.index).where(roster["pattern"].ne("prospect"))
    acc["image_maker"] = acc["account_id"].isin(_IMAGE_MAKERS)
    acc["expert"] = acc["account_id"].isin(_EXPERTS)
    share_ours = rng.uniform(0.35, 0.85, n)
    budget = np.where(is_new, roster["base"] / 0.3, roster["base"] / share_ours)
    prospect = roster["pattern"].eq("prospect").to_numpy()
    budget = np.where(prospect, rng.lognormal(np.log(250_000), 0.9, n), budget)
    budget = np.where(acc["account_id"].isin(("C0049", "C0123")), budget + 1_500_000, budget)
    acc["potential_budget"] = np.round(budget, -3)
    acc["status"] = np.where(
        prospect, "prospect", np.where(acc["account_id"].isin(_STATUS_LOST), "lost", "client")
    )
    acc["lost_reason"] = acc["account_id"].map(_LOST_REASONS)
    qualified = acc["account_id"].isin(_QUALIFIED).to_numpy()
    flags = rng.random((n, 3)) < 0.6
    flags[qualified] = True
    unqualified = prospect & ~qualified
    flags[unqualified & flags.all(axis=1), rng.integers(0, 3)] = False
    for i, col in enumerate(("need", "solvency", "authority")):
        acc[col] = pd.array(np.where(prospect, flags[:, i], None), dtype="boolean")
    return acc


def _products(rng: np.random.Generator) -> pd.DataFrame:
    cat = [c for c, _, _ in _PRODUCTS]
    price = np.array([p for _, _, p in _PRODUCTS])
    ratio = np.array([_COST_RATIO[c] for c in cat]) * rng.uniform(0.96, 1.04, len(cat))
    return pd.DataFrame(
        {
            "product_id": [f"P{i:03d}" for i in range(1, len(_PRODUCTS) + 1)],
            "name": [n for _, n, _ in _PRODUCTS],
            "category": cat,
            "unit_cost": np.round(price * ratio, 2),
            "list_price": price,
        }
    )


# --------------------------------------------------------------------------------------------
# transactions


def _monthly_plan(roster: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Planned revenue per account (rows, roster order) and month (36 columns); 0 = no purchase."""
    n, m = len(roster), _N_MONTHS
    t = np.arange(m)
    monthly = roster["base"].to_numpy()[:, None] / 12.0
    pattern = roster["pattern"].to_numpy()
    growth = rng.normal(0.04, 0.06, n)
    growth = np.where(roster["account_id"].eq("C0027"), np.abs(growth) + 0.02, growth)[:, None]
    steady = monthly * np.exp(growth * t / 12.0) * rng.lognormal(0.0, 0.2, (n, m))

    peak = rng.integers(0, 12, n)[:, None]
    profile = np.maximum(0.0, 1.0 + 1.15 * np.cos(2 * np.pi * ((t % 12) - peak) / 12.0))
    seasonal = np.where(profile > 0.1, monthly * profile * rng.lognormal(0.0, 0.2, (n, m)), 0.0)

    orders = rng.integers(4, 10, n)
    chosen = np.argsort(rng.random((n, m)), axis=1).argsort(axis=1) < orders[:, None]
    recent = (m - 6) + rng.integers(0, 6, n)  # every erratic buyer orders once in H2 2025
    chosen[np.arange(n), recent] = True
    erratic = np.where(chosen, 3.0 * roster["base"].to_numpy()[:, None] / orders[:, None], 0.0)
    erratic = erratic * rng.lognormal(0.0, 0.35, (n, m))

    stop = np.where(pattern == "lost", 25 + rng.integers(0, 5, n), 6 + rng.integers(0, 15, n))
    fade = np.clip((stop[:, None] - t + 1) / 4.0, 0.0, 1.0) * 0.5 + 0.5  # decline before the stop
    stopping = np.where(t <= stop[:, None], steady * fade, 0.0)
    start = np.where(roster["account_id"].to_numpy() == "C0101", 25, 24 + rng.integers(1, 11, n))
    start = np.where(roster["account_id"].to_numpy() == "C0148", 34, start)  # too new to classify
    new = np.where(t >= start[:, None], monthly * rng.lognormal(0.0, 0.2, (n, m)), 0.0)

    plan = np.zeros((n, m))
    for name, values in (
        ("steady", steady),
        ("seasonal", seasonal),
        ("erratic", erratic),
        ("lost", stopping),
        ("churned", stopping),
        ("new", new),
    ):
        plan = np.where((pattern == name)[:, None], values, plan)
    return plan


def _business_days(rng: np.random.Generator, month: np.ndarray) -> np.ndarray:
    """A random business day in each given month index (0 = January 2023)."""
    starts = _months()
    days = pd.bdate_range(starts[0], starts[-1] + pd.offsets.MonthEnd(0))
    idx = np.searchsorted(days.to_numpy(), starts.to_numpy())
    count = np.diff(np.append(idx, len(days)))
    pick = idx[month] + (rng.random(len(month)) * count[month]).astype(int)
    return days.to_numpy()[pick]


def _preferences(
    roster: pd.DataFrame, products: pd.DataFrame, line_value: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Probability of each product (columns) on a line of each account (rows)."""
    n = len(roster)
    cats = products["category"].to_numpy()
    cat_w = rng.dirichlet(np.ones(len(_CATEGORIES)) * 0.6, n)
    keep = rng.random((n, len(_CATEGORIES))) < 0.6
    keep[np.arange(n), rng.integers(0, len(_CATEGORIES), n)] = True
    cat_w = cat_w * keep
    ids = roster["account_id"].to_numpy()
    cat_w[ids == "C0027"] = [0.0, 0.45, 0.2, 0.35, 0.0, 0.0]  # breadwinner: high-margin ranges
    cat_w[ids == "C0112"] = [0.75, 0.0, 0.0, 0.0, 0.25, 0.0]  # loss-maker: low-margin ranges
    cat_w = cat_w / cat_w.sum(axis=1, keepdims=True)
    price = products["list_price"].to_numpy()
    affordable = price[None, :] <= line_value[:, None] / 2.0
    cheapest = np.zeros(len(products), dtype=bool)
    for c in _CATEGORIES:  # six categories
        in_cat = np.flatnonzero(cats == c)
        cheapest[in_cat[np.argmin(price[in_cat])]] = True
    allowed = affordable | cheapest[None, :]
    col = np.array([_CATEGORIES.index(c) for c in cats])
    w = cat_w[:, col] * allowed
    per_cat = np.stack([w[:, cats == c].sum(axis=1) for c in _CATEGORIES], axis=1)
    return w / per_cat[:, col].clip(min=1e-12) * cat_w[:, col]


def _transactions(
    roster: pd.DataFrame, products: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Order lines and returns; region and account_name are added once the accounts exist."""
    plan = _monthly_plan(roster, rng)
    base = roster["base"].to_numpy()
    n_orders = np.where(plan > 0, np.clip(np.round(plan / 6_000.0), 1, 12), 0).astype(int)
    lam = np.clip(0.9 * np.log10(np.maximum(base, 1.0) / 8_000.0), 0.2, 3.2)
    lam = np.where(roster["pattern"].eq("erratic"), lam + 2.0, lam)
    line_value = plan.sum(axis=1) / np.maximum(n_orders.sum(axis=1), 1) / (1.0 + lam)

    acc_i, month_i = np.nonzero(n_orders)
    per_cell = n_orders[acc_i, month_i]
    o_acc = np.repeat(acc_i, per_cell)
    o_month = np.repeat(month_i, per_cell)
    cell = np.repeat(np.arange(len(acc_i)), per_cell)
    w = rng.exponential(1.0, len(o_acc)) + 0.3
    o_value = plan[o_acc, o_month] * w / np.bincount(cell, w)[cell]
    o_date = _business_days(rng, o_month)

    n_lines = 1 + rng.poisson(lam[o_acc])
    l_order = np.repeat(np.arange(len(o_acc)), n_lines)
    l_acc = o_acc[l_order]
    w = rng.exponential(1.0, len(l_order)) + 0.2
    l_value = o_value[l_order] * w / np.bincount(l_order, w)[l_order]
    pref = _preferences(roster, products, line_value, rng)
    cum = pref.cumsum(axis=1)
    u = rng.random(len(l_order))[:, None] * cum[l_acc, -1:]
    l_prod = np.minimum((cum[l_acc] < u).sum(axis=1), len(products) - 1)
    net = np.round(
        products["list_price"].to_numpy()[None, :] * (1 - roster["discount"].to_numpy()[:, None]), 2
    )
    qty = np.maximum(1.0, np.round(l_value / net[l_acc, l_prod]))

    lines = pd.DataFrame({"order": l_order, "acc": l_acc, "prod": l_prod, "quantity": qty})
    lines = lines.groupby(["order", "acc", "prod"], as_index=False)["quantity"].sum()
    lines["date"] = o_date[lines["order"].to_numpy()]
    # order numbers follow the calendar
    order_rank = pd.Series(o_date).rank(method="first").astype(int).to_numpy()
    lines["order_id"] = (
        "SO" + pd.Series(order_rank[lines["order"].to_numpy()] + 100_000).astype(str).to_numpy()
    )

    returns = _returns(lines, roster, rng)
    tx = pd.concat([lines, returns], ignore_index=True)
    a, p = tx["acc"].to_numpy(), tx["prod"].to_numpy()
    unit_cost = products["unit_cost"].to_numpy()
    out = pd.DataFrame(
        {
            "account_id": roster["account_id"].to_numpy()[a],
            "date": pd.to_datetime(tx["date"]).astype("datetime64[us]"),
            "revenue": np.round(tx["quantity"].to_numpy() * net[a, p], 2),
            "order_id": tx["order_id"],
            "product_id": products["product_id"].to_numpy()[p],
            "quantity": tx["quantity"].to_numpy(),
            "cost": np.round(tx["quantity"].to_numpy() * unit_cost[p], 2),
        }
    )
    out["gross_profit"] = np.round(out["revenue"] - out["cost"], 2)
    out["currency"] = "EUR"
    return out.sort_values(["date", "order_id", "product_id"], kind="stable", ignore_index=True)


def _returns(lines: pd.DataFrame, roster: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Credit-note lines: part of an earlier line sent back 5-20 days later."""
    pattern = roster["pattern"].to_numpy()[lines["acc"].to_numpy()]
    eligible = np.isin(pattern, ("steady", "seasonal")) & (
        lines["date"] < pd.Timestamp("2025-12-05")
    )
    eligible &= lines["quantity"].to_numpy() >= 2
    pick = np.flatnonzero(eligible & (rng.random(len(lines)) < 0.012))
    ret = lines.iloc[pick][["acc", "prod", "quantity", "date"]].copy()
    ret["quantity"] = -np.maximum(1.0, np.floor(ret["quantity"] * rng.uniform(0.1, 0.5, len(ret))))
    ret["date"] = ret["date"] + pd.to_timedelta(rng.integers(5, 21, len(ret)), unit="D")
    ret = ret.sort_values("date", kind="stable")
    ret["order_id"] = [f"CR{10_001 + i}" for i in range(len(ret))]
    return ret


# --------------------------------------------------------------------------------------------
# relationship tables (key accounts only)


def _pick(rng: np.random.Generator, options: tuple, size: int | None = None):
    idx = rng.integers(0, len(options), size)
    return options[idx] if size is None else [options[i] for i in idx]


def _contacts(accounts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    key = PLANTED["key_accounts"]
    lost = set(PLANTED["lost_key_clients"])
    rows = []
    for acc in (*key, *_QUALIFIED[:3]):  # a few prospects have a first contact too
        if acc == "C0073":
            n = 1
        elif acc in _QUALIFIED:
            n = 1 + int(rng.integers(0, 2))
        else:
            n = int(rng.integers(3 if acc == "C0140" else 2, 7))
        roles = [
            "decision maker",
            *_pick(rng, ("influencer", "buyer", "approver", "user", "gatekeeper"), n - 1),
        ]
        if acc == "C0140":
            roles[0] = "influencer"
        first_id = len(rows) + 1
        for j, role in enumerate(roles):
            if acc in lost:
                last = pd.Timestamp("2025-01-15") + pd.Timedelta(days=int(rng.integers(0, 160)))
            else:
                last = pd.Timestamp("2025-08-15") + pd.Timedelta(days=int(rng.integers(0, 135)))
            boss = "" if j == 0 else f"K{first_id + (0 if j < 3 else int(rng.integers(0, 2))):04d}"
            lo, hi = _INFLUENCE[role]
            rows.append(
                {
                    "contact_id": f"K{len(rows) + 1:04d}",
                    "account_id": acc,
                    "name": f"{_pick(rng, _FIRST_NAMES)} {_pick(rng, _LAST_NAMES)}",
                    "title": _pick(rng, _TITLES[role]),
                    "dmu_role": role,
                    "influence": float(rng.integers(lo, hi + 1)),
                    "attitude": _ATTITUDES[int(rng.choice(5, p=[0.2, 0.3, 0.3, 0.15, 0.05]))],
                    "reports_to": boss or None,
                    "last_contact": last,
                    "birthday": pd.Timestamp("1962-01-01")
                    + pd.Timedelta(days=int(rng.integers(0, 33 * 365))),
                    "family": _pick(rng, _FAMILY),
                    "hobbies": ", ".join(sorted(set(_pick(rng, _HOBBIES, 2)))),
                    "notes": _pick(rng, _NOTES),
                }
            )
    return pd.DataFrame(rows)


def _categories_bought(tx: pd.DataFrame, products: pd.DataFrame) -> pd.Series:
    """Per account, the product categories it buys, largest revenue first."""
    cat = tx["product_id"].map(products.set_index("product_id")["category"])
    rev = tx.assign(category=cat).groupby(["account_id", "category"])["revenue"].sum()
    rev = rev.reset_index().sort_values(["account_id", "revenue"], ascending=[True, False])
    return rev.groupby("account_id")["category"].agg(tuple)


def _meetings_and_actions(
    accounts: pd.DataFrame,
    tx: pd.DataFrame,
    contacts: pd.DataFrame,
    bought: pd.Series,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    as_of = pd.Timestamp(SAMPLE_AS_OF)
    last_buy = tx.groupby("account_id")["date"].max()
    first_buy = tx.groupby("account_id")["date"].min()
    yearly = tx.groupby(["account_id", tx["date"].dt.year])["revenue"].sum()
    manager = accounts.set_index("account_id")["manager"]
    people = contacts.groupby("account_id")["name"].agg(list)
    meetings, actions = [], []
    for acc in PLANTED["key_accounts"]:
        end = min(as_of, last_buy[acc] + pd.Timedelta(days=30))
        start = max(pd.Timestamp("2023-01-01"), first_buy[acc])
        for year in range(start.year, end.year + 1):
            plan = [("annual", 1, 20), ("review", 4, 6), ("visit", 6, 50), ("review", 9, 6)]
            plan.append(("review", 11, 25))
            if rng.random() < 0.5:
                plan.append(("negotiation", 10, 40))
            for kind, month, spread in plan:
                day = pd.Timestamp(year, month, 1) + pd.Timedelta(days=int(rng.integers(0, spread)))
                day = day + pd.offsets.BDay(0)
                if not start <= day <= end:
                    continue
                cat = _pick(rng, bought[acc])
                summary, *outcomes = _MEETINGS[kind]
                if (acc, year - 1) in yearly.index:
                    rev = f"{year - 1} revenue of EUR {yearly[(acc, year - 1)]:,.0f}"
                else:
                    rev = "last year's business"
                text = summary.format(year=year, rev=rev, cat=cat)
                guests = people.get(acc, [])
                who = (
                    [manager[acc], *_pick(rng, tuple(guests), min(len(guests), 2))]
                    if guests
                    else [manager[acc]]
                )
                meetings.append(
                    {
                        "account_id": acc,
                        "date": day,
                        "type": kind,
                        "participants": "; ".join(dict.fromkeys(who)),
                        "summary": text,
                        "outcome": _pick(rng, tuple(outcomes)).format(
                            year=year, pct=int(rng.integers(2, 6)), cat=cat
                        ),
                    }
                )
    meetings_df = pd.DataFrame(meetings).sort_values(["date", "account_id"], ignore_index=True)
    meetings_df.insert(0, "meeting_id", [f"M{i:04d}" for i in range(1, len(meetings_df) + 1)])
    n_actions = {"annual": (2, 4), "review": (1, 3), "negotiation": (1, 3), "visit": (0, 2)}
    for m in meetings_df.itertuples(index=False):
        lo, hi = n_actions[m.type]
        for _ in range(int(rng.integers(lo, hi + 1))):
            text, dept = _pick(rng, _ACTIONS)
            due = m.date + pd.Timedelta(days=int(rng.integers(14, 76)))
            done = due < as_of and rng.random() < 0.9 or due >= as_of and rng.random() < 0.2
            done_date = min(
                as_of,
                max(
                    m.date + pd.Timedelta(days=3),
                    due + pd.Timedelta(days=int(rng.integers(-10, 8))),
                ),
            )
            actions.append(
                {
                    "account_id": m.account_id,
                    "description": text.format(cat=_pick(rng, _CATEGORIES)),
                    "due_date": due,
                    "meeting_id": m.meeting_id,
                    "owner": manager[m.account_id] if dept == "Sales" else _COLLEAGUES[dept],
                    "department": dept,
                    "status": "done" if done else "open",
                    "done_date": done_date if done else pd.NaT,
                }
            )
    actions_df = pd.DataFrame(actions)
    actions_df.insert(0, "action_id", [f"A{i:04d}" for i in range(1, len(actions_df) + 1)])
    return meetings_df, actions_df


def _tenders(tx: pd.DataFrame, bought: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    annual = tx.groupby("account_id")["revenue"].sum() / 3.0
    lost_key = PLANTED["lost_key_clients"]
    rows = []
    for acc in PLANTED["key_accounts"]:
        if acc == "C0101":  # the tender that brought the new client in
            dates = ["2025-01-20"]
        else:
            options = [2023] if acc in lost_key else [2023, 2024]  # no wins just before a loss
            years = rng.choice(options, int(rng.integers(1, len(options) + 1)), replace=False)
            dates = sorted(
                f"{y}-{int(rng.integers(2, 12)):02d}-{int(rng.integers(1, 28)):02d}" for y in years
            )
        for d in dates:
            rows.append({"account_id": acc, "date": d, "status": "won"})
        if acc in lost_key[:3]:  # the lost tender that ended the relationship
            rows.append(
                {"account_id": acc, "date": f"2024-{10 + lost_key.index(acc)}-15", "status": "lost"}
            )
    for acc, d in (("C0105", "2025-11-20"), ("C0079", "2026-01-20"), ("C0061", "2025-12-10")):
        rows.append({"account_id": acc, "date": d, "status": "open"})
    for acc, d in (
        ("C0027", "2026-03-31"),
        ("C0018", "2026-06-15"),
        ("C0112", "2026-09-30"),
        ("C0003", "2026-10-15"),
    ):
        rows.append({"account_id": acc, "date": d, "status": "planned"})
    for acc in ("C0012", "C0058"):  # ordinary lost tenders at clients we kept
        rows.append(
            {"account_id": acc, "date": f"2025-0{int(rng.integers(3, 9))}-10", "status": "lost"}
        )
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    n = len(df)
    df["title"] = [
        f"{c} supply {d.year}-{d.year + 2}"
        for c, d in zip(
            [_pick(rng, bought[a][:2]) for a in df["account_id"]], df["date"], strict=True
        )
    ]
    df["value"] = np.round(
        df["account_id"].map(annual).fillna(400_000.0).to_numpy() * rng.uniform(0.3, 0.8, n), -3
    )
    won = df["status"].eq("won")
    lost = df["status"].eq("lost")
    df["reason"] = np.where(won, _pick(rng, _TENDER_WON, n), None)
    lost_text = [s.format(pct=int(rng.integers(4, 12))) for s in _pick(rng, _TENDER_LOST, n)]
    df["reason"] = df["reason"].where(~lost, pd.Series(lost_text, index=df.index))
    df["winner"] = pd.Series(_pick(rng, _COMPETITORS, n), index=df.index).where(lost)
    df.loc[lost & df["account_id"].eq("C0009"), ["winner", "reason"]] = [
        "NordSupply AG",
        "price 9 % above the winner",
    ]
    df = df.sort_values(["date", "account_id"], ignore_index=True)
    df.insert(0, "tender_id", [f"T{i:03d}" for i in range(1, n + 1)])
    return df


def _competitors(tenders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    winners = tenders.dropna(subset=["winner"]).groupby("account_id")["winner"].last()
    rows = []
    for acc in PLANTED["key_accounts"]:
        k = int(rng.integers(1, 4))
        names = list(rng.choice(len(_COMPETITORS), k, replace=False))
        names = [_COMPETITORS[i] for i in names]
        if acc in winners.index and winners[acc] not in names:
            names[0] = winners[acc]
        total = (
            rng.uniform(0.6, 0.9) if acc in PLANTED["lost_key_clients"] else rng.uniform(0.1, 0.6)
        )
        shares = np.sort(rng.dirichlet(np.ones(k)))[::-1] * total  # the tender winner leads
        for name, share in zip(names, shares, strict=True):
            rows.append(
                {
                    "account_id": acc,
                    "competitor": name,
                    "share_of_wallet": round(float(share), 2),
                    "strengths": ", ".join(sorted(set(_pick(rng, _STRENGTHS, 2)))),
                    "weaknesses": _pick(rng, _WEAKNESSES),
                }
            )
    return pd.DataFrame(rows)


def _scores(accounts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    key = [a for a in PLANTED["key_accounts"] if a != "C0101"]
    manager = accounts.set_index("account_id")["manager"]
    n, k = len(key), len(_SCORE_CATEGORIES)
    first = rng.integers(3, 10, (n, k))
    change = rng.integers(-2, 3, (n, k))
    lost = np.isin(key, PLANTED["lost_key_clients"])
    change[lost] = rng.integers(-3, 0, (int(lost.sum()), k))  # they lost ground before leaving
    second = np.clip(first + change, 1, 10)
    frames = []
    for date, values in zip(_SCORE_DATES, (first, second), strict=True):
        frames.append(
            pd.DataFrame(
                {
                    "account_id": np.repeat(key, k),
                    "date": pd.Timestamp(date),
                    "category": np.tile(_SCORE_CATEGORIES, n),
                    "score": values.ravel().astype(float),
                    "assessor": manager.reindex(np.repeat(key, k)).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _targets(tx: pd.DataFrame, products: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Revenue targets per key account and category: the base year's actual plus 0-12 %.

    2025 from 2024 actuals, 2026 from 2025 actuals (no 2026 plan for lost clients; the new
    client C0101 plans both years from its 2025 run rate). Quarterly lines follow the base
    year's quarters for the seasonal accounts and two others; the rest are whole-year lines.
    """
    key = PLANTED["key_accounts"]
    cat = tx["product_id"].map(products.set_index("product_id")["category"])
    by = tx[tx["account_id"].isin(key)]
    by = by.assign(category=cat, year=by["date"].dt.year, quarter=by["date"].dt.quarter)
    q = by.pivot_table(
        index=["account_id", "year", "category"],
        columns="quarter",
        values="revenue",
        aggfunc="sum",
        fill_value=0.0,
    ).reindex(columns=[1, 2, 3, 4], fill_value=0.0)
    rows = q.index.to_frame(index=False)
    quarterly = {a for a, p, *_ in _KEY_ACCOUNTS if p == "seasonal"} | {"C0027", "C0079"}
    frames = []
    for plan_year in (2025, 2026):
        source = np.where(rows["account_id"].eq("C0101"), 2025, plan_year - 1)
        pick = rows["year"].eq(source)
        if plan_year == 2026:
            pick &= ~rows["account_id"].isin(PLANTED["lost_key_clients"])
        sel, ids = q[pick.to_numpy()], rows[pick]
        actual = sel.sum(axis=1).to_numpy()
        new = ids["account_id"].eq("C0101").to_numpy()
        total = actual * rng.uniform(1.0, 1.12, len(sel)) * np.where(new, 12 / 11, 1.0)
        share = (sel.to_numpy() + 0.02 * actual[:, None]) / (1.08 * actual[:, None])
        whole = pd.DataFrame(
            {
                "account_id": ids["account_id"].to_numpy(),
                "year": plan_year,
                "revenue_target": np.round(total, -2),
                "category": ids["category"].to_numpy(),
                "period": None,
            }
        )
        split = whole.loc[np.repeat(np.arange(len(whole)), 4)].reset_index(drop=True)
        split["revenue_target"] = np.round(np.repeat(total, 4) * share.ravel(), -2)
        split["period"] = np.tile(["Q1", "Q2", "Q3", "Q4"], len(whole))
        by_quarter = whole["account_id"].isin(quarterly)
        frames += [whole[~by_quarter], split[split["account_id"].isin(quarterly)]]
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["year", "account_id", "category", "period"], na_position="first")
    return df[df["revenue_target"] > 0].reset_index(drop=True)


def _cost_to_serve(
    tx: pd.DataFrame, roster: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    quarter_end = tx["date"].dt.to_period("Q").dt.end_time.dt.normalize()
    q = tx.assign(date=quarter_end).groupby(["account_id", "date"], as_index=False)["revenue"].sum()
    q = q[q["revenue"] > 0]
    rates = {"logistics": (0.015, 0.035), "service": (0.005, 0.015), "rebate": (0.005, 0.02)}
    heavy = {"logistics": 0.075, "service": 0.03, "rebate": 0.03}  # the loss-making client
    discount = roster.set_index("account_id")["discount"]
    frames = []
    for kind, (lo, hi) in rates.items():
        part = q.copy()
        rate = rng.uniform(lo, hi, len(part))
        rate = np.where(part["account_id"].eq("C0112"), heavy[kind], rate)
        part["amount"] = np.round(part["revenue"].to_numpy() * rate, 2)
        part["kind"] = kind
        if kind == "rebate":  # rebates only for clients with negotiated discounts
            part = part[part["account_id"].map(discount).to_numpy() >= 0.06]
        frames.append(part)
    out = pd.concat(frames, ignore_index=True).sort_values(
        ["date", "account_id", "kind"], ignore_index=True
    )
    return out[["account_id", "date", "amount", "kind"]]


# --------------------------------------------------------------------------------------------
# beyond sales: service, payments, contracts and big deals (a random stream of their own, so
# that the tables above stay byte-identical for a seed)

_POOR_SERVICE = "C0088"  # late and incomplete deliveries and open complaints from 2024 on
_LATE_DELIVERIES = ("C0077",)  # a small client lost for "repeated late deliveries"
_SLOW_PAYER = "C0009"  # pays late, then stops paying from September 2024 on
_NOTICE_BEFORE_MEETING = "C0105"  # notice deadline a week before the next annual meeting
_LARGE_DEAL = "C0027"  # a large deal in negotiation
_COMPLAINTS = {
    "delivery": ("delivery {d} days late", "delivery arrived after the promised date"),
    "completeness": ("incomplete delivery: {cat} missing", "short delivery, back order open"),
    "quality": (
        "damaged packaging on arrival",
        "wrong item delivered",
        "defective {cat} items",
        "certificate of conformity missing",
    ),
    "invoicing": ("price on the invoice differs from the agreed price", "duplicate invoice"),
    "service": ("no answer from customer service for a week", "order confirmation missing"),
}
_CRITERIA = (
    "total cost of ownership", "delivery reliability", "price", "technical support",
    "e-procurement integration", "range breadth", "local stock", "sustainability",
)  # fmt: skip
_DEAL_TITLES = (
    "Standardise {cat} across all sites",
    "Consignment stock for {cat}",
    "Framework extension: {cat}",
    "New site equipment: {cat}",
    "Private-label {cat} range",
)
_STAGE_CHOICES = ("lead", "qualified", "proposal", "negotiation")


def _beyond_rng(seed: int) -> np.random.Generator:
    """The generator of the beyond-sales tables: its own stream, apart from the one above."""
    return np.random.default_rng([int(seed), 13])


def _bdays_after(dates: pd.Series, days: np.ndarray) -> np.ndarray:
    return np.busday_offset(
        dates.to_numpy().astype("datetime64[D]"), days.astype(int), roll="forward"
    )


def _deliveries(tx: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One delivery per order: promised 2-5 working days after the order; some late or short."""
    as_of = pd.Timestamp(SAMPLE_AS_OF)
    sold = tx[(tx["revenue"] > 0) & tx["order_id"].str.startswith("SO")]
    orders = sold.groupby(["account_id", "order_id"], as_index=False).agg(
        date=("date", "min"), quantity=("quantity", "sum")
    )
    orders = orders.sort_values(["date", "order_id"], ignore_index=True)
    n = len(orders)
    promised = pd.Series(_bdays_after(orders["date"], rng.integers(2, 6, n))).astype(
        "datetime64[us]"
    )
    ids = orders["account_id"].unique()
    p_late = dict(zip(ids, rng.uniform(0.01, 0.07, len(ids)), strict=True))
    p_short = dict(zip(ids, rng.uniform(0.005, 0.04, len(ids)), strict=True))
    late_p = orders["account_id"].map(p_late).to_numpy()
    short_p = orders["account_id"].map(p_short).to_numpy()
    delay = rng.integers(1, 8, n)
    poor = (orders["account_id"].eq(_POOR_SERVICE) & (orders["date"] >= "2024-01-01")).to_numpy()
    chronic = orders["account_id"].isin(_LATE_DELIVERIES).to_numpy()
    worse = poor & (orders["date"] >= "2024-07-01").to_numpy()  # and worse from mid-2024
    late_p = np.where(worse, 0.6, np.where(poor, 0.35, np.where(chronic, 0.5, late_p)))
    short_p = np.where(worse, 0.3, np.where(poor, 0.2, short_p))
    delay = np.where(poor | chronic, rng.integers(3, 16, n), delay)
    u_late, u_short, early = rng.random(n), rng.random(n), rng.random(n) < 0.1
    shift = np.where(u_late < late_p, delay, np.where(early, -1, 0))
    actual = promised + pd.to_timedelta(shift, unit="D")
    complete = u_short >= short_p
    quantity = np.where(complete, orders["quantity"], np.floor(orders["quantity"] * 0.7))
    return pd.DataFrame(
        {
            "delivery_id": [f"D{i:06d}" for i in range(1, n + 1)],
            "account_id": orders["account_id"],
            "promised_date": promised,
            "actual_date": actual.where(actual <= as_of),
            "order_id": orders["order_id"],
            "quantity": np.maximum(quantity, 1.0),
            "complete": pd.array(np.where(actual <= as_of, complete, None), dtype="boolean"),
        }
    )


def _complaints(
    deliveries: pd.DataFrame, bought: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """Complaints after some late or short deliveries, plus quality and other incidents."""
    as_of = pd.Timestamp(SAMPLE_AS_OF)
    d = deliveries[deliveries["actual_date"].notna()].reset_index(drop=True)
    n = len(d)
    late_days = (d["actual_date"] - d["promised_date"]).dt.days.to_numpy()
    short = ~d["complete"].fillna(True).to_numpy(dtype=bool)
    poor = (d["account_id"].eq(_POOR_SERVICE) & (d["promised_date"] >= "2024-01-01")).to_numpy()
    p_report = np.where(poor, 0.6, 0.15)
    u = rng.random(n)
    category = np.where(
        (late_days > 0) & (u < p_report),
        "delivery",
        np.where(short & (u < p_report), "completeness", ""),
    )
    other = rng.random(n) < np.where(poor, 0.08, 0.006)
    other_cat = np.array(("quality", "quality", "invoicing", "service"))[rng.integers(0, 4, n)]
    category = np.where((category == "") & other, other_cat, category)
    pick = np.flatnonzero(category != "")
    c = d.iloc[pick].reset_index(drop=True)
    cat = category[pick]
    m = len(c)
    date = c["actual_date"] + pd.to_timedelta(rng.integers(0, 4, m), unit="D")
    bad = poor[pick]
    severity = np.where(
        rng.random(m) < np.where(bad, 0.45, 0.1),
        "high",
        np.where(rng.random(m) < 0.5, "medium", "low"),
    )
    days = np.where(bad, rng.integers(20, 121, m), rng.integers(1, 26, m))
    never = bad & (rng.random(m) < 0.4)  # the poorly served client's complaints stay open
    resolved = (date + pd.to_timedelta(days, unit="D")).where(~never)
    resolved = resolved.where(resolved <= as_of)
    texts = []
    for k, kind in enumerate(cat):
        text = _COMPLAINTS[kind][int(rng.integers(0, len(_COMPLAINTS[kind])))]
        texts.append(
            text.format(
                d=max(int(late_days[pick[k]]), 1),
                cat=_pick(rng, bought[c["account_id"][k]]).lower(),
            )
        )
    out = pd.DataFrame(
        {
            "account_id": c["account_id"],
            "date": date,
            "category": cat,
            "severity": severity,
            "resolved_date": resolved,
            "description": texts,
        }
    )
    out = out[out["date"] <= as_of].sort_values(["date", "account_id"], kind="stable")
    out.insert(0, "complaint_id", [f"Q{i:05d}" for i in range(1, len(out) + 1)])
    return out.reset_index(drop=True)


def _invoices(tx: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One invoice per client and month (net of returns), due after the client's terms."""
    as_of = pd.Timestamp(SAMPLE_AS_OF)
    month_end = tx["date"].dt.to_period("M").dt.end_time.dt.normalize()
    inv = tx.assign(date=month_end).groupby(["date", "account_id"], as_index=False)["revenue"].sum()
    inv = inv[inv["revenue"] > 0].reset_index(drop=True)
    n = len(inv)
    ids = np.sort(inv["account_id"].unique())
    terms = dict(zip(ids, rng.choice([30, 45, 60], len(ids), p=[0.6, 0.3, 0.1]), strict=True))
    habit = dict(zip(ids, rng.choice(3, len(ids), p=[0.6, 0.3, 0.1]), strict=True))
    terms[_SLOW_PAYER] = 30
    habit[_SLOW_PAYER] = 3
    lo = np.array([-5, 3, 25, 40])
    hi = np.array([4, 25, 60, 80])
    h = inv["account_id"].map(habit).to_numpy()
    delay = lo[h] + (rng.random(n) * (hi[h] - lo[h])).astype(int)
    due = inv["date"] + pd.to_timedelta(inv["account_id"].map(terms).to_numpy(), unit="D")
    paid = due + pd.to_timedelta(delay, unit="D")
    paid = paid.where(paid > inv["date"], inv["date"] + pd.Timedelta(days=1))
    stopped = inv["account_id"].eq(_SLOW_PAYER) & (inv["date"] >= "2024-09-01")
    paid = paid.where(~stopped & (paid <= as_of))
    year = inv["date"].dt.year.astype(str)
    number = inv.groupby(year).cumcount() + 1
    return pd.DataFrame(
        {
            "invoice_id": "INV-" + year + "-" + number.map("{:05d}".format),
            "account_id": inv["account_id"],
            "date": inv["date"],
            "due_date": due,
            "amount": inv["revenue"].round(2),
            "paid_date": paid,
        }
    )


def _next_annual_meeting(meetings: pd.DataFrame, account_id: str) -> pd.Timestamp:
    """The client's usual annual-meeting day (most common month, median day) after the as-of."""
    rows = meetings[(meetings["account_id"] == account_id) & (meetings["type"] == "annual")]
    month = int(rows["date"].dt.month.mode().min())
    day = int(np.floor(rows["date"].dt.day[rows["date"].dt.month == month].median()))
    as_of = pd.Timestamp(SAMPLE_AS_OF)
    when = pd.Timestamp(as_of.year, month, day)
    return when if when > as_of else pd.Timestamp(as_of.year + 1, month, day)


def _contracts(meetings: pd.DataFrame, bought: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """A framework contract per key account; ended for the lost ones."""
    as_of = pd.Timestamp(SAMPLE_AS_OF)
    reviews = (
        "annual review at the annual meeting",
        "indexed yearly to the producer price index",
        "prices fixed for the term",
        "review on request with 3 months notice",
    )
    rows = []
    for i, acc in enumerate(PLANTED["key_accounts"]):
        years = int(rng.integers(2, 4))
        notice = int(rng.choice([3, 6]))
        automatic = rng.random() < 0.6
        end = pd.Timestamp(
            f"{int(rng.integers(2026, 2029))}-{int(rng.choice([3, 6, 9, 12])):02d}-01"
        )
        end = end + pd.offsets.MonthEnd(0)
        if end - pd.DateOffset(months=notice) < pd.Timestamp("2026-03-31"):
            end = end + pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
        review = _pick(rng, reviews)
        if acc in PLANTED["lost_key_clients"] and acc != "C0131":
            end, automatic = (
                pd.Timestamp(f"2025-0{int(rng.integers(3, 7))}-01") - pd.Timedelta(days=1),
                False,
            )
        elif acc == "C0101":  # won by the tender of January 2025
            end, years, automatic = pd.Timestamp("2028-01-31"), 3, False
        elif acc == _NOTICE_BEFORE_MEETING:
            deadline = max(
                _next_annual_meeting(meetings, acc) - pd.Timedelta(days=7),
                as_of + pd.Timedelta(days=1),
            )
            notice, automatic, years = 3, True, 3
            end = deadline + pd.DateOffset(months=notice)
            review = "prices fixed for the term"
        elif acc == "C0131":  # still a client in the CRM, under contract until 2026
            end, years = pd.Timestamp("2026-12-31"), 3
        elif acc == "C0012":  # renewed automatically last June
            end, automatic, years, notice = pd.Timestamp("2025-06-30"), True, 2, 3
        start = end - pd.DateOffset(years=years) + pd.Timedelta(days=1)
        while start > as_of - pd.Timedelta(days=90):  # every contract started in the past
            years += 1
            start = end - pd.DateOffset(years=years) + pd.Timedelta(days=1)
        open_ended = acc in ("C0066", "C0126") and end > as_of
        rows.append(
            {
                "contract_id": f"K{2000 + i:04d}",
                "account_id": acc,
                "start_date": start,
                "end_date": pd.NaT if open_ended else end,
                "notice_months": notice,
                "renewal": None if open_ended else "automatic" if automatic else "none",
                "renewal_months": 12 if automatic and not open_ended else None,
                "price_review": review,
                "title": f"Framework agreement {', '.join(bought[acc][:2])}",
            }
        )
    return pd.DataFrame(rows)


def _opportunities(tx: pd.DataFrame, bought: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """One to three deals per key account: open ones closing in 2026, decided ones before."""
    annual = tx[tx["date"] >= "2025-01-01"].groupby("account_id")["revenue"].sum()
    lost_key = PLANTED["lost_key_clients"]
    rows = []
    for acc in PLANTED["key_accounts"]:
        for _ in range(int(rng.integers(1, 4))):
            if acc in lost_key:
                stage = "lost"
            else:
                stage = str(
                    rng.choice(
                        [*_STAGE_CHOICES, "won", "lost"], p=[0.15, 0.2, 0.25, 0.15, 0.15, 0.1]
                    )
                )
            decided = stage in ("won", "lost")
            close = (
                pd.Timestamp("2024-03-01") + pd.Timedelta(days=int(rng.integers(0, 600)))
                if decided
                else pd.Timestamp("2026-01-15") + pd.Timedelta(days=int(rng.integers(0, 330)))
            )
            rivals = rng.choice(len(_COMPETITORS), int(rng.integers(0, 3)), replace=False)
            crit = rng.choice(len(_CRITERIA), int(rng.integers(1, 4)), replace=False)
            value = max(annual.get(acc, 0.0), 200_000.0) * rng.uniform(0.04, 0.15)
            rows.append(
                {
                    "account_id": acc,
                    "stage": stage,
                    "value": np.round(value, -3),
                    "expected_close": close,
                    "title": _pick(rng, _DEAL_TITLES).format(cat=_pick(rng, bought[acc])),
                    "decision_criteria": "; ".join(_CRITERIA[k] for k in sorted(crit)),
                    "competitors": "; ".join(_COMPETITORS[k] for k in sorted(rivals)) or None,
                }
            )
    rows.append(
        {
            "account_id": _LARGE_DEAL,
            "stage": "negotiation",
            "value": 1_800_000.0,
            "expected_close": pd.Timestamp("2026-03-31"),
            "title": "New assembly plant 2026: fasteners, tools and safety equipment",
            "decision_criteria": "total cost of ownership; delivery reliability; local stock",
            "competitors": "Kronberg Industrial GmbH; NordSupply AG",
        }
    )
    out = pd.DataFrame(rows).sort_values(["account_id", "expected_close"], kind="stable")
    out.insert(0, "opportunity_id", [f"O{i:04d}" for i in range(1, len(out) + 1)])
    return out.reset_index(drop=True)


def _typed(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """`df` with exactly the canonical columns of `table`, in order, with canonical dtypes."""
    spec = TABLES[table]
    out = pd.DataFrame(index=df.index)
    for name, col in spec.items():
        values = df[name] if name in df else pd.Series(np.nan, index=df.index)
        if col.kind == "bool":
            out[name] = values.astype("boolean")
        elif col.kind in ("id", "text"):
            out[name] = values.astype(object).where(values.notna()).astype("str")
        else:
            out[name] = values.astype(col.dtype)
    return out.reset_index(drop=True)


def generate_sample(*, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Generate the sample portfolio: every canonical table, with canonical columns and dtypes.

    The structure (which account is the breadwinner, the loss-maker, a lost key client, a
    prospect ...) is fixed and listed in :data:`PLANTED`; the seed drives sizes, dates, amounts
    and texts. Same seed, same frames.

    Parameters
    ----------
    seed : int, default 7
        Seed of the single :class:`numpy.random.Generator` behind every random choice.

    Returns
    -------
    dict of str to DataFrame
        One frame per table of :data:`kamlib.schema.TABLES`, in that order.

    Examples
    --------
    >>> tables = generate_sample(seed=7)
    >>> list(tables)[:3], len(tables["accounts"])
    (['transactions', 'accounts', 'products'], 150)
    >>> tables["accounts"].set_index("account_id").loc["C0054", "name"]
    'Müller Logistik GmbH'
    """
    rng = np.random.default_rng(seed)
    roster = _roster(rng)
    products = _products(rng)
    tx = _transactions(roster, products, rng)
    accounts = _accounts(roster, tx.groupby("account_id")["date"].min(), rng)
    by_id = accounts.set_index("account_id")
    tx["region"] = tx["account_id"].map(by_id["region"])
    tx["account_name"] = tx["account_id"].map(by_id["name"])
    contacts = _contacts(accounts, rng)
    bought = _categories_bought(tx, products)
    meetings, actions = _meetings_and_actions(accounts, tx, contacts, bought, rng)
    tenders = _tenders(tx, bought, rng)
    frames = {
        "transactions": tx,
        "accounts": accounts,
        "products": products,
        "contacts": contacts,
        "meetings": meetings,
        "actions": actions,
        "tenders": tenders,
        "competitors": _competitors(tenders, rng),
        "scores": _scores(accounts, rng),
        "targets": _targets(tx, products, rng),
        "cost_to_serve": _cost_to_serve(tx, roster, rng),
    }
    more = _beyond_rng(seed)  # beyond sales: a stream of its own, the tables above unchanged
    frames["deliveries"] = _deliveries(tx, more)
    frames["complaints"] = _complaints(frames["deliveries"], bought, more)
    frames["invoices"] = _invoices(tx, more)
    frames["contracts"] = _contracts(meetings, bought, more)
    frames["opportunities"] = _opportunities(tx, bought, more)
    return {name: _typed(name, frames[name]) for name in TABLES}


# --------------------------------------------------------------------------------------------
# writing


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Floats rounded to cents (whole-number columns as integers); booleans as true/false."""
    out = df.copy()
    for name in out.columns:
        col = out[name]
        if col.dtype == "float64":
            col = col.round(2) + 0.0  # + 0.0 turns -0.0 into 0.0
            whole = col.dropna()
            out[name] = col.astype("Int64") if (whole == whole.round()).all() else col
        elif col.dtype == "boolean":
            out[name] = col.map({True: "true", False: "false"})
    return out


def _kam_toml(seed: int) -> str:
    return (
        "# Sample KAM workspace: a made-up portfolio of 150 B2B accounts (2023-2025).\n"
        f"# Generated by `kam sample --seed {seed} --out data/sample`\n"
        "# (kamlib.load.sample.write_sample).\n"
        "# Do not edit by hand; regenerate instead. Tables are found by file name\n"
        "# (transactions.csv, accounts.csv, ...), so no [tables] section is needed.\n"
        "# Data dictionary: data/README.md; full format of this file: kamlib/load/config.py.\n"
        "\n"
        "[workspace]\n"
        f'as_of = "{SAMPLE_AS_OF}"\n'
        'timezone = "Europe/Berlin"\n'
    )


#: Canonical columns the sample has no data for: not written, so its files stay as they were.
SAMPLE_OMITS = {"transactions": ("unit_price", "discount", "manager", "industry")}


def write_sample(out: str | Path, *, seed: int = 7) -> list[Path]:
    """Write the sample portfolio as a workspace: one CSV per table plus ``kam.toml``.

    CSV files are UTF-8 with ``,`` as separator, ``.`` as decimal mark, ISO dates, no index and
    amounts rounded to cents; the output is byte-identical for the same seed. Existing files of
    the same names are overwritten; other files in `out` are left alone.

    Parameters
    ----------
    out : str or Path
        Folder to write to (created when missing).
    seed : int, default 7
        Passed to :func:`generate_sample`.

    Returns
    -------
    list of Path
        The files written: the tables in schema order, then ``kam.toml``.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_sample(tempfile.mkdtemp())
    >>> [p.name for p in paths][:2], paths[-1].name
    (['transactions.csv', 'accounts.csv'], 'kam.toml')
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate_sample(seed=seed).items():
        path = folder / f"{name}.csv"
        frame = frame.drop(columns=list(SAMPLE_OMITS.get(name, ())))
        _csv_ready(frame).to_csv(
            path,
            index=False,
            encoding="utf-8",
            lineterminator="\n",
            float_format="%.2f",
            date_format="%Y-%m-%d",
        )
        written.append(path)
    toml = folder / "kam.toml"
    toml.write_text(_kam_toml(seed), encoding="utf-8", newline="\n")
    return [*written, toml]


# --------------------------------------------------------------------------------------------
# large benchmark files

_BENCH_CHUNK = 100_000  # lines per chunk (one Parquet row group); bounds memory
_BENCH_PRODUCTS = 500
_BENCH_LAST_MONTH = "2025-12"


def _bench_accounts(n: int, months: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Pareto-sized accounts with a buying pattern each: steady, seasonal, erratic or late."""
    kind = rng.choice(4, n, p=[0.55, 0.2, 0.15, 0.1])  # 0 steady, 1 seasonal, 2 erratic, 3 late
    start = np.where(rng.random(n) < 0.3, rng.integers(0, max(months - 6, 1), n), 0)
    start = np.where(kind == 3, np.maximum(months - rng.integers(1, 6, n), 0), start)
    span = months - start
    width = max(4, len(str(n)))
    return {
        "id": np.array([f"C{i:0{width}d}" for i in range(1, n + 1)], dtype=object),
        "weight": (w := rng.pareto(1.16, n) + 1.0) / w.sum(),
        "kind": kind,
        "start": start,
        "peak": rng.integers(0, 12, n),
        "order_months": start[:, None] + (rng.random((n, 4)) * span[:, None]).astype(int),
        "region": rng.integers(0, len(_REGIONS), n),
        "discount": rng.uniform(0.0, 0.15, n),
    }


def _bench_chunk(
    n: int,
    first_order: int,
    acc: dict[str, np.ndarray],
    months: int,
    rng: np.random.Generator,
    parquet: bool,
):
    """`n` lines in orders numbered from `first_order`; returns the table and the next number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    last = pd.Period(_BENCH_LAST_MONTH, "M")
    first_moy = (last.month - months) % 12  # calendar month (0 = January) of month index 0
    k = n // 2 + 10  # orders; 3 lines each on average, so always enough
    per_order = 1 + rng.poisson(2.0, k)
    per_order[-1] += max(0, n - int(per_order.sum()))
    o_acc = rng.choice(len(acc["id"]), k, p=acc["weight"])
    kind, start = acc["kind"][o_acc], acc["start"][o_acc]
    uniform = start + (rng.random(k) * (months - start)).astype(int)
    cycle = np.maximum(0.0, 1.0 + 1.15 * np.cos(2 * np.pi * np.arange(12) / 12.0))
    moy = (np.searchsorted(np.cumsum(cycle) / cycle.sum(), rng.random(k)) + acc["peak"][o_acc]) % 12
    seasonal = rng.integers(0, months // 12 + 1, k) * 12 + (moy - first_moy) % 12
    seasonal = np.where((seasonal >= start) & (seasonal < months), seasonal, uniform)
    erratic = acc["order_months"][o_acc, rng.integers(0, 4, k)]
    month = np.select([kind == 1, kind == 2], [seasonal, erratic], uniform)

    firsts = pd.period_range(end=last, periods=months, freq="M").to_timestamp()
    epoch_day = ((firsts - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy()
    days = firsts.days_in_month.to_numpy()
    o_day = epoch_day[month] + (rng.random(k) * days[month]).astype(int)

    line_order = np.repeat(np.arange(k), per_order)[:n]
    a = o_acc[line_order]
    product = (rng.zipf(1.3, n) - 1) % _BENCH_PRODUCTS
    price = np.round(5.0 + 2000.0 / (1.0 + (product * 7919) % 400), 2)  # fixed price per product
    unit_cost = np.round(price * (0.55 + 0.25 * ((product * 104729) % 100) / 100.0), 2)
    qty = rng.geometric(0.2, n).astype(float)
    qty = np.where(rng.random(n) < 0.01, -np.ceil(qty / 2), qty)  # returns
    net = np.round(price * (1.0 - acc["discount"][a]), 2)
    dates = pa.array(o_day[line_order].astype("int32"), pa.int32()).cast(pa.date32())
    order_no = pa.array(first_order + line_order.astype("int64")).cast(pa.string())
    columns = {
        "account_id": pa.array(acc["id"][a], pa.string()),
        "date": dates.cast(pa.timestamp("us")) if parquet else dates,
        "revenue": pa.array(np.round(qty * net, 2) + 0.0),
        "cost": pa.array(np.round(qty * unit_cost, 2) + 0.0),
        "quantity": pa.array(qty),
        "product_id": pc.binary_join_element_wise(
            "P", pc.utf8_lpad(pa.array(product + 1).cast(pa.string()), 5, "0"), ""
        ),
        "region": pa.array(np.array(_REGIONS, dtype=object)[acc["region"][a]], pa.string()),
        "order_id": pc.binary_join_element_wise("SO", pc.utf8_lpad(order_no, 10, "0"), ""),
    }
    return pa.table(columns), first_order + k


def write_transactions(
    out: str | Path,
    *,
    lines: int,
    fmt: str = "parquet",
    accounts: int = 20_000,
    months: int = 36,
    seed: int = 7,
) -> Path:
    """Write a large benchmark transactions file, chunk by chunk, in bounded memory.

    Canonical columns account_id, date, revenue, cost, quantity, product_id, region and
    order_id; Pareto-sized accounts with steady, seasonal, erratic and late-starting buyers (so
    every XYZ class appears); 1 % returns; months ending December 2025. Memory stays at a few
    chunks of 100 000 lines whatever `lines` is; a tqdm bar shows progress on a terminal.

    Parameters
    ----------
    out : str or Path
        Folder to write to (created when missing); keep it out of git (``data/bench/``).
    lines : int
        Number of transaction lines.
    fmt : {"parquet", "csv"}
        File format; the file is ``transactions.parquet`` or ``transactions.csv`` in `out`.
    accounts : int, default 20_000
        Number of accounts.
    months : int, default 36
        Length of the period in months.
    seed : int, default 7
        Seed of the random generator; same arguments, same file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ArgumentError
        `fmt` is not "parquet" or "csv", or `lines`, `accounts` or `months` is below 1.

    Examples
    --------
    >>> import tempfile
    >>> path = write_transactions(tempfile.mkdtemp(), lines=1_000, fmt="csv", accounts=50)
    >>> len(pd.read_csv(path))
    1000
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from tqdm.auto import tqdm

    if fmt not in ("parquet", "csv"):
        raise ArgumentError(f"`fmt` must be 'parquet' or 'csv', got {fmt!r}")
    for name, value in (("lines", lines), ("accounts", accounts), ("months", months)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise ArgumentError(f"`{name}` must be a whole number >= 1, got {value!r}")
    rng = np.random.default_rng(seed)
    acc = _bench_accounts(int(accounts), int(months), rng)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"transactions.{fmt}"
    parquet = fmt == "parquet"
    schema = pa.schema(
        [
            ("account_id", pa.string()),
            ("date", pa.timestamp("us") if parquet else pa.date32()),
            ("revenue", pa.float64()),
            ("cost", pa.float64()),
            ("quantity", pa.float64()),
            ("product_id", pa.string()),
            ("region", pa.string()),
            ("order_id", pa.string()),
        ]
    )
    with contextlib.ExitStack() as stack:
        if parquet:
            writer = stack.enter_context(pq.ParquetWriter(path, schema))
        else:  # plain header line, then unquoted values (no value here needs quotes)
            sink = stack.enter_context(path.open("wb"))
            sink.write((",".join(schema.names) + "\n").encode("utf-8"))
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            writer = stack.enter_context(pacsv.CSVWriter(sink, schema, write_options=options))
        bar = stack.enter_context(
            tqdm(total=lines, unit="line", unit_scale=True, desc=path.name, disable=None)
        )
        done, next_order = 0, 1
        while done < lines:
            n = min(_BENCH_CHUNK, lines - done)
            table, next_order = _bench_chunk(n, next_order, acc, int(months), rng, parquet)
            writer.write_table(table.cast(schema))
            done += n
            bar.update(n)
    return path

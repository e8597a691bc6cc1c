"""Benchmark: kamlib's four portfolio analyses from a file vs a DuckDB script and plain pandas.

The four analyses, with kamlib's default conventions (docs/methods.md):

1. ABC-XYZ: monthly revenue per account over the whole history, months zero-filled from the
   account's first month to the last month of the file, ABC 80/95 % of positive totals (ties
   take the class of their best-ranked member, the top account is always A), XYZ on the
   population coefficient of variation 0.5/1.0 with at least 3 months ("too new" below,
   "non-positive" for a mean <= 0);
2. dependence over the 12 months up to the last day: HHI, effective number of clients, CR1,
   CR5, CR10, clients >= 10 %, and the share of the key clients (here the top 10 % of clients
   by revenue, ``key_rule={"rule": "top_clients"}``: the other conditions of the default rule
   need the accounts and products tables, which a transactions file has not);
3. P&L per account over the whole history (orders: distinct order ids, a line without one is
   one order per account and day; gross profit = revenue - cost, unknown when a line lacks a
   cost), the whale curve and its peak, the loss-makers (>= 1 % of revenue);
4. loss status by purchase cadence: purchase days, median interval, longest pause in the last
   730 days, days since the last purchase, active / at risk / lost, the 12-month value.

Contenders, each in a fresh interpreter (peak memory = that process's max RSS):

(a) kamlib: :func:`kamlib.sales_cube` reads the file once; the four analyses run on the cube;
(b) plain pandas, as a notebook user would write the same four (``read_parquet``/``read_csv``
    with the pyarrow engine, groupby, pivot);
(c) a hand-written DuckDB script computing the same four.

The results of (b) and (c) are asserted equal to (a)'s (classes, statuses, counts exactly;
money and ratios to 1e-9 relative). Each contender runs ``--repeat`` times, interleaved; the
best time and the highest peak memory are kept. Targets (issue 16): a / c <= 1.2,
b / a >= 3, peak memory of (a) <= 1 GB at 10 million lines.

Usage::

    python benchmarks/portfolio.py                          # 2 million lines, parquet, best of 3
    python benchmarks/portfolio.py --lines 10000000 --accounts 20000   # the issue's size
    python benchmarks/portfolio.py --format csv --repeat 1

The data is ``kam sample --lines N --accounts M --format parquet|csv`` in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENDERS = {
    "a": "kamlib: sales_cube from the file, then the four analyses",
    "b": "plain pandas: the same four",
    "c": "DuckDB script: the same four",
}
TARGETS = {"a/c": 1.2, "b/a": 3.0, "peak_mb": 1024.0}


# --------------------------------------------------------------------------- (a) kamlib


def run_kamlib(path: str) -> tuple[dict, dict]:
    import kamlib.portfolio.abcxyz as abcxyz
    import kamlib.portfolio.churn as churn
    import kamlib.portfolio.clients as clients
    import kamlib.portfolio.profitability as profitability
    from kamlib.portfolio.sales import sales_cube

    t0 = time.perf_counter()
    steps = {}
    cube = sales_cube(path)
    steps["read (sales_cube)"] = time.perf_counter() - t0
    t = time.perf_counter()
    abc = abcxyz.abc_xyz(cube)
    abcxyz.abc_xyz_matrix(abc)
    steps["abc_xyz"] = time.perf_counter() - t
    t = time.perf_counter()
    dep = clients.dependence(cube, key_rule={"rule": "top_clients"})
    steps["dependence"] = time.perf_counter() - t
    t = time.perf_counter()
    pnl = profitability.client_pnl(cube)
    curve = profitability.whale_curve(pnl)
    peak = profitability.whale_peak(curve)
    losers = profitability.loss_makers(pnl)
    steps["profitability"] = time.perf_counter() - t
    t = time.perf_counter()
    status = churn.client_status(cube)
    steps["loss_status"] = time.perf_counter() - t
    seconds = time.perf_counter() - t0

    import pandas as pd

    result = {
        "abc": abc.set_index("account_id")[["total", "cv", "abc", "xyz", "cell", "rank"]].astype(
            {"rank": "float64"}
        ),
        "dep": {
            "n_clients": dep.n_clients,
            "hhi": dep.hhi,
            "effective_clients": dep.effective_clients,
            "cr1": dep.cr1,
            "cr5": dep.cr5,
            "cr10": dep.cr10,
            "key_share": dep.key_share,
            "key_clients": sorted(dep.key_clients),
            "large": sorted(dep.large_clients["client_id"]),
        },
        "pnl": pnl[["orders", "lines", "revenue", "gross_profit", "contribution"]],
        "whale": {"clients": peak.clients, "value_share": peak.value_share},
        "losers": list(losers.index),
        "status": status[
            ["purchases", "median_interval", "days_since_last", "longest_gap", "at_risk_after"]
        ]
        .astype("float64")
        .join(status[["status", "annual_value"]]),
    }
    assert isinstance(result["status"], pd.DataFrame)
    return {"seconds": seconds, "steps": steps}, result


# --------------------------------------------------------------------------- (b) pandas


def run_pandas(path: str) -> tuple[dict, dict]:
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    steps = {}
    cols = ["account_id", "date", "revenue", "cost", "order_id"]
    if path.endswith(".csv"):
        df = pd.read_csv(path, usecols=cols, engine="pyarrow", parse_dates=["date"])
    else:
        df = pd.read_parquet(path, columns=cols)
    steps["read"] = time.perf_counter() - t0

    # 1. ABC-XYZ
    t = time.perf_counter()
    df["month"] = df["date"].dt.to_period("M")
    m = df.pivot_table(index="account_id", columns="month", values="revenue", aggfunc="sum")
    m = m.reindex(columns=pd.period_range(m.columns.min(), m.columns.max(), freq="M"))
    m = m.fillna(0.0).where(m.notna().cummax(axis=1))  # zero months from the first one on
    total = m.sum(axis=1)
    pos = total[total > 0].sort_index().sort_values(ascending=False, kind="stable")
    cum = pos.cumsum() / pos.sum()
    abc = pd.Series(
        np.where(cum <= 0.8 + 1e-9, "A", np.where(cum <= 0.95 + 1e-9, "B", "C")), pos.index
    )
    abc.iloc[0] = "A"
    abc = abc.groupby(pos.to_numpy()).transform("min")  # ties: the best class of the group
    n = m.notna().sum(axis=1)
    mean, std = m.mean(axis=1), m.std(axis=1, ddof=0)
    cv = (std / mean).where((mean > 0) & (n >= 3))
    xyz = pd.Series(
        np.select(
            [n < 3, mean <= 0, cv <= 0.5 + 1e-9, cv <= 1.0 + 1e-9],
            ["too new", "non-positive", "X", "Y"],
            "Z",
        ),
        m.index,
    )
    out = pd.DataFrame(
        {"total": total, "cv": cv, "abc": abc.reindex(m.index).fillna("non-positive"), "xyz": xyz}
    )
    both = out["abc"].isin(["A", "B", "C"]) & out["xyz"].isin(["X", "Y", "Z"])
    out["cell"] = (out["abc"] + out["xyz"]).where(
        both, out["abc"].where(~out["abc"].isin(["A", "B", "C"]), out["xyz"])
    )
    out["rank"] = pd.Series(np.arange(1, len(pos) + 1, dtype="float64"), pos.index)
    abc_out = out
    steps["abc_xyz"] = time.perf_counter() - t

    # 2. dependence, 12 months up to the last day
    t = time.perf_counter()
    as_of = df["date"].max().normalize()
    start = as_of + pd.Timedelta(days=1) - pd.DateOffset(months=12)
    window = df[(df["date"] >= start) & (df["date"] < as_of + pd.Timedelta(days=1))]
    rev = window.groupby("account_id")["revenue"].sum()
    rev = rev[rev > 0].sort_values(ascending=False)
    s = rev / rev.sum()
    n_top = max(1, int(np.floor(len(rev) * 0.10 + 0.5)))
    key = rev.index[rev >= rev.iloc[n_top - 1]]
    dep = {
        "n_clients": len(rev),
        "hhi": float(((100 * s) ** 2).sum()),
        "effective_clients": float(1 / (s**2).sum()),
        "cr1": float(s.iloc[:1].sum()),
        "cr5": float(s.iloc[:5].sum()),
        "cr10": float(s.iloc[:10].sum()),
        "key_share": float(s[key].sum()),
        "key_clients": sorted(key),
        "large": sorted(s.index[s >= 0.10]),
    }
    steps["dependence"] = time.perf_counter() - t

    # 3. P&L, whale curve, loss-makers
    t = time.perf_counter()
    df["day"] = df["date"].dt.normalize()
    df["order"] = df["order_id"].fillna("day " + df["day"].astype("str"))
    g = df.groupby("account_id")
    pnl = pd.DataFrame(
        {
            "orders": g["order"].nunique(),
            "lines": g.size(),
            "revenue": g["revenue"].sum(),
            "gross_profit": (df["revenue"] - df["cost"]).groupby(df["account_id"]).sum(min_count=1),
        }
    )
    pnl.loc[g["cost"].count() < pnl["lines"], "gross_profit"] = np.nan
    pnl["contribution"] = pnl["gross_profit"]
    curve = pnl["contribution"].dropna().sort_index().sort_values(ascending=False, kind="stable")
    cumulative = curve.cumsum()
    at = int(np.argmax(cumulative.to_numpy()))
    whale = {"clients": at + 1, "value_share": float(cumulative.iloc[at] / cumulative.iloc[-1])}
    share = pnl["revenue"] / pnl["revenue"].sum()
    losers = pnl[(pnl["contribution"] < 0) & (share >= 0.01)]
    losers = list(losers.reset_index().sort_values(["contribution", "account_id"]).account_id)
    steps["profitability"] = time.perf_counter() - t

    # 4. loss status
    t = time.perf_counter()
    days = df.assign(gross=df["revenue"].clip(lower=0)).groupby(["account_id", "day"])
    days = days.agg(gross=("gross", "sum"), revenue=("revenue", "sum")).reset_index()
    bought = days[days["gross"] > 0].copy()
    bought["gap"] = bought.groupby("account_id")["day"].diff().dt.days
    recent = bought[bought["day"] > as_of - pd.Timedelta(days=730)]
    b = bought.groupby("account_id")
    st = pd.DataFrame(index=pd.Index(sorted(days["account_id"].unique()), name="account_id"))
    st["purchases"] = b.size().reindex(st.index).fillna(0).astype("float64")
    last = b["day"].max().reindex(st.index)
    st["median_interval"] = b["gap"].median().reindex(st.index)
    st["days_since_last"] = (as_of - last).dt.days.astype("float64")
    st["longest_gap"] = recent.groupby("account_id")["gap"].max().reindex(st.index)
    threshold = np.fmax(
        np.fmax(2 * st["median_interval"], 30.0), st["longest_gap"].fillna(0.0)
    ).where(st["purchases"] >= 3)
    st["at_risk_after"] = threshold
    since = st["days_since_last"]
    st["status"] = np.select(
        [st["purchases"] == 0, since > 180, since > threshold],
        ["no_purchase", "lost", "at_risk"],
        "active",
    )
    last_of = days["account_id"].map(last)
    year = (days["day"] <= last_of) & (days["day"] > last_of - pd.DateOffset(months=12))
    st["annual_value"] = days["revenue"].where(year, 0.0).groupby(days["account_id"]).sum()
    steps["loss_status"] = time.perf_counter() - t
    seconds = time.perf_counter() - t0
    result = {
        "abc": abc_out,
        "dep": dep,
        "pnl": pnl,
        "whale": whale,
        "losers": losers,
        "status": st,
    }
    return {"seconds": seconds, "steps": steps}, result


# --------------------------------------------------------------------------- (c) DuckDB

SQL_DAYS = """
CREATE TEMP TABLE days AS
SELECT account_id, CAST(date AS DATE) AS day, sum(revenue) AS revenue,
       sum(revenue) FILTER (WHERE revenue > 0) AS gross
FROM {source} GROUP BY ALL
"""

SQL_ABC_XYZ = """
WITH m AS (
    SELECT account_id, date_trunc('month', day) AS month, sum(revenue) AS r FROM days GROUP BY ALL
),
a AS (
    SELECT account_id, sum(r) AS total, min(month) AS first,
           datediff('month', min(month), (SELECT max(month) FROM m)) + 1 AS n
    FROM m GROUP BY ALL
),
v AS (  -- two-pass population variance; the zero months contribute n - present times mean^2
    SELECT a.account_id, a.total, a.n, a.total / a.n AS mean,
           sqrt((sum(pow(m.r - a.total / a.n, 2)) + (a.n - count(*)) * pow(a.total / a.n, 2))
                / a.n) AS std
    FROM a JOIN m USING (account_id) GROUP BY a.account_id, a.total, a.n
),
ranked AS (
    SELECT account_id, total,
           row_number() OVER (ORDER BY total DESC, account_id) AS rank,
           sum(total) OVER (ORDER BY total DESC, account_id ROWS UNBOUNDED PRECEDING)
               / sum(total) OVER () AS cum
    FROM a WHERE total > 0
),
c AS (
    SELECT account_id, rank,
           min(CASE WHEN rank = 1 OR cum <= 0.8 + 1e-9 THEN 'A'
                    WHEN cum <= 0.95 + 1e-9 THEN 'B' ELSE 'C' END)
               OVER (PARTITION BY total) AS abc
    FROM ranked
),
x AS (
    SELECT v.account_id, v.total, coalesce(c.abc, 'non-positive') AS abc, c.rank,
           CASE WHEN v.n >= 3 AND v.mean > 0 THEN v.std / v.mean END AS cv,
           CASE WHEN v.n < 3 THEN 'too new' WHEN v.mean <= 0 THEN 'non-positive'
                WHEN v.std / v.mean <= 0.5 + 1e-9 THEN 'X'
                WHEN v.std / v.mean <= 1.0 + 1e-9 THEN 'Y' ELSE 'Z' END AS xyz
    FROM v LEFT JOIN c USING (account_id)
)
SELECT account_id, total, cv, abc, xyz,
       CASE WHEN abc IN ('A', 'B', 'C') AND xyz IN ('X', 'Y', 'Z') THEN abc || xyz
            WHEN abc NOT IN ('A', 'B', 'C') THEN abc ELSE xyz END AS cell,
       CAST(rank AS DOUBLE) AS rank
FROM x ORDER BY account_id
"""

SQL_DEPENDENCE = """
WITH w AS (
    SELECT account_id, sum(revenue) AS revenue FROM days
    WHERE day >= (SELECT max(day) FROM days) + INTERVAL 1 DAY - INTERVAL 12 MONTH
    GROUP BY ALL
),
p AS (
    SELECT account_id, revenue, revenue / sum(revenue) OVER () AS s,
           row_number() OVER (ORDER BY revenue DESC, account_id) AS rank,
           count(*) OVER () AS n
    FROM w WHERE revenue > 0
),
floor AS (
    SELECT revenue FROM p WHERE rank = greatest(1, CAST(floor(n * 0.10 + 0.5) AS BIGINT))
)
SELECT count(*) AS n_clients, sum(pow(100 * s, 2)) AS hhi, 1 / sum(s * s) AS effective_clients,
       sum(s) FILTER (WHERE rank <= 1) AS cr1, sum(s) FILTER (WHERE rank <= 5) AS cr5,
       sum(s) FILTER (WHERE rank <= 10) AS cr10,
       sum(s) FILTER (WHERE revenue >= (SELECT revenue FROM floor)) AS key_share,
       list_sort(list(account_id) FILTER (WHERE revenue >= (SELECT revenue FROM floor)))
           AS key_clients,
       list_sort(list(account_id) FILTER (WHERE s >= 0.10)) AS large
FROM p
"""

SQL_PNL = """
CREATE TEMP TABLE pnl AS
SELECT account_id,
       count(DISTINCT order_id) + count(DISTINCT CAST(date AS DATE))
           FILTER (WHERE order_id IS NULL) AS orders,
       count(*) AS lines, sum(revenue) AS revenue,
       CASE WHEN count(cost) = count(*) THEN sum(revenue - cost) END AS gross_profit,
       CASE WHEN count(cost) = count(*) THEN sum(revenue - cost) END AS contribution
FROM {source} GROUP BY ALL
"""

SQL_WHALE = """
WITH curve AS (
    SELECT row_number() OVER (ORDER BY contribution DESC, account_id) AS rank,
           sum(contribution) OVER (ORDER BY contribution DESC, account_id
                                   ROWS UNBOUNDED PRECEDING) AS cumulative,
           sum(contribution) OVER () AS total
    FROM pnl WHERE contribution IS NOT NULL
)
SELECT rank AS clients, cumulative / total AS value_share FROM curve
ORDER BY cumulative DESC, rank LIMIT 1
"""

SQL_LOSERS = """
SELECT account_id FROM pnl
WHERE contribution < 0 AND revenue / (SELECT sum(revenue) FROM pnl) >= 0.01
ORDER BY contribution, account_id
"""

SQL_STATUS = """
WITH b AS (
    SELECT account_id, day,
           datediff('day', lag(day) OVER (PARTITION BY account_id ORDER BY day), day) AS gap
    FROM days WHERE gross > 0
),
h AS (
    SELECT account_id, count(*) AS purchases, max(day) AS last, median(gap) AS median_interval,
           max(gap) FILTER (WHERE day > (SELECT max(day) FROM days) - INTERVAL 730 DAY)
               AS longest_gap
    FROM b GROUP BY ALL
),
y AS (
    SELECT d.account_id, sum(d.revenue) FILTER (
               WHERE d.day <= h.last AND d.day > h.last - INTERVAL 12 MONTH) AS annual_value,
           any_value(h.purchases) AS purchases, any_value(h.last) AS last,
           any_value(h.median_interval) AS median_interval,
           any_value(h.longest_gap) AS longest_gap
    FROM days d LEFT JOIN h USING (account_id) GROUP BY d.account_id
),
s AS (
    SELECT account_id, CAST(coalesce(purchases, 0) AS DOUBLE) AS purchases,
           CAST(median_interval AS DOUBLE) AS median_interval,
           CAST(datediff('day', last, (SELECT max(day) FROM days)) AS DOUBLE) AS days_since_last,
           CAST(longest_gap AS DOUBLE) AS longest_gap,
           CASE WHEN purchases >= 3 THEN greatest(2 * median_interval, 30.0,
                                                   coalesce(longest_gap, 0.0)) END
               AS at_risk_after,
           coalesce(annual_value, 0.0) AS annual_value
    FROM y
)
SELECT account_id, purchases, median_interval, days_since_last, longest_gap, at_risk_after,
       CASE WHEN purchases = 0 THEN 'no_purchase' WHEN days_since_last > 180 THEN 'lost'
            WHEN days_since_last > at_risk_after THEN 'at_risk' ELSE 'active' END AS status,
       annual_value
FROM s ORDER BY account_id
"""


def run_sql(path: str) -> tuple[dict, dict]:
    import duckdb

    t0 = time.perf_counter()
    steps = {}
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    reader = "read_csv" if path.endswith(".csv") else "read_parquet"
    source = f"{reader}('{path}')"
    con.execute(SQL_DAYS.format(source=source))
    steps["read (days table)"] = time.perf_counter() - t0
    t = time.perf_counter()
    abc = con.execute(SQL_ABC_XYZ).df().set_index("account_id")
    steps["abc_xyz"] = time.perf_counter() - t
    t = time.perf_counter()
    dep = con.execute(SQL_DEPENDENCE).df().iloc[0].to_dict()
    steps["dependence"] = time.perf_counter() - t
    t = time.perf_counter()
    con.execute(SQL_PNL.format(source=source))
    pnl = con.execute("SELECT * FROM pnl ORDER BY account_id").df().set_index("account_id")
    clients, value_share = con.execute(SQL_WHALE).fetchone()
    losers = [r[0] for r in con.execute(SQL_LOSERS).fetchall()]
    steps["profitability"] = time.perf_counter() - t
    t = time.perf_counter()
    status = con.execute(SQL_STATUS).df().set_index("account_id")
    steps["loss_status"] = time.perf_counter() - t
    seconds = time.perf_counter() - t0
    dep["key_clients"] = list(dep["key_clients"] if dep["key_clients"] is not None else [])
    dep["large"] = list(dep["large"] if dep["large"] is not None else [])  # NULL: none
    result = {
        "abc": abc,
        "dep": dep,
        "pnl": pnl,
        "whale": {"clients": int(clients), "value_share": float(value_share)},
        "losers": losers,
        "status": status,
    }
    return {"seconds": seconds, "steps": steps}, result


RUNNERS = {"a": run_kamlib, "b": run_pandas, "c": run_sql}


# --------------------------------------------------------------------------- comparing


def _close(a: float, b: float) -> bool:
    import math

    if a is None or b is None or (math.isnan(a) and math.isnan(b)):
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def compare(name: str, got: dict, want: dict) -> list[str]:
    """What differs between `got` and kamlib's `want` (empty: the same results)."""
    import numpy as np
    import pandas as pd

    diffs = []
    for table in ("abc", "pnl", "status"):
        g, w = got[table].sort_index(), want[table].sort_index()
        if list(map(str, g.index)) != list(map(str, w.index)):
            diffs.append(f"{table}: different accounts ({len(g)} vs {len(w)})")
            continue
        for col in w.columns:
            a, b = g[col], w[col]
            if pd.api.types.is_numeric_dtype(b):
                x, y = a.astype("float64").to_numpy(), b.astype("float64").to_numpy()
                ok = np.isclose(x, y, rtol=1e-9, atol=1e-6, equal_nan=True)
            else:
                ok = a.astype("str").to_numpy() == b.astype("str").to_numpy()
            if not ok.all():
                first = w.index[~ok][0]
                diffs.append(
                    f"{table}.{col}: {int((~ok).sum())} account(s) differ, e.g. {first}: "
                    f"{a.loc[first]!r} vs kamlib {b.loc[first]!r}"
                )
    for key, want_v in want["dep"].items():
        got_v = got["dep"][key]
        same = got_v == want_v if isinstance(want_v, list) else _close(got_v, want_v)
        if not same:
            diffs.append(f"dependence.{key}: {got_v!r} vs kamlib {want_v!r}")
    for key in ("clients", "value_share"):
        if not _close(got["whale"][key], want["whale"][key]):
            diffs.append(f"whale.{key}: {got['whale'][key]!r} vs kamlib {want['whale'][key]!r}")
    if list(map(str, got["losers"])) != list(map(str, want["losers"])):
        diffs.append(f"loss-makers: {got['losers'][:5]} vs kamlib {want['losers'][:5]}")
    return [f"({name}) {d}" for d in diffs]


# --------------------------------------------------------------------------- running


def _child(which: str, path: str, results: Path) -> dict:
    """Run one contender in a fresh interpreter; add its peak resident memory (MB)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", which, "--file", path, "--results", str(results)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"contender {which} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result


def _data(folder: Path, lines: int, accounts: int, fmt: str) -> Path:
    path = folder / f"tx_{lines}_{accounts}_{fmt}" / f"transactions.{fmt}"
    if not path.exists():
        print(f"kam sample --lines {lines} --accounts {accounts} --format {fmt} ...", flush=True)
        subprocess.run(
            [
                str(Path(sys.executable).parent / "kam"),
                "sample",
                "--lines",
                str(lines),
                "--accounts",
                str(accounts),
                "--format",
                fmt,
                "--out",
                str(path.parent),
            ],
            check=True,
        )
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000, help="transaction lines")
    parser.add_argument("--accounts", type=int, default=5_000, help="accounts")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--out", default=str(ROOT / "data" / "bench"), help="data folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best kept)")
    parser.add_argument("--child", choices=list(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        timing, result = RUNNERS[args.child](args.file)
        Path(args.results).write_bytes(pickle.dumps(result))
        print(json.dumps(timing))
        return

    path = _data(Path(args.out), args.lines, args.accounts, args.format)
    print(
        f"{path} ({path.stat().st_size / 1e6:.0f} MB, {args.lines:,} lines, {args.accounts:,} "
        f"accounts), {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}\n",
        flush=True,
    )
    order = ["c", "b", "a"]
    load_before = os.getloadavg()
    results, outputs = {}, {}
    with tempfile.TemporaryDirectory(prefix="kam-bench-") as tmp:
        for _ in range(args.repeat):  # interleaved, so that a busy spell does not hit one only
            for which in order:
                run = _child(which, str(path), Path(tmp) / f"{which}.pkl")
                best = results.get(which)
                if best is None or run["seconds"] < best["seconds"]:
                    results[which] = {
                        **run,
                        "peak_mb": max(run["peak_mb"], (best or run)["peak_mb"]),
                    }
                else:
                    best["peak_mb"] = max(best["peak_mb"], run["peak_mb"])
        for which in order:
            outputs[which] = pickle.loads((Path(tmp) / f"{which}.pkl").read_bytes())
    load_after = os.getloadavg()

    for which in order:
        r = results[which]
        print(f"({which}) {CONTENDERS[which]}")
        print(f"    {r['seconds']:6.2f} s   peak {r['peak_mb']:6.0f} MB")
        print("    " + ", ".join(f"{k} {v:.2f} s" for k, v in r["steps"].items()))
    diffs = compare("c", outputs["c"], outputs["a"]) + compare("b", outputs["b"], outputs["a"])
    a, b, c = (results[k]["seconds"] for k in "abc")
    peak = results["a"]["peak_mb"]
    print()
    print("same results: " + ("yes, (b) and (c) equal kamlib's" if not diffs else "NO"))
    for d in diffs:
        print("    " + d)
    verdict = {True: "met", False: "MISSED"}
    print(f"a / c = {a / c:.2f}  (target <= {TARGETS['a/c']}: {verdict[a / c <= TARGETS['a/c']]})")
    print(f"b / a = {b / a:.2f}  (target >= {TARGETS['b/a']}: {verdict[b / a >= TARGETS['b/a']]})")
    print(
        f"peak memory of (a) = {peak:.0f} MB  (target <= {TARGETS['peak_mb']:.0f} at 10 M lines"
        + (f": {verdict[peak <= TARGETS['peak_mb']]})" if args.lines >= 10_000_000 else ")")
    )
    print(
        f"best of {args.repeat}; load average (1, 5, 15 min) before "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + ", after "
        + ", ".join(f"{x:.1f}" for x in load_after)
    )
    if diffs:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Back-test of the "at risk" rule of :func:`kamlib.client_status`: does the flag predict a stop?

For several cut-off dates, every client is classified with the transactions up to the cut-off
only; the truth is whether it bought again in the following ``--horizon`` months (default 6):
a client with no purchase in that window "stopped". Population at a cut-off: the clients the
rule can judge, i.e. not lost yet (a purchase in the last 180 days) and at least 3 purchases
so far. For each rule the script prints the counts (population, stopped, flagged, flagged and
stopped), precision (share of flagged clients that stopped), recall (share of stopped clients
that were flagged), F1 and the base rate (share of the population that stopped: the precision
of flagging at random), pooled over the cut-offs, on

(a) the sample workspace (``data/sample/transactions.csv``, 2023-2025, made up), and
(b) CDNOW, a public real transaction log (23,570 customers of an online CD shop, 1997-01 to
    1998-06; Fader & Hardie), read from the file ``lifetimes/datasets/CDNOW_master.txt``
    shipped inside the PyPI package ``lifetimes``. ``--cdnow PATH`` uses a copy of that file
    (or of the wheel); otherwise the script runs ``pip download --no-deps lifetimes`` into a
    temporary folder, reads the file out of the wheel with zipfile and deletes the folder.
    lifetimes is not installed and not a dependency of kamlib. The whitespace-separated
    columns (customer id, yyyymmdd date, number of CDs, dollar value) are converted by this
    script to a transactions frame (account_id, date, revenue = dollar value).

Service (issue 13): does bad service predict a stop? ``--service-only`` runs just this part, on
the sample (CDNOW has no deliveries): at the same cut-offs and on the same population, the flag
``service_risk`` of :func:`kamlib.service_levels` (OTIF below 85 % on at least 10 due
deliveries, or a complaint open for more than 30 days, in the 12 months up to the cut-off,
from the sample's ``deliveries.csv`` and ``complaints.csv``), alone and combined with the
at-risk rule (flagged by either).

Run from the repository root::

    .venv/bin/python validation/at_risk_backtest.py [--cdnow PATH] [--horizon 6] [--service-only]

It takes about half a minute. The rule that wins (highest F1, averaged over the two data sets)
is printed at the end with the defaults of ``client_status``; validation/README.md records the
figures of the last run.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd

from kamlib.portfolio.churn import client_status
from kamlib.portfolio.service import service_levels

ROOT = Path(__file__).resolve().parents[1]
LOST_AFTER_DAYS = 180
MIN_PURCHASES = 3

# name -> keyword arguments of client_status
RULES: dict[str, dict] = {
    "methods.md: 2 x median": dict(k=2.0, min_gap_days=0, gap_lookback_days=0),
    "old: 2 x median, 30-day floor": dict(k=2.0, min_gap_days=30, gap_lookback_days=0),
    "3 x median, 30-day floor": dict(k=3.0, min_gap_days=30, gap_lookback_days=0),
    "new: + longest pause 365 d": dict(k=2.0, min_gap_days=30, gap_lookback_days=365),
    "new: + longest pause 730 d": dict(k=2.0, min_gap_days=30, gap_lookback_days=730),
    "new: + 1.5 x longest pause 730 d": dict(
        k=2.0, min_gap_days=30, gap_lookback_days=730, gap_factor=1.5
    ),
    "new: + longest pause 730 d, 60-day floor": dict(k=2.0, min_gap_days=60, gap_lookback_days=730),
}


def read_sample(folder: Path) -> pd.DataFrame:
    tx = pd.read_csv(folder / "transactions.csv", dtype={"account_id": "str"}, parse_dates=["date"])
    return tx[["account_id", "date", "revenue"]]


def _cdnow_text(path: Path | None) -> tuple[str, str]:
    member = "lifetimes/datasets/CDNOW_master.txt"
    if path is not None:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as wheel:
                return wheel.read(member).decode(), f"{member} in {path}"
        return Path(path).read_text(), str(path)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"downloading the lifetimes wheel with pip into {tmp} (pass --cdnow to skip) ...")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--quiet",
                "lifetimes",
                "-d",
                tmp,
            ],
            check=True,
        )
        wheel_path = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel_path) as wheel:
            return wheel.read(member).decode(), f"{member} in {wheel_path.name} (pip download)"


def read_cdnow(path: Path | None) -> tuple[pd.DataFrame, str]:
    """CDNOW_master.txt as a transactions frame: account_id, date, revenue (dollar value)."""
    text, source = _cdnow_text(path)
    raw = pd.read_csv(
        io.StringIO(text),
        sep=r"\s+",
        header=None,
        names=["account_id", "date", "cds", "revenue"],
        dtype={"account_id": "str", "date": "str"},
        comment=None,
    )
    raw = raw[raw["date"].str.fullmatch(r"\d{8}")]  # the file has a header line
    tx = pd.DataFrame(
        {
            "account_id": raw["account_id"].astype("str"),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "revenue": raw["revenue"].astype("float64"),
        }
    ).reset_index(drop=True)
    return tx, source


def backtest(tx: pd.DataFrame, cutoffs: list[pd.Timestamp], horizon: int) -> pd.DataFrame:
    rows = []
    bought = tx[tx["revenue"] > 0]
    for cut in cutoffs:
        end = cut + pd.DateOffset(months=horizon)
        future = bought[(bought["date"] > cut) & (bought["date"] <= end)]
        again = set(future["account_id"])
        past = tx[tx["date"] <= cut]
        for name, kwargs in RULES.items():
            st = client_status(
                past,
                as_of=cut,
                lost_after_days=LOST_AFTER_DAYS,
                min_purchases=MIN_PURCHASES,
                **kwargs,
            )
            judged = st[st["status"].isin(["active", "at_risk"]) & st["at_risk_after"].notna()]
            stopped = ~judged.index.isin(list(again))
            flagged = (judged["status"] == "at_risk").to_numpy()
            rows.append(
                {
                    "rule": name,
                    "cutoff": cut.date(),
                    "population": len(judged),
                    "stopped": int(stopped.sum()),
                    "flagged": int(flagged.sum()),
                    "hits": int((flagged & stopped).sum()),
                }
            )
    return pd.DataFrame(rows)


def read_service(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    d = pd.read_csv(
        folder / "deliveries.csv",
        dtype={"account_id": "str"},
        parse_dates=["promised_date", "actual_date"],
    )
    d["complete"] = d["complete"].map({True: True, False: False}).astype("boolean")
    c = pd.read_csv(
        folder / "complaints.csv",
        dtype={"account_id": "str"},
        parse_dates=["date", "resolved_date"],
    )
    return d, c


def service_backtest(
    tx: pd.DataFrame,
    deliveries: pd.DataFrame,
    complaints: pd.DataFrame,
    cutoffs: list[pd.Timestamp],
    horizon: int,
) -> pd.DataFrame:
    """Service risk, the at-risk rule and either, against "stopped" at each cut-off."""
    rows = []
    bought = tx[tx["revenue"] > 0]
    for cut in cutoffs:
        end = cut + pd.DateOffset(months=horizon)
        again = set(bought[(bought["date"] > cut) & (bought["date"] <= end)]["account_id"])
        past = tx[tx["date"] <= cut]
        st = client_status(
            past, as_of=cut, lost_after_days=LOST_AFTER_DAYS, min_purchases=MIN_PURCHASES
        )
        judged = st[st["status"].isin(["active", "at_risk"]) & st["at_risk_after"].notna()]
        # what was known at the cut-off: deliveries promised and complaints received by then
        d = deliveries[deliveries["promised_date"] <= cut].copy()
        d.loc[d["actual_date"] > cut, ["actual_date", "complete"]] = [pd.NaT, pd.NA]
        c = complaints[complaints["date"] <= cut]
        svc = service_levels(d, c, as_of=cut, months=12, accounts=list(judged.index))
        stopped = ~judged.index.isin(list(again))
        service = svc["service_risk"].fillna(False).to_numpy(dtype=bool)
        at_risk = (judged["status"] == "at_risk").to_numpy()
        for name, flagged in (
            ("service risk", service),
            ("at risk (default rule)", at_risk),
            ("at risk or service risk", at_risk | service),
        ):
            rows.append(
                {
                    "rule": name,
                    "cutoff": cut.date(),
                    "population": len(judged),
                    "stopped": int(stopped.sum()),
                    "flagged": int(flagged.sum()),
                    "hits": int((flagged & stopped).sum()),
                    "hit ids": ", ".join(sorted(judged.index[flagged & stopped])),
                }
            )
    return pd.DataFrame(rows)


def scores(per_cutoff: pd.DataFrame) -> pd.DataFrame:
    out = per_cutoff.groupby("rule", sort=False)[["population", "stopped", "flagged", "hits"]].sum()
    out["precision"] = out["hits"] / out["flagged"].where(out["flagged"] > 0)
    out["recall"] = out["hits"] / out["stopped"].where(out["stopped"] > 0)
    out["F1"] = 2 * out["precision"] * out["recall"] / (out["precision"] + out["recall"])
    out["base rate"] = out["stopped"] / out["population"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cdnow", type=Path, help="CDNOW_master.txt or the lifetimes wheel")
    parser.add_argument("--sample", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--horizon", type=int, default=6, help="months after the cut-off")
    parser.add_argument(
        "--service-only", action="store_true", help="only the service back-test on the sample"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pd.set_option("display.width", 160)
    pd.set_option("display.float_format", "{:.3f}".format)

    sample = read_sample(args.sample)
    if (args.sample / "deliveries.csv").is_file():
        deliveries, complaints = read_service(args.sample)
        last = sample["date"].max()
        cutoffs = [
            c
            for c in pd.date_range("2024-03-31", "2025-06-30", freq="QE")
            if c + pd.DateOffset(months=args.horizon) <= last
        ]
        per_cut = service_backtest(sample, deliveries, complaints, cutoffs, args.horizon)
        hits = per_cut.groupby("rule", sort=False)["hit ids"].agg(
            lambda s: ", ".join(sorted({i for ids in s for i in ids.split(", ") if i}))
        )
        table = scores(per_cut.drop(columns="hit ids"))
        table["stopped and flagged"] = hits
        print("service (sample): does bad service predict a stop?")
        print(f"cut-offs {', '.join(str(c.date()) for c in cutoffs)}")
        print(table.to_string(), end="\n\n")
    if args.service_only:
        print(f"({time.perf_counter() - started:.0f} s)")
        return 0
    cdnow, source = read_cdnow(args.cdnow)
    print(
        f"CDNOW: {source}: {len(cdnow):,} lines, {cdnow['account_id'].nunique():,} customers, "
        f"{cdnow['date'].min().date()} to {cdnow['date'].max().date()} "
        "(converted here to account_id, date, revenue = dollar value)"
    )
    sets = {
        "sample": (sample, pd.date_range("2024-03-31", "2025-06-30", freq="QE")),
        "CDNOW": (cdnow, pd.date_range("1997-09-30", "1997-12-31", freq="ME")),
    }
    print(
        f"truth: stopped = no purchase in the {args.horizon} months after the cut-off; "
        f"population = not lost (a purchase in the last {LOST_AFTER_DAYS} days) and at least "
        f"{MIN_PURCHASES} purchases up to the cut-off; figures pooled over the cut-offs\n"
    )
    f1 = {}
    for name, (tx, cutoffs) in sets.items():
        last = tx["date"].max()
        cutoffs = [c for c in cutoffs if c + pd.DateOffset(months=args.horizon) <= last]
        table = scores(backtest(tx, cutoffs, args.horizon))
        print(f"{name}: cut-offs {', '.join(str(c.date()) for c in cutoffs)}")
        print(table.to_string(), end="\n\n")
        f1[name] = table["F1"]
    mean_f1 = pd.DataFrame(f1).mean(axis=1).sort_values(ascending=False)
    best = mean_f1.index[0]
    print("F1 averaged over the two data sets:")
    print(mean_f1.to_string(), end="\n\n")
    print(f"best: {best}: {RULES[best]}")
    print(
        "defaults of client_status: k=2.0, min_gap_days=30, gap_lookback_days=730, "
        "gap_factor=1.0, min_purchases=3, lost_after_days=180"
    )
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

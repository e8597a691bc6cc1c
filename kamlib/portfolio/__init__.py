"""Portfolio analytics: the sales engine, ABC-XYZ, key clients, profitability, churn, scoring.

Pure functions on frames.
"""

"""Plots in seaborn's contract: ``plot(data, *, ..., ax=None, **kwargs) -> Axes``."""

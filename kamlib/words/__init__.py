"""Words: every sentence the reports say about the numbers."""

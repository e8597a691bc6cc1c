"""Reports: safe HTML elements, the notebook export and its security gate, PDF, spreadsheets, safe paths."""

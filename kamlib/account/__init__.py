"""One account: dossier, meeting brief (limits, proposal, follow-up) and development plan."""

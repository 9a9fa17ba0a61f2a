"""Reports built from the catalog and the facts computed from it (plan progress, …), in several formats."""

"""Documents: symbols, the processing chain, languages, deadlines and publication."""

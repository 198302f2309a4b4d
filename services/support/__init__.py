"""Support: the reciprocal-support ledger between secretariats."""

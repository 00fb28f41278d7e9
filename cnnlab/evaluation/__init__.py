"""How good is a run: test-set evaluation, metrics, a cache, and comparing runs."""

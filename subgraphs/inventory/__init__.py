"""inventory: the warehouse. Adds stock and shipping estimates to ``Product``."""

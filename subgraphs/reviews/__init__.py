"""reviews: product reviews. Owns ``Review``; adds ``reviews`` to ``User`` and ``Product``."""

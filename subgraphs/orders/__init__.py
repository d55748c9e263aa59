"""orders: placed orders and ``placeOrder``. Owns ``Order`` and the sales stock ledger."""

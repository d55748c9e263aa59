"""accounts: the users of the shop. Owns ``User`` (``@key(fields: "id")``)."""

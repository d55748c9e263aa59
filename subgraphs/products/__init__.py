"""products: the catalog. Owns ``Product`` (``@key(fields: "upc")``): name, price, weight."""

"""Shared state in Redis (docs/redis.md): the one package that talks to Redis.

``config`` (the ``redis:`` block, no Redis import), ``client`` (``RedisClient``: namespaced
keys, per-command timeout, fails fast while Redis is down and comes back by itself; imports
redis-py, so import it only when a block is configured), ``clients`` (one client per block
for the app's lifetime) and the shared stores built on it (``stores``: APQ texts, token
buckets; ``plans``: the query plan cache tier)."""

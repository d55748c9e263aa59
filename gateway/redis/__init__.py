"""Shared state in Redis (docs/redis.md): the one package that talks to Redis.

``config`` (the ``redis:`` block → ``RedisConfig``; no Redis import; its schema is
``gateway.config.shared_state.redis_schema``), ``connect`` (redis-py's client by URL scheme),
``client`` (``RedisClient``: namespaced keys, per-command timeout, fails fast while Redis is
down and comes back by itself), ``state`` (``SharedState``: one client per block for the app's
lifetime), and what is built on them: ``stores`` (two-tier APQ, Lua token buckets),
``plan_codec`` + ``plans`` (the plan cache's Redis tier). Everything but ``config`` imports
redis-py: import it only when a block is configured."""

"""``python -m subgraphs.healthcheck [URL]``: exit 0 if ``GET URL`` answers HTTP 200, else 1.

The container health check of docker-compose.yml and the Dockerfile (the image has no curl):
works for the services' ``/health`` and the gateway's ``/health/ready`` alike. Without a URL
it asks ``$FEDGATE_HEALTHCHECK_URL`` (the image's ``HEALTHCHECK`` stays in exec form, no shell).
"""

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

ENV_URL = "FEDGATE_HEALTHCHECK_URL"


def check(url: str, timeout: float = 3.0) -> str | None:
    """``None`` if ``url`` answers 200, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        return f"{url}: HTTP {error.code}"
    except (OSError, ValueError) as error:
        return f"{url}: {error}"
    return None if status == 200 else f"{url}: HTTP {status}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from_env = os.environ.get(ENV_URL, "").strip()
    if not args and from_env:
        args = [from_env]
    if len(args) != 1:
        print(f"usage: python -m subgraphs.healthcheck URL (or set {ENV_URL})", file=sys.stderr)
        return 2
    problem = check(args[0])
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

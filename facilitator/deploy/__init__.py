"""Running several ``facilitator serve`` processes behind a reverse proxy (docs/deploy.md).

``nginx``: the proxy's configuration and a runner for Debian's nginx in a directory of its own;
``cluster``: a local trial deployment (PostgreSQL, Redis, N processes, nginx) behind
``facilitator cluster``. Nothing here is imported by the server itself.
"""

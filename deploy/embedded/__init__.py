"""Embedded default runner: the whole of Consorcia on one machine, no Docker, no root.

`python -m deploy.embedded` (what `make run` calls) starts a real nats-server with JetStream and a
real redis-server from the project's wheels, then the four services and the GraphQL gateway as
supervised uvicorn processes, with every piece of state under one folder (./var by default).
"""

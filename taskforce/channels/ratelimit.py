"""The chat flood limit's bucket lives in the live layer (`taskforce.live.ratelimit`, PURE); with Redis
configured every process shares it (`taskforce.live.flood_limit`). Kept importable here for callers."""
from taskforce.live.ratelimit import TokenBuckets

__all__ = ["TokenBuckets"]

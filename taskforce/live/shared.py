"""Presence and flood limits kept in Redis, when `SOCKETIO_MESSAGE_QUEUE` names one, so that every server
process agrees (the embedded default keeps them in memory: `presence.MemoryPresence`,
`ratelimit.TokenBuckets`).

Each operation is one Lua script, so it is atomic across processes: two processes taking the last token or
closing a member's last two sockets at once cannot both win. A Redis error is never a crash: the flood
limit lets the action through (the database and the other limits still hold) and presence reads as
nobody online; both are logged without any user text.

Keys (prefix `taskforce:live:`): `bucket:<name>:<key>` a hash (tokens, last) expiring once full;
`presence:user:<id>` a sorted set of the member's sids scored by when they expire; `presence:sid` a hash
sid → member; `presence:online` the set of members online. Sids expire unless the process holding them
refreshes them (the sweep does, every interval), so a crashed process's members drop offline by themselves.
"""
import logging
import time

import redis

log = logging.getLogger(__name__)
PREFIX = "taskforce:live:"

_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'last', string.format('%.6f', now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return allowed
"""

_LEVEL = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
return string.format('%.6f', math.min(capacity, tokens + math.max(0, now - last) * rate))
"""

_CAME = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
return redis.call('ZCARD', KEYS[1])
"""

_WENT = """
local user_id = redis.call('HGET', KEYS[1], ARGV[1])
if not user_id then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local key = ARGV[2] .. user_id
redis.call('ZREM', key, ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3])
if redis.call('ZCARD', key) == 0 then
  redis.call('DEL', key)
  redis.call('SREM', KEYS[2], user_id)
  return {user_id, 1}
end
return {user_id, 0}
"""

_PRUNE = """
local gone = {}
for _, user_id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local key = ARGV[1] .. user_id
  for _, sid in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[2])) do
    redis.call('HDEL', KEYS[1], sid)
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
  if redis.call('ZCARD', key) == 0 then
    redis.call('SREM', KEYS[2], user_id)
    table.insert(gone, user_id)
  end
end
return gone
"""


def connect(url: str) -> redis.Redis:
    """One client (a thread-safe connection pool) per app, with short timeouts: a socket handler must not
    hang on a Redis outage."""
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)


class RedisTokenBuckets:
    """`ratelimit.TokenBuckets` shared by every process: `allow(key)`, `retry_after(key)`, `reset()`."""

    def __init__(self, client: redis.Redis, name: str, capacity: int, per_seconds: float, prefix: str = PREFIX):
        self.client = client
        self.prefix = f"{prefix}bucket:{name}:"
        self.capacity = float(capacity)
        self.rate = capacity / per_seconds
        self._take = client.register_script(_TAKE)
        self._level = client.register_script(_LEVEL)

    def allow(self, key) -> bool:
        """Take one token for `key`; False when its bucket is empty. Lets the action through if Redis fails."""
        try:
            return bool(self._take(keys=[self.prefix + str(key)], args=[self.capacity, self.rate]))
        except redis.RedisError as error:
            log.warning("shared flood limit unavailable (%s); letting the action through", type(error).__name__)
            return True

    def retry_after(self, key) -> float:
        """Seconds until `key` has a token again (for the error message)."""
        try:
            tokens = float(self._level(keys=[self.prefix + str(key)], args=[self.capacity, self.rate]))
        except redis.RedisError:
            return 1.0
        return max(0.0, (1 - tokens) / self.rate)

    def reset(self) -> None:
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.delete(key)


class RedisPresence:
    """`presence.MemoryPresence` kept in Redis (see the module docstring for the keys)."""

    def __init__(self, client: redis.Redis, ttl_seconds: float, prefix: str = PREFIX):
        self.client = client
        self.ttl = float(ttl_seconds)
        self.prefix = prefix
        self.user_prefix = prefix + "presence:user:"
        self.sid_key = prefix + "presence:sid"
        self.online_key = prefix + "presence:online"
        self._came = client.register_script(_CAME)
        self._went = client.register_script(_WENT)
        self._prune = client.register_script(_PRUNE)

    def came_online(self, user_id: int, sid: str) -> bool:
        now = time.time()
        try:
            count = self._came(keys=[f"{self.user_prefix}{user_id}", self.sid_key, self.online_key],
                               args=[sid, user_id, now + self.ttl, now])
        except redis.RedisError as error:
            log.warning("shared presence unavailable (%s)", type(error).__name__)
            return False
        return int(count) == 1

    def went_offline(self, sid: str) -> tuple[int | None, bool]:
        try:
            answer = self._went(keys=[self.sid_key, self.online_key], args=[sid, self.user_prefix, time.time()])
        except redis.RedisError as error:
            log.warning("shared presence unavailable (%s)", type(error).__name__)
            return None, False
        if not answer:
            return None, False
        return int(answer[0]), bool(int(answer[1]))

    def user_of(self, sid: str) -> int | None:
        try:
            value = self.client.hget(self.sid_key, sid)
        except redis.RedisError:
            return None
        return int(value) if value is not None else None

    def online_user_ids(self) -> set[int]:
        try:
            return {int(v) for v in self.client.smembers(self.online_key)}
        except redis.RedisError:
            return set()

    def refresh(self, sids_of_users: dict[int, list[str]]) -> None:
        """Push back the expiry of the sockets this process holds (the sweep calls it every interval)."""
        expires = time.time() + self.ttl
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for user_id, sids in sids_of_users.items():
                    pipe.zadd(f"{self.user_prefix}{user_id}", {sid: expires for sid in sids}, xx=True)
                pipe.execute()
        except redis.RedisError as error:
            log.warning("shared presence refresh failed (%s)", type(error).__name__)

    def prune(self) -> list[int]:
        """Members whose every socket expired (their process died): taken offline; returns who."""
        try:
            return [int(v) for v in self._prune(keys=[self.sid_key, self.online_key],
                                                args=[self.user_prefix, time.time()])]
        except redis.RedisError:
            return []

    def reset(self) -> None:
        for key in self.client.scan_iter(match=self.prefix + "presence:*", count=500):
            self.client.delete(key)

"""Where a training job lives in Redis, shared by the web processes (redis_queue) and the workers
(redis_job), and the few atomic steps both sides take on it.

One hash per job, `cnnlab:job:<id>`, holds the student-facing record (owner, name, state,
times, error, the run folder relative to the runs folder, the last Progress as JSON). RQ only
carries the job to a worker; its own job status is never shown. Beside the hash:

- `cnnlab:job:<id>:alive`, set with a short TTL by the worker every second while it trains: a
  worker killed with -9 (or a machine gone) stops refreshing it, and the next status read that
  finds a "running" job without it marks the job failed.
- `cnnlab:job:<id>:stop`, set by Stop; the worker's watcher thread polls it.
- `cnnlab:owner:<owner>`, a sorted set of the owner's job ids by creation time.

Each state change is a Lua script, so a web process and a worker never overwrite each other:
a worker writes only while the job is "running", and a job is declared lost only while it is
"running" and its heartbeat key is gone.
"""

from __future__ import annotations

from typing import Any

PREFIX = "cnnlab"
QUEUE = "cnnlab-training"  # the RQ queue trainings wait in
KEEP_S = 7 * 24 * 3600  # a finished job's record stays this long (its run stays on disk for good)


def job_key(job_id: str) -> str:
    return f"{PREFIX}:job:{job_id}"


def alive_key(job_id: str) -> str:
    return f"{PREFIX}:job:{job_id}:alive"


def stop_key(job_id: str) -> str:
    return f"{PREFIX}:job:{job_id}:stop"


def owner_key(owner: str) -> str:
    return f"{PREFIX}:owner:{owner}"


def submit_lock_key(queue: str) -> str:
    return f"{PREFIX}:submit-lock:{queue}"


# KEYS: job, alive. ARGV: now, heartbeat ms, worker name, pid. Queued -> running, or 0 when the
# job was cancelled (or taken) meanwhile.
START = """
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running', 'started', ARGV[1], 'worker', ARGV[3], 'pid', ARGV[4])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return 1
"""

# KEYS: job. ARGV: field, value, ... Written only while the job is running.
UPDATE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""

# KEYS: job, alive, stop. ARGV: keep seconds, field, value, ... The worker's last word.
FINISH = """
local running = redis.call('HGET', KEYS[1], 'state') == 'running'
if running then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('EXPIRE', KEYS[1], ARGV[1])
if running then return 1 end
return 0
"""

# KEYS: job, alive. ARGV: now, message, keep seconds. Running without a heartbeat -> failed.
LOST = """
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'failed', 'finished', ARGV[1], 'error', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# KEYS: job, stop. ARGV: owner, now, keep seconds, stop ttl. 1: cancelled while queued,
# 2: a running job was asked to stop, 0: not this owner's or already over.
CANCEL = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return 1
end
if state == 'running' then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
  return 2
end
return 0
"""


def flat(fields: dict[str, Any]) -> list[str]:
    """A dict as Redis HSET arguments, None as an empty string."""
    out: list[str] = []
    for name, value in fields.items():
        out += [name, "" if value is None else str(value)]
    return out

"""The one handler path every event takes, and what runs around it.

`handler.py` (lock, dedupe, load, decide, persist), `effects.py` (effects -> rows in the
handler's transaction), `delivery.py` (the outbox dispatcher), `senders.py` and `media.py`
(outbox handlers that talk to candidate channels), `timers.py`, `locks.py`, `clock.py`,
`metrics.py`. Imports `conversations`, `storage`, `config` and the neutral port types in
`adapters.base` / `adapters.errors`; never a platform adapter, never another `bot` room.
"""

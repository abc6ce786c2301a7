"""WhatsApp Cloud API candidate channel (so far: its invite links)."""

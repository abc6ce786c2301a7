"""Scripts that print figures; run on demand, never timed inside tests."""

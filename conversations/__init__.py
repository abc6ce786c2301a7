"""The interview engine: pure conversation logic, no SDK, no SQL, no network, no clock."""

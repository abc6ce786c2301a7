"""Settings and campaign kits: the types the rest of the service is configured with."""

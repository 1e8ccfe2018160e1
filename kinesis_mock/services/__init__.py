"""One handler per operation, grouped by service."""

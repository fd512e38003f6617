"""One module per CLI command group, each owning its arguments."""

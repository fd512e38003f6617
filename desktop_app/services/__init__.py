"""Use cases shared by the GUI and the CLI: queue, tickets, drafts, import, seed. No Qt."""

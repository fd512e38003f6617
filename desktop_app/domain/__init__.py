"""Qt-free, SQL-free vocabulary and records that every layer shares."""

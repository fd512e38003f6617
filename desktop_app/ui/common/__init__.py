"""Widgets and helpers every window uses: workers, formatting."""

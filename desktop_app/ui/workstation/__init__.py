"""The agent's workstation: main window, queue and ticket pane."""

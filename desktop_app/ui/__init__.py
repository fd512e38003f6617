"""The PySide6 front end: widgets, Qt models and background workers. No SQL here."""

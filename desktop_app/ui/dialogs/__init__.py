"""Modal dialogs: sign-in, import, reveal."""

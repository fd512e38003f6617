"""The AI draft in the reply box: editor, strip, controller, presenter."""

"""Training the models from the public corpora (needs torch and transformers; the app never imports it)."""

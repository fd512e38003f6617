"""Training helpers both models share: corpora, batching, tokenizers, feedback."""

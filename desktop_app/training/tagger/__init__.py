"""The tagger's training: MLM pretraining, fine-tuning, evaluation, export, bench."""

"""The drafter's training: pairs, decoder, training loop, evaluation, export, bench."""

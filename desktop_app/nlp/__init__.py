"""Runtime language processing: text cleaning, the ONNX ticket tagger. No torch, no Qt."""

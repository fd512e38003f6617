"""The ONNX ticket tagger and the explanation of its flag."""

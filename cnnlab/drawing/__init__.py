"""Test a model on your own digit: uploads, MNIST-style preprocessing, prediction, a look inside."""

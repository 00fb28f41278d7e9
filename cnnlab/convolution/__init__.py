"""Convolution by hand: kernels sliding over a grid, pooling, and the receptive field."""

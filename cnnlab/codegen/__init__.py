"""The design as a runnable Keras script, to take home."""

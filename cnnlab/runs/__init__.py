"""Saved runs: storage, model files, atomic writes and downloads."""

"""Design a CNN: the frozen design, presets, editing, exact arithmetic, warnings and the table."""

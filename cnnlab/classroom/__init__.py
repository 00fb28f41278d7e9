"""The classroom server: the teacher's settings, the caps they set and students' lab codes."""

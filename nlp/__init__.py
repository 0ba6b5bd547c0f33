"""saydo's audit engine: a library with no web, database or settings imports."""

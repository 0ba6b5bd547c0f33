"""saydo's edges: the HTTP service and the command line, both clients of ``nlp``."""

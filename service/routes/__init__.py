"""HTTP routers: thin adapters from requests to the keyword-only service functions."""

"""Background work: checks. Tasks take ids or dates, load, and call a service."""

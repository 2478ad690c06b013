"""Background work: capacity. Tasks take ids or dates, load, and call a service."""

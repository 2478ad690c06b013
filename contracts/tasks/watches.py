"""Background work: watches. Tasks take ids or dates, load, and call a service."""

"""Who may do what with fps."""

"""Who may do what with evaluation."""

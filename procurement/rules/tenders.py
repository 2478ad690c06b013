"""Who may do what with tenders."""

"""Who may do what: decommissioning. (Filled in with its pages.)"""

"""Who may do what: checks. (Filled in with its pages.)"""

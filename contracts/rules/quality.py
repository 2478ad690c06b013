"""Who may do what: quality. (Filled in with its pages.)"""

"""Who may do what: contracts. (Filled in with its pages.)"""

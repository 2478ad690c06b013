"""Pages: contracts. (Filled in with its pages.)"""

urlpatterns: list = []

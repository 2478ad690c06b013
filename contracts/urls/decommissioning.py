"""Pages: decommissioning. (Filled in with its pages.)"""

urlpatterns: list = []

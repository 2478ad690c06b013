"""Pages: checks. (Filled in with its pages.)"""

urlpatterns: list = []

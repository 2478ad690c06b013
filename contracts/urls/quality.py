"""Pages: quality. (Filled in with its pages.)"""

urlpatterns: list = []

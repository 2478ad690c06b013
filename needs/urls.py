app_name = "needs"

# The pages of this stage arrive with its issue; the prefix /needs/ is reserved for them.
urlpatterns: list = []

app_name = "procurement"

# The pages of this stage arrive with its issue; the prefix /procurement/ is reserved for them.
urlpatterns: list = []

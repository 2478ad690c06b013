app_name = "contracts"

# The pages of this stage arrive with its issue; the prefix /contracts/ is reserved for them.
urlpatterns: list = []

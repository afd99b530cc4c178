"""The Back Market-compatible seller API under /ws/."""
urlpatterns: list = []

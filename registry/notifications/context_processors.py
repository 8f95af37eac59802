"""The unread count every page's inbox badge shows."""
from .services import unread_notification_count


def inbox(request):
    """The unread count shown next to the inbox link in the navigation bar (one indexed COUNT)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_notification_count(user=user)}

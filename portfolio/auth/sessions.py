"""How a session cookie maps back to a person.

The cookie holds ``<user id>:<session token>``; changing a person's token (on password change or
reset) ends every other session they had.
"""

from ..extensions import db, login_manager
from ..models import User


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user

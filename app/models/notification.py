"""In-app notifications: a short message to one user account about something that waits for them.

The message is stored as its kind, the name of the person who caused it and the id of the row it is about
(the kind says which table), and put into words and a link when shown, in the reader's language. A notification is personal: only its recipient reads it (no scope declaration,
it is never listed through the shared data interface; the service filters by the signed-in account).
"""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String

from app.models.audit import utcnow


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient_read", "recipient_id", "read_at"),)

    id = Column(Integer, primary_key=True)
    recipient_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(30), nullable=False)
    actor_name = Column(String(150), nullable=False)
    subject_id = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    read_at = Column(DateTime)

    def __str__(self):
        return self.kind

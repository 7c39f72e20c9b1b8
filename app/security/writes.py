"""Who may write through a generated page or REST resource: its permission names and its write guards.

One resource (an MVC model view and its REST API) shares one permission pair, ``can_read`` / ``can_write``
(``READ_WRITE_PERMISSIONS``; app.security.roles grants them). ``GuardedWrites`` runs, before anything is
written by either, the scope check and the use-case's validators (app.services), and refuses a save based on
an older row version; row-level "who may act" rules are in app.security.acts.
"""
from app.domain.messages import DomainError
from app.extensions import db
from app.models.versioning import is_versioned
from app.security.guards import ensure_writable
from app.services.versioning import VersionConflict, ensure_current_version

# MVC and REST of one resource share one permission pair: can_read / can_write.
READ_WRITE_PERMISSIONS = {
    "list": "read", "show": "read",
    "add": "write", "edit": "write", "delete": "write", "muldelete": "write",
    "get": "read", "get_list": "read", "info": "read",
    "post": "write", "put": "write",
    "export_xlsx": "read",
}
# Daily activities: the report form, the evaluator's queue and the dashboard (pages and REST alike).
ACTIVITY_PERMISSIONS = {**READ_WRITE_PERMISSIONS, "submit": "write", "approve": "write",
                        "return_activity": "write", "bulk_approve": "write",
                        "report": "write", "mine": "read", "queue": "read", "decide": "write",
                        "evidence": "read", "send": "write", "index": "read", "data": "read",
                        "employee": "read"}
# Work plans: the workflow steps and a new draft (pages and REST alike).
PLAN_PERMISSIONS = {**READ_WRITE_PERMISSIONS, "transition": "write", "new_plan": "write"}


class GuardedWrites:
    """Scope and business validation before anything is written; one rule set for MVC and REST.

    ``validators`` are service functions ``f(item)`` raising DomainError; the
    same functions run for an add, an edit and an API call, and on refusal the
    session is rolled back so nothing half-changed can be committed later.
    """

    validators = ()
    delete_checks = ()
    # Use-case steps ``f(item)`` run after the checks of a save or a delete, before it is committed: what
    # follows from the row (figures stored from it) is written in the same transaction, or nothing is.
    save_effects = ()
    delete_effects = ()
    # Master data is written by agency administrators only. Resources written by their owners
    # and evaluators (work plans) set this to None: their service checks decide who may write.
    scope_check = staticmethod(ensure_writable)

    def _refuse(self, error: DomainError):
        raise NotImplementedError

    def _guard(self, item, checks):
        try:
            if self.scope_check is not None:
                self.scope_check(item)
            for check in checks:
                check(item)
        except DomainError as error:
            db.session.rollback()
            self._refuse(error)

    def pre_add(self, item):
        self._guard(item, (*self.validators, *self.save_effects))

    def pre_update(self, item):
        if is_versioned(type(item)):
            try:
                ensure_current_version(item)
            except VersionConflict as conflict:
                db.session.rollback()
                self._refuse_conflict(conflict)
        self._guard(item, (*self.validators, *self.save_effects))

    def _refuse_conflict(self, conflict: VersionConflict):
        """A save based on an older version: the API answers 409 with what changed (VersionedApi)."""
        raise conflict

    def pre_delete(self, item):
        self._guard(item, (*self.delete_checks, *self.delete_effects))


class WrittenByTheirPeople:
    """Rows written by their owners and evaluators (plans), not only by agency administrators: the use-case's
    checks decide who may write (each calls ensure_writable where agency administration is the rule)."""

    scope_check = None

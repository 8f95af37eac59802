"""Authentication: the login backend (failure handling: registry.login_security) and the per-request user read."""
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections

from . import login_security
from .models import LoginEvent


class LockoutModelBackend(ModelBackend):
    """ModelBackend with login failure handling. Every refusal costs the same password hashing
    whether the name exists or not, is recorded, and leaves its message on
    ``request.login_refusal`` for the login form."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        username = str(username)[:150]
        refusal = login_security.address_block_refusal(login_security.client_ip(request))
        if refusal is not None:  # the whole address is refused: nothing about the name is at stake
            login_security.record(LoginEvent.Kind.THROTTLED, request, None, username)
            return self._refuse(request, refusal)
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        refusal = login_security.name_lock_refusal(username)
        if refusal is not None or user is None:
            User().set_password(password)  # the work of a real check: a locked or unknown name answers as slowly
        elif user.check_password(password) and self.user_can_authenticate(user):
            login_security.name_success(username)
            return user
        locked = refusal is not None
        if not locked:
            locked, refusal = login_security.name_failure(username)
        login_security.record(LoginEvent.Kind.LOCKED if locked else LoginEvent.Kind.FAILED, request, user, username)
        return self._refuse(request, login_security.address_failure(request) or refusal)

    @staticmethod
    def _refuse(request, refusal):
        if request is not None:
            request.login_refusal = refusal
        # PermissionDenied stops Django trying other backends (and fires user_login_failed).
        raise PermissionDenied(refusal.message)

    def get_user(self, user_id):
        user = user_with_unit(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def user_with_unit(user_id):
    """The user with their unit and its division (jurisdiction, menus), in one query; None if none.

    Every request reads this. Its SQL is built once per process from the models' fields: compiling
    the equivalent select_related("organisation__division").get() cost more than running it
    (docs/performance.md, "Every request"). The values go through the same database
    converters as the ORM's, so the instances are the ORM's (tests compare every field).
    """
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    connection = connections["default"]
    sql, layout = _user_with_unit_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    built, start = [], 0
    for model, names, pk_index, converters in layout:
        values = list(row[start : start + len(names)])
        start += len(names)
        if values[pk_index] is None:  # no unit (a superuser), hence no division
            built.append(None)
            continue
        for index, convert, expression in converters:
            values[index] = convert(values[index], expression, connection)
        built.append(model.from_db(connection.alias, names, values))
    user, organisation, division = built
    if organisation is not None:
        organisation.division = division
    user.organisation = organisation
    return user


@functools.cache  # the default database's backend, hence its SQL and converters, is fixed per process
def _user_with_unit_query():
    from registry.models import Division, Organisation

    connection = connections["default"]
    quote = connection.ops.quote_name
    User = get_user_model()
    tables = [(model, f"t{position}") for position, model in enumerate([User, Organisation, Division])]
    columns, layout = [], []
    for model, alias in tables:
        fields = list(model._meta.concrete_fields)  # from_db() takes a full row in this order
        converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(alias)
            for convert in [*connection.ops.get_db_converters(expression), *expression.get_db_converters(connection)]:
                converters.append((index, convert, expression))
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
        layout.append((model, [f.attname for f in fields], fields.index(model._meta.pk), converters))
    (_, user), (_, unit), (_, place) = tables
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(User._meta.db_table)} {user}"
        f" LEFT JOIN {quote(Organisation._meta.db_table)} {unit} ON {unit}.{quote(Organisation._meta.pk.column)}"
        f" = {user}.{quote(User._meta.get_field('organisation').column)}"
        f" LEFT JOIN {quote(Division._meta.db_table)} {place} ON {place}.{quote(Division._meta.pk.column)}"
        f" = {unit}.{quote(Organisation._meta.get_field('division').column)}"
        f" WHERE {user}.{quote(User._meta.pk.column)} = %s"
    )
    return sql, layout

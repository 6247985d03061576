"""The demonstration, loaded once for the whole of tests/demo (a load takes a while), inside a
transaction that is undone afterwards, so no other package ever sees it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def demo_loaded(django_db_setup, django_db_blocker):
    """The result of loading the Richmond demonstration. A test using it also asks for `db` (the
    `demo` fixture does both): it then runs in a savepoint inside the loading transaction, so what
    one test changes is gone before the next."""
    from django.core.cache import cache
    from django.db import transaction

    from residentvoice.demo.services import demo_load

    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            loaded = demo_load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    cache.clear()


@pytest.fixture
def demo(demo_loaded, db):
    """The demonstration, for one test."""
    return demo_loaded

"""The suite-wide secret check can fail: a planted secret in a log, a traceback or a reply is caught."""

from __future__ import annotations

import logging

import pytest

from tests.secret_guard import KNOWN_SECRETS, LogCapture

pytest_plugins = ["pytester"]

PLANTED = "xoxb-test-bot-token"
assert PLANTED in KNOWN_SECRETS


@pytest.mark.allow_secret_leak  # planted on purpose
def test_a_secret_in_a_debug_log_line_is_found():
    capture = LogCapture()
    with capture:
        logging.getLogger("some.library").debug("headers: Authorization=Bearer %s", PLANTED)
    assert capture.leaked() and PLANTED not in str(capture.leaked())  # reported, not reprinted


@pytest.mark.allow_secret_leak  # planted on purpose
def test_a_secret_in_an_exception_traceback_is_found():
    capture = LogCapture()
    with capture:
        try:
            raise RuntimeError(f"login failed with {PLANTED}")
        except RuntimeError:
            logging.getLogger("sidebet").exception("sync failed")
    assert capture.leaked()


def test_nothing_is_reported_for_clean_logs():
    capture = LogCapture()
    with capture:
        logging.getLogger("sidebet").warning("outbox post %s failed: %s", 3, "ServerDisconnectedError")
    assert capture.leaked() == []


@pytest.mark.allow_secret_leak  # planted on purpose
def test_the_autouse_fixture_fails_a_test_that_logs_or_replies_with_a_secret(pytester):
    pytester.makeconftest("from tests.conftest import no_secret_leaks  # noqa: F401\n")
    pytester.makepyfile(
        f"""
        import logging
        from commands.replies import Reply

        def test_logs_a_token():
            logging.getLogger("tests.planted").debug("token=%s", {PLANTED!r})

        def test_replies_with_a_cookie():
            Reply("Linked; your cookie is AEB-secret-espn-s2-cookie-0123456789")

        def test_clean():
            logging.getLogger("sidebet").info("all good")
            Reply("fine")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:xdist", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(["*secrets leaked*"])

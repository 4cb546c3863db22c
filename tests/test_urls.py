"""Remembered URLs: the same links as `url_for`, for every mount point, with the cases that cannot be cached."""
import pytest
from flask import url_for

from taskforce.urls import MAX_REMEMBERED, remembered_url_for


@pytest.mark.parametrize("script_root", ["", "/taskforce"])
def test_same_urls_as_url_for_under_any_mount_point(app, script_root):
    cases = [("web.home", {}), ("directory.show", {"service_id": 7}), ("static", {"filename": "css/app.css"}),
             ("directory.index", {"q": "shelter & clinic", "language": "es", "open_now": "1"})]
    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        for endpoint, values in cases:
            assert remembered_url_for(endpoint, **values) == url_for(endpoint, **values)
            assert remembered_url_for(endpoint, **values) == url_for(endpoint, **values)  # from the cache
        assert remembered_url_for("web.home").startswith(f"{script_root}/")


def test_equal_values_of_other_types_get_their_own_urls(app):
    with app.test_request_context("/"):
        assert remembered_url_for("directory.index", open_now=1) == "/directory/?open_now=1"
        assert remembered_url_for("directory.index", open_now=True) == url_for("directory.index", open_now=True)
        assert len(app.extensions["taskforce.urls"]) == 2


def test_a_mount_point_never_gets_another_ones_cached_url(app):
    with app.test_request_context("/", base_url="http://localhost/a/"):
        assert remembered_url_for("web.home") == "/a/"
    with app.test_request_context("/", base_url="http://localhost/b/"):
        assert remembered_url_for("web.home") == "/b/"


def test_external_relative_and_list_values_are_built_each_time(app):
    with app.test_request_context("/", base_url="http://partner.example/"):
        assert remembered_url_for("web.home", _external=True) == "http://partner.example/"
        assert remembered_url_for("directory.index", category=["a", "b"]) == "/directory/?category=a&category=b"
        assert app.extensions["taskforce.urls"] == {}
    with app.test_request_context("/directory/"):
        assert remembered_url_for(".index") == "/directory/"


def test_the_cache_stays_bounded(app):
    with app.test_request_context("/"):
        for service_id in range(1, MAX_REMEMBERED + 50):
            assert remembered_url_for("directory.show", service_id=service_id) == f"/directory/services/{service_id}"
        assert len(app.extensions["taskforce.urls"]) <= MAX_REMEMBERED


def test_templates_use_the_remembered_builder(app):
    with app.test_request_context("/"):
        link = app.jinja_env.from_string("{{ url_for('directory.show', service_id=3) }}").render()
        assert link == "/directory/services/3"
        assert app.extensions["taskforce.urls"] == {("", "directory.show", (("service_id", int, 3),)): link}


def test_outside_a_request_templates_build_urls_from_the_server_name(app):
    app.config["SERVER_NAME"] = "taskforce.example"
    with app.app_context():
        link = app.jinja_env.from_string("{{ url_for('directory.index', _external=True) }}|"
                                         "{{ url_for('directory.index') }}").render()
    assert link == "http://taskforce.example/directory/|http://taskforce.example/directory/"  # Flask's own rule
    assert app.extensions["taskforce.urls"] == {}

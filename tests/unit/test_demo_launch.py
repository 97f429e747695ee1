"""How `make run` and `make demo` treat the demo community, without a system: `make demo`
keeps one secret per install and tells profiles a demo community may sign up; `make run`
starts nothing of it, and only a store that `make demo` gathered a community in has it leave."""

from workbuddy_devstack.demo import launch
from workbuddy_devstack.demo.community import COMMUNITY
from workbuddy_devstack.demo.gathering import password_for
from workbuddy_devstack.settings import DevstackSettings


def test_make_demo_is_make_run_with_the_demo_flag():
    assert DevstackSettings.from_env({}).demo is False
    assert DevstackSettings.from_env({"WB_DEMO": "1"}).demo is True
    assert launch.ENVIRONMENT["DEMO_COMMUNITY"] == "on"


def test_the_secret_is_made_once_per_install_and_the_passwords_follow_from_it(tmp_path):
    first = launch.command("http://gw", "http://inbox", tmp_path)
    secret = launch.secret_path(tmp_path).read_text()
    assert launch.command("http://gw", "http://inbox", tmp_path) == first
    assert launch.secret_path(tmp_path).read_text() == secret  # kept, not made again
    assert launch.secret_path(tmp_path).stat().st_mode & 0o077 == 0
    assert first[-4:] == ["--inbox", "http://inbox", "--secret-file", str(launch.secret_path(tmp_path))]
    lea, other = COMMUNITY[0], COMMUNITY[1]
    assert password_for(secret, lea) == password_for(secret, lea) != password_for(secret, other)
    assert password_for(secret, lea) != password_for(secret + "x", lea)
    assert len(password_for(secret, lea)) >= 10  # the API's minimum


def test_make_run_leaves_a_store_alone_where_no_demo_gathered(tmp_path, capsys):
    assert launch.remove_leftovers("http://127.0.0.1:9", "http://127.0.0.1:9", tmp_path) is None
    assert capsys.readouterr().out == ""

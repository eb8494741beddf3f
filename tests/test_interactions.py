"""The interaction rules Discord and Slack share (adapters/interactions.py), one case each."""

from __future__ import annotations

from adapters.interactions import (
    CUSTOM_STAKE,
    FormButton,
    Press,
    Step,
    form_options,
    next_step,
    pressed_command,
    stake_prompt,
)
from adapters.slack import buttons
from commands.catalogue import BY_NAME
from commands.replies import Reply

BET, ADJUST, SETUP = BY_NAME["bet"], BY_NAME["adjust"], BY_NAME["setup"]


def test_a_press_runs_asks_for_a_stake_or_opens_a_form():
    complete = {"market": "3", "pick": "home", "stake": "10"}
    assert next_step(BET, Press("bet", complete)) == (Step.RUN, ())
    step, asked = next_step(BET, Press("bet", {"market": "3", "pick": "home"}))
    assert step is Step.ASK_STAKE and [o.name for o in asked] == ["stake"]
    step, asked = next_step(BET, Press("bet", {"market": "3", "pick": "home"}, form=True))
    assert step is Step.ASK_FORM and [o.name for o in asked] == ["stake"]
    step, asked = next_step(ADJUST, Press("adjust", {"member": "alex", "amount": ""}))
    assert step is Step.ASK_FORM and [o.name for o in asked] == ["amount", "reason"]


def test_a_form_always_asks_for_the_secret_options():
    assert [o.name for o in form_options(SETUP, {"league": 123})] == ["espn_s2", "swid"]
    step, asked = next_step(SETUP, Press("setup", {"league": 123}))
    assert step is Step.ASK_FORM and [o.name for o in asked] == ["espn_s2", "swid"]


def test_a_sleeper_setup_is_not_asked_for_espn_cookies():
    assert form_options(SETUP, {"platform": "sleeper", "league": "1048291839281745920"}) == ()
    step, asked = next_step(SETUP, Press("setup", {"platform": "Sleeper", "league": "1048291839281745920"}))
    assert step is Step.RUN and asked == ()
    assert [o.name for o in form_options(SETUP, {"platform": "espn", "league": 1})] == ["espn_s2", "swid"]


def test_presses_that_are_not_ours_or_not_yours_are_refused():
    assert isinstance(pressed_command(None, "U1", own_slip="/bet"), Reply)
    assert "someone else" in pressed_command(Press("bet", {}, "U2"), "U1", own_slip="/bet").text
    assert "out of date" in pressed_command(Press("nope"), "U1", own_slip="/bet").text
    assert pressed_command(Press("bet", {}, "U1"), "U1", own_slip="/bet") is BET


def test_the_stake_prompt_offers_quick_stakes_and_a_custom_form():
    prompt = stake_prompt(BET, {"market": "3", "pick": "home"}, "U1", pick="HMH +120")
    assert "HMH +120" in prompt.text
    assert [b.label for b in prompt.buttons] == ["10%", "25%", "All-in", CUSTOM_STAKE]
    assert [b.args.get("stake") for b in prompt.buttons] == ["10%", "25%", "all", None]
    assert isinstance(prompt.buttons[-1], FormButton) and all(b.owner_id == "U1" for b in prompt.buttons)


def test_a_slack_custom_button_round_trips_as_a_form_press_and_old_ones_still_decode():
    custom = stake_prompt(BET, {"market": "3"}, "U1").buttons[-1]
    assert buttons.decode(buttons.encode(custom)).press == Press("bet", {"market": "3"}, "U1", form=True)
    legacy = '{"a":"@ask","g":{"args":{"market":"3"},"command":"bet"},"o":"U1"}'
    assert buttons.decode(legacy).press == Press("bet", {"market": "3"}, "U1", form=True)

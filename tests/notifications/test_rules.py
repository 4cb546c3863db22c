"""Who gets what: the PURE notification rules, on plain ids."""
from taskforce.notifications import rules
from taskforce.notifications.rules import Delivery


def test_the_author_of_a_mention_never_notifies_themselves():
    assert rules.mention_recipients(1, [1, 2], reader_ids=[1, 2, 3]) == {2}


def test_only_readers_of_a_private_channel_hear_of_a_mention():
    # 3 is named but is not in the private channel: nothing tells them the channel exists
    assert rules.mention_recipients(1, [2, 3], reader_ids=[1, 2]) == {2}


def test_a_muted_channel_still_tells_of_mentions_but_not_of_thread_replies():
    assert rules.mention_recipients(1, [2], reader_ids=[1, 2]) == {2}
    assert rules.thread_reply_recipients(1, [2, 3], reader_ids=[1, 2, 3], muted_ids=[2]) == {3}


def test_thread_replies_reach_earlier_writers_once_and_never_the_replier():
    # 1 replies in a thread started by 2, where 1, 3 and 4 replied; 4 left the private channel; 3 is also
    # mentioned in the reply (the mention tells them, not a second notification)
    assert rules.thread_reply_recipients(1, [2, 1, 3, 4], reader_ids=[1, 2, 3], mentioned_ids=[3]) == {2}


def test_others_leaves_out_the_actor_and_ignores_junk_ids():
    assert rules.others(5, [5, 6, 7, None, "8", True]) == {6, 7}
    assert rules.others(None, [6]) == {6}


def test_delivery_split_defaults_to_in_app():
    groups = rules.split_by_delivery([1, 2, 3], {2: Delivery.EMAIL, 3: Delivery.DIGEST})
    assert groups == {Delivery.IN_APP: {1}, Delivery.EMAIL: {2}, Delivery.DIGEST: {3}}


def test_badge_caps_at_99():
    assert [rules.badge(n) for n in (0, 1, 99, 100, 5000)] == ["", "1", "99", "99+", "99+"]


def test_emails_carry_only_the_email_sentence_and_links():
    subject, body = rules.immediate_email("You were mentioned in #intake", "https://tf.example/channels/3#message-9",
                                          "https://tf.example/notifications/preferences")
    assert subject == "Taskforce: You were mentioned in #intake"
    assert body.startswith("You were mentioned in #intake — open Taskforce:\nhttps://tf.example/channels/3#message-9")
    subject, body = rules.digest_email(["You were mentioned in #intake", "A lesson is waiting for your review",
                                        "You were mentioned in #intake"], "https://tf.example/notifications",
                                       "https://tf.example/notifications/preferences")
    assert subject == "Taskforce: 3 new notifications"
    assert "- You were mentioned in #intake (2×)\n- A lesson is waiting for your review" in body

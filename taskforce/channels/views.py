"""Channels pages and JSON: the chat page, channel management forms, history, search, the channel list.

Messages themselves travel over the `/channels` socket (events.py); these routes render the page, page
back through history and change channels. Socket side effects follow each committed change.
"""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from taskforce import ids
from taskforce.channels import catch_up, events, message_edits, message_search, notifying, room_events, services
from taskforce.channels.models import MAX_BODY, REACTIONS, ChannelKind
from taskforce.channels.payloads import channel_payload, message_payload
from taskforce.errors import ValidationError
from taskforce.idempotency import idempotent
from taskforce.urls import local_path

bp = Blueprint("channels", __name__, url_prefix="/channels")
api = Blueprint("channels_api", __name__, url_prefix="/api/channels")


def _sidebar(selected_id=None) -> dict:
    actor = current_user._get_current_object()
    channels = services.readable_channels(actor)
    return {"channels": channels, "unread": services.unread_counts(actor), "selected_id": selected_id,
            "kinds": [k for k in ChannelKind if k is not ChannelKind.TRAINING], "sectors": services.sector_choices(),
            "reactions": REACTIONS, "max_body": MAX_BODY, "mentions": notifying.recent_mentions(actor)}


@bp.get("/")
@login_required
def index():
    """The first readable channel (task force general), or an empty state saying how to start one."""
    context = _sidebar()
    if context["channels"]:
        return redirect(url_for("channels.show", channel_id=context["channels"][0].id))
    return render_template("channels/index.html", channel=None, **context)


@bp.get("/<int:channel_id>")
@login_required
def show(channel_id):
    actor = current_user._get_current_object()
    channel = services.access.readable_channel(actor, channel_id)
    manage = services.access.may_manage(actor, channel)
    members = services.channel_members(actor, channel.id) if channel.kind.has_explicit_members else []
    invitable = services.invitable_people(actor, channel.id) if channel.kind.has_explicit_members else []
    return render_template("channels/index.html", channel=channel, may_manage=manage, members=members,
                           invitable=invitable, **_sidebar(channel.id))


@bp.post("/new")
@login_required
@idempotent
def create():
    form = request.form
    try:
        members = [ids.record_id(v) for v in form.getlist("member_id") if v.strip()]
        if None in members:
            raise ValidationError("Choose the people to invite from the list.", field="member_id")
        channel = services.create_channel(current_user._get_current_object(), form.get("name"), form.get("kind"),
                                          topic=form.get("topic", ""), sector=form.get("sector") or None,
                                          members=members)
    except ValidationError as error:
        flash(error.message, "error")
        # Back to the page the form was on (a local path it names), never to the Referer (off-site).
        return redirect(local_path(form.get("next"), url_for("channels.index"), prefix=bp.url_prefix)), 303
    room_events.channel_added(channel)
    flash(f"Channel “{channel.name}” is open.", "info")
    return redirect(url_for("channels.show", channel_id=channel.id))


@bp.post("/<int:channel_id>/settings")
@login_required
def settings(channel_id):
    """Rename and set the topic in one form."""
    actor = current_user._get_current_object()
    channel = services.update_channel(actor, channel_id, request.form.get("name"), request.form.get("topic", ""))
    room_events.channel_updated(channel)
    flash("Channel updated.", "info")
    return redirect(url_for("channels.show", channel_id=channel.id))


@bp.post("/<int:channel_id>/archive")
@login_required
def archive(channel_id):
    channel = services.archive(current_user._get_current_object(), channel_id)
    room_events.channel_updated(channel)
    flash("Channel archived: it stays readable and searchable.", "info")
    return redirect(url_for("channels.show", channel_id=channel.id))


@bp.post("/<int:channel_id>/members")
@login_required
def invite(channel_id):
    invitee = services.invite_member(current_user._get_current_object(), channel_id,
                                     ids.record_id(request.form.get("user_id")))
    channel = services.access.readable_channel(current_user._get_current_object(), channel_id)
    room_events.member_added(channel, invitee.id)
    flash(f"{invitee.display_name} can now read and write here.", "info")
    return redirect(url_for("channels.show", channel_id=channel_id))


@bp.post("/<int:channel_id>/members/<int:user_id>/remove")
@login_required
def remove(channel_id, user_id):
    actor = current_user._get_current_object()
    services.remove_member(actor, channel_id, user_id)
    room_events.member_removed(channel_id, user_id)
    if user_id == actor.id:
        flash("You left the channel.", "info")
        return redirect(url_for("channels.index"))
    flash("Removed from the channel.", "info")
    return redirect(url_for("channels.show", channel_id=channel_id))


@bp.post("/<int:channel_id>/mute")
@login_required
def mute(channel_id):
    muted = services.set_muted(current_user._get_current_object(), channel_id, request.form.get("muted") == "1")
    flash("Channel muted." if muted else "Channel unmuted.", "info")
    return redirect(url_for("channels.show", channel_id=channel_id))


@bp.get("/search")
@login_required
def search():
    actor = current_user._get_current_object()
    query = request.args.get("q", "")
    results, problem = [], None
    if query.strip():
        try:
            results = message_search.search_messages(actor, query)
        except ValidationError as error:
            problem = error.message
    names = {c.id: c.name for c in services.readable_channels(actor)}
    return render_template("channels/search.html", query=query, results=results, problem=problem,
                           channel_names=names, payload=message_payload, **_sidebar())


# -- JSON (DESIGN §5: GET /api/channels is a public contract) ---------------------------------------------
@api.get("")
@login_required
def list_channels():
    """`[{id, name, kind}]` for every channel the signed-in member can read (plus topic, sector, archived,
    unread and muted)."""
    actor = current_user._get_current_object()
    unread = services.unread_counts(actor)
    return jsonify([dict(channel_payload(c), unread=unread.get(c.id, {}).get("unread", 0),
                         muted=unread.get(c.id, {}).get("muted", False))
                    for c in services.readable_channels(actor)])


@api.get("/<int:channel_id>/messages")
@login_required
def history(channel_id):
    actor = current_user._get_current_object()
    before = request.args.get("before") or None  # catch_up.history refuses what is not a message's number
    limit = request.args.get("limit", default=catch_up.HISTORY_LIMIT, type=int)
    changes_up_to = catch_up.current_change()  # before the messages: they already show every change up to it
    messages, has_more = catch_up.history(actor, channel_id, before=before, limit=limit)
    state = services.unread_counts(actor).get(channel_id, {})
    return jsonify({"messages": [message_payload(m, for_user_id=actor.id) for m in messages], "has_more": has_more,
                    "last_read": state.get("last_read", 0), "muted": state.get("muted", False),
                    "changes_up_to": changes_up_to})


@api.get("/<int:channel_id>/members")
@login_required
def members(channel_id):
    people = services.channel_members(current_user._get_current_object(), channel_id)
    return jsonify([{"id": p.id, "display_name": p.display_name, "organization": p.organization.name}
                    for p in people])


@api.get("/messages/<int:message_id>/revisions")
@login_required
def revisions(message_id):
    rows = message_edits.message_revisions(current_user._get_current_object(), message_id)
    return jsonify([{"body": r.body, "replaced_at": r.replaced_at.isoformat()} for r in rows])


def register(app) -> None:
    from taskforce.channels import home_views  # its blocks on Home (taskforce/home.py)
    home_views.register(app)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    events.register(app)

"""Signals of the network domain: sent after a service committed, heard by network/live.py."""
from blinker import Namespace

_signals = Namespace()

# sender: the Referral (None when one was deleted); from_id, to_id: the edge's two organizations
referral_recorded = _signals.signal("network.referral_recorded")
# sender: the Partnership; from_id, to_id: its two organizations
partnership_recorded = _signals.signal("network.partnership_recorded")
# sender: None; version: the data version whose figures are now cached (a background job finished)
figures_ready = _signals.signal("network.figures_ready")

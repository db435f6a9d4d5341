"""What arrived at the fake Bitrix24 portal (bitrix_server.py), and a manager working in Bitrix.

``Observing`` is mixed into ``FakeBitrix``: copies of leads, deals, comments
and counters (thread-safe), and what a manager does in the portal itself —
comment a timeline, move a lead or deal — which queues the event Bitrix
would post (``take_events``).
"""

from __future__ import annotations

import json
import time

from tests.fakes.bitrix_php import _iso


class Observing:
    # --- what arrived (copies, thread-safe) ----------------------------------------
    def lead(self, lead_id: int) -> dict | None:
        with self._lock:
            lead = self.leads.get(int(lead_id))
            return json.loads(json.dumps(lead)) if lead else None

    def leads_by_origin(self, origin_id: str, originator_id: str | None = None) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(lead)) for lead in self.leads.values()
                    if str(lead.get("ORIGIN_ID")) == origin_id and (
                        originator_id is None or str(lead.get("ORIGINATOR_ID")) == originator_id)]

    def comments_for(self, lead_id: int) -> list[dict]:
        with self._lock:
            return [dict(c) for c in self.comments.values() if c["ENTITY_ID"] == int(lead_id)]

    def updates_for(self, lead_id: int) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(f)) for lid, f in self.updates if lid == int(lead_id)]

    def deal(self, deal_id: int) -> dict | None:
        with self._lock:
            deal = self.deals.get(int(deal_id))
            return json.loads(json.dumps(deal)) if deal else None

    def deals_by_origin(self, origin_id: str) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(deal)) for deal in self.deals.values()
                    if str(deal.get("ORIGIN_ID")) == origin_id]

    def comments_on(self, entity_type: str, entity_id: int) -> list[dict]:
        with self._lock:
            return [dict(c) for c in self.comments.values()
                    if c["ENTITY_TYPE"] == entity_type and c["ENTITY_ID"] == int(entity_id)]

    def manager_writes(self, entity_type: str, entity_id: int, text: str, *,
                       author_id: int = 7) -> int:
        """A manager comments in the timeline in Bitrix (no request; the event is queued)."""
        from tests.fakes.bitrix_methods import store_comment
        with self._lock:
            return store_comment(self, entity_type, entity_id, text, author_id)

    def take_events(self) -> list[tuple[str, int]]:
        """The events Bitrix would have posted since the last call (and forget them)."""
        with self._lock:
            events, self.events = self.events, []
            return events

    def set_deal_stage(self, deal_id: int, stage_id: str) -> None:
        """A manager moves the deal in Bitrix (no request; the event is queued)."""
        with self._lock:
            self.deals[int(deal_id)]["STAGE_ID"] = stage_id
            self.deals[int(deal_id)]["DATE_MODIFY"] = _iso(time.time())
            self.events.append(("ONCRMDEALUPDATE", int(deal_id)))

    def set_lead_status(self, lead_id: int, status_id: str) -> None:
        """A manager moves the lead in Bitrix (no request, no counters; the event is queued)."""
        with self._lock:
            self.leads[int(lead_id)]["STATUS_ID"] = status_id
            self.leads[int(lead_id)]["DATE_MODIFY"] = _iso(time.time())
            self.events.append(("ONCRMLEADUPDATE", int(lead_id)))

    def peak_rate(self, window: float = 1.0) -> float:
        """Most requests that arrived in any half-open window of ``window`` seconds, per second."""
        with self._lock:
            times = sorted(self.arrivals)
        best, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= window:
                first += 1
            best = max(best, last - first + 1)
        return best / window

    def stats(self) -> dict:
        with self._lock:
            return {
                "requests": dict(self.requests), "batch_calls": dict(self.batch_calls),
                "performed": dict(self.performed), "http_statuses": dict(self.http_statuses),
                "http_methods": dict(self.http_methods), "refused": self.refused,
                "lost": self.lost, "time_limited": self.time_limited_calls,
                "total_requests": len(self.arrivals), "leads": len(self.leads),
                "comments": len(self.comments), "updates": len(self.updates),
                "peak_bucket": self.peak_bucket,
            }

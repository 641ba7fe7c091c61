"""The credited-tier history on the Tier page (issue 12; F2.1): the records, and a form to add the
tier HubSpot credited from a date. Each record is written by `Store.add_tier_record` (audited like
End services) and every credited answer on the page is recomputed from it.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from partnerkit.ui.dashboard.html import esc, table

MAX_NOTE = 500


class TierHistoryForm:
    def __init__(self, state: Any) -> None:
        self.state = state
        g = state.messages.guard
        self.heading = W.HTML()
        self.records_html = W.HTML()
        self.records_html.add_class("pk-tier-records")
        self.date = W.DatePicker(layout=W.Layout(width="auto"))
        self.date.add_class("pk-record-date")
        self.tier = W.Dropdown(layout=W.Layout(width="220px"))
        self.tier.add_class("pk-record-tier")
        self.note = W.Text(layout=W.Layout(width="320px"))
        self.note.add_class("pk-record-note")
        self.add = W.Button(button_style="primary")
        self.add.add_class("pk-record-add")
        self.add.on_click(g(lambda: self.t("Could not add the record"))(self._add))
        self.result = W.HTML()
        self.result.add_class("pk-record-result")
        self.widget = W.VBox([
            self.heading, self.records_html,
            W.HBox([self.date, self.tier, self.note, self.add],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.result,
        ])
        self.widget.add_class("pk-tier-history")

    @property
    def t(self) -> Any:
        return self.state.t

    def render(self) -> None:
        t, st = self.t, self.state
        self.heading.value = "<h3>{}</h3><p class=\"pk-muted\">{}</p>".format(
            esc(t("Credited-tier history")),
            esc(t("The tiers HubSpot credited and from when. Before the first record the "
                  "credited tier is not recorded; after a record partnerkit simulates the "
                  "reviews.")))
        rows = [[t.date(r.credited_from), r.tier,
                 t("recorded") if r.source == "recorded" else t("computed by partnerkit"),
                 r.note] for r in st.tier_history()]
        self.records_html.value = table([t("Credited from"), t("Tier"), t("Source"), t("Note")],
                                        rows, cls="pk-table pk-records",
                                        empty=t("No credited tier recorded yet."))
        ladder = list(st.rules.tier_names)
        keep = self.tier.value if self.tier.value in ladder else None
        self.tier.options = ladder
        self.tier.value = keep or (ladder[0] if ladder else None)
        self.date.description = t("Credited from")
        self.tier.description = t("Tier")
        self.note.description = t("Note")
        self.note.placeholder = t("e.g. HubSpot's e-mail of the upgrade")
        self.add.description = t("Add record")

    def _add(self, _b: Any = None) -> None:
        t, st = self.t, self.state
        if self.date.value is None:
            self.result.value = f'<div class="pk-alert">{esc(t("Pick the date."))}</div>'
            return
        note = (self.note.value or "")[:MAX_NOTE]
        try:
            rec = st.store.add_tier_record(st.partner_id, self.date.value, self.tier.value,
                                           by=st.user, note=note)
        except ValueError as e:  # the store's one clear reason (date in the future, ...)
            self.result.value = f'<div class="pk-alert">{esc(str(e))}</div>'
            return
        self.note.value = ""
        st.tier_history_changed()
        self.result.value = '<div class="pk-ok">{}</div>'.format(esc(
            t("Recorded: {tier} from {date}.").format(tier=rec.tier,
                                                      date=t.date(rec.credited_from))))

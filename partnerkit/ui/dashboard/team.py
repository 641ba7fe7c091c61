"""F4 Your HubSpot team: the Partner Development Manager card and a Send email link.

F4.1 the PDM with an initials avatar (photo placeholder), name, role and how they help;
F4.2 Send email: a mailto: link with a useful, URL-encoded subject.
"""

from __future__ import annotations

import ipywidgets as W

from partnerkit.ui.dashboard.base import Page
from partnerkit.ui.dashboard.html import esc, initials, mailto
from partnerkit.ui.dashboard.state import DashboardState


class TeamPage(Page):
    def __init__(self, state: DashboardState) -> None:
        super().__init__(state)
        self.content = W.HTML()  # built once; a re-render changes its text only

    def render(self) -> None:
        t = self.t
        partner = self.state.partner
        members = list(self.state.team())
        cards = []
        for m in members:
            subject = t("{partner}: question from our Solutions Partner dashboard").format(
                partner=partner.name
            )
            url = mailto(m.email, subject) if m.email else ""
            send = (
                f'<a class="pk-link pk-send-email jupyter-button" href="{esc(url)}" '
                f'style="display:inline-block;padding:4px 12px;text-decoration:none">'
                f"✉ {esc(t('Send email'))}</a>"
                if url
                else ""
            )
            cards.append(
                '<div class="pk-card pk-team pk-team-member">'
                f'<div class="pk-avatar" aria-hidden="true">{esc(initials(m.name))}</div>'
                "<div>"
                f'<div class="pk-big pk-team-name">{esc(m.name)}</div>'
                f'<div class="pk-team-role"><b>{esc(m.role)}</b></div>'
                f'<p class="pk-team-description">{esc(m.description)}</p>'
                f'<div class="pk-muted">{esc(m.email)}</div>'
                f"<p>{send}</p>"
                "</div></div>"
            )
        if not cards:
            cards.append(
                '<p class="pk-empty">{}</p>'.format(
                    esc(
                        t(
                            "No HubSpot team is stored for this partner. Import your team (partnerkit import "  # noqa: E501
                            "team) to see your Partner Development Manager here."
                        )
                    )
                )
            )
        intro = t(
            "Your Partner Development Manager (PDM) is your HubSpot contact: they help you "
            "grow your tier, plan enablement and get answers from HubSpot."
        )
        self.content.value = (
            f"<h2>{esc(t('Your HubSpot team'))}</h2><p class='pk-muted'>{esc(intro)}</p>"
            + "".join(cards)
        )
        self.set_children(self.widget, [self.as_of_line(), self.content])

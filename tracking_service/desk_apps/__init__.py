"""Agents inside their desk (SPEC §13): ``/apps/chatwoot`` and ``/apps/zendesk``, pages the desk frames beside a
conversation or ticket that show the parcel the buyer means, its status and incident, and the drafted answer.

The pages are static shells; their script (``static/desk.js``) reads the desk's context and calls the public
HTTP API (``POST /v1/answers``, ``GET /v1/shipments``) with the agent's key, so they add no server-side path
to the data.

Desk formats followed:

- Chatwoot Dashboard Apps — https://www.chatwoot.com/hc/user-guide/articles/1677691702-how-to-use-dashboard-apps :
  the dashboard posts the context to the app's frame as a JSON string
  ``{"event": "appContext", "data": {"conversation", "contact", "currentAgent"}}`` (the conversation carries
  ``messages[]`` with ``message_type`` 0 = incoming, ``custom_attributes``; the contact ``custom_attributes``),
  and answers ``window.parent.postMessage("chatwoot-dashboard-app:fetch-info", "*")`` with it again.
- Zendesk Apps framework — https://developer.zendesk.com/api-reference/apps/apps-core-api/client_api/ and the
  Support API locations (https://developer.zendesk.com/apps/docs/apps-v2/support_api): ``ZAFClient.init()``
  then ``client.get(["ticket.requester", "ticket.comments", "ticket.customField:custom_field_<id>"])``; the
  SDK comes from ``static.zdassets.com`` and works only when Zendesk opens the frame (it appends ``origin`` and
  ``app_guid`` to the URL), so outside Zendesk the page takes a ``postMessage`` of the same shape or a paste.
"""

"""Use cases: the floor between the entry points and ``db/``.

Every entry point (API handlers, the console, desk apps, the buyer page) parses its input, calls one
function here and serialises what it returns. These functions own the transaction, the notices they
cause and the metrics; they raise the errors of ``usecases.errors``, which each entry point shows its
own way (problem+json in the API, a page in the console).

- ``shipments``: register a shipment, the shipment view (lane-model ETA where the carrier has none), refresh.
- ``answers``: the prepared answer for a shipment, and for a buyer's free-text message.
- ``incidents``: acknowledge and resolve an incident.
- ``claims``: open a claim, move it through its state machine, read it with its history.
"""

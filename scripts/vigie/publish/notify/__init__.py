"""Telling subscribers at deploy: WebSub hubs, webhooks and mail, each update once.

`released` reads what a release made public, `outbox` records what each channel was sent
(beside the releases), `channels` and `mail` deliver, `run` ties them together for
`vigie notify` and `vigie deploy`.
"""

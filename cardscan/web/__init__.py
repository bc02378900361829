"""The review and follow-up workspace: a local web app over the lead store.

`cardscan serve [--db PATH] [--port N] [--host 127.0.0.1]` starts it
(`cardscan.web.cli`); `create_app(WebConfig(...))` gives the WSGI app.
Pages: Review (card image beside its fields, edit, approve, merge),
Today (due tasks by person with mailto:/tel: links, done, snooze, refer),
a lead's page (fields, plan, notes, history).  Every action is one call
into `cardscan.crm`; see `security` for what protects it.
"""

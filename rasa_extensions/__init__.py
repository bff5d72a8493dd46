"""Code that runs inside the Rasa server process, and nothing of the channels or the actions.

- `tracker_cache`    the SQL tracker store with an in-memory copy of recent conversations,
                     checked against the database on every read (endpoints.yml names it).
- `action_response`  the check of the action server's answers against Rasa's own schema, with
                     the validator built once (deploy/rasa_run.py installs it before Rasa starts).
"""

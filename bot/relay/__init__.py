"""From a student's message to Rasa and back: `inbox` keeps every message until it is answered,
`workers` sends each student's messages in order, `rasa_client` speaks Rasa's REST channel,
`rasa_endpoints` reads what the adapter needs of Rasa's endpoints.yml."""

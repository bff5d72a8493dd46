"""The staff desk: `staff_desk` posts tickets to staff and relays both ways, `tickets` stores them,
`office_hours` says when staff answer."""

"""What every coordination service shares: the event envelope, auth, errors, the HTTP
entrypoint, the database unit of work, the transactional outbox, the inbox, and the
declared broker topology. Domain code never lives here."""

-- When an unacknowledged recipient was escalated (the sender's webhooks told), once.
ALTER TABLE hotline_recipients ADD COLUMN escalated_at TEXT;

"""Registration: meetings, participants' registrations and what follows from them."""

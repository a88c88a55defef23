"""tracking-service: parcel status, incidents and prepared answers for shops' support desks."""
